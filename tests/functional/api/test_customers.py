"""Customers: linking identities with consent, and one history across channels."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.functional.api.conftest import assert_error_shape, create_workspace
from tests.helpers import post_data

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _author_of(client: TestClient, workspace: str, conversation_id: int) -> int:
    url = f"/api/v1/workspaces/{workspace}/conversations/{conversation_id}"
    author_id: int = client.get(url).json()["author"]["id"]
    return author_id


def _load(client: TestClient) -> dict[str, int]:
    create_workspace(client, "acme")
    response = client.post(
        "/api/v1/posts",
        json=[
            post_data("t1", created_at=_at(0), author="bill_s", text="internet down again"),
            post_data(
                "f1",
                created_at=_at(30),
                network="facebook",
                channel="AcmeOnFacebook",
                author="Bill Smith",
                text="Still no internet since this morning.\nAnyone?",
            ),
            post_data("t2", created_at=_at(10), author="someone_else"),
        ],
    )
    assert response.status_code == 201, response.text
    results = response.json()["results"]
    return {
        "twitter": _author_of(client, "acme", results[0]["conversation_id"]),
        "facebook": _author_of(client, "acme", results[1]["conversation_id"]),
        "other": _author_of(client, "acme", results[2]["conversation_id"]),
    }


def _link(client: TestClient, customer_id: int, author_id: int, **fields: Any) -> Any:
    body = {"author_id": author_id, "linked_by": "customer_provided", "consent": True, **fields}
    return client.post(f"/api/v1/workspaces/acme/customers/{customer_id}/identities", json=body)


def test_linked_identities_give_one_history_across_channels(client: TestClient) -> None:
    authors = _load(client)
    created = client.post(
        "/api/v1/workspaces/acme/customers", json={"name": "Bill Smith", "crm_ref": "C-1001"}
    )
    assert created.status_code == 201, created.text
    customer_id = created.json()["id"]

    first = _link(client, customer_id, authors["twitter"], note="gave account number in DM")
    assert first.status_code == 201, first.text
    assert first.json()["linked_by"] == "customer_provided"
    assert first.json()["consent_at"] is not None
    second = _link(client, customer_id, authors["facebook"], linked_by="agent_verified")
    assert second.status_code == 201, second.text

    detail = client.get(f"/api/v1/workspaces/acme/customers/{customer_id}").json()
    assert detail["crm_ref"] == "C-1001"
    assert [
        (i["author"]["network"], i["author"]["handle"], i["linked_by"])
        for i in detail["identities"]
    ] == [("twitter", "bill_s", "customer_provided"), ("facebook", "Bill Smith", "agent_verified")]
    assert [c["channel"]["network"] for c in detail["conversations"]] == ["facebook", "twitter"]
    assert [p["external_id"] for p in detail["recent_posts"]] == ["f1", "t1"]

    author = client.get(f"/api/v1/workspaces/acme/authors/{authors['twitter']}").json()
    assert author["customer"]["id"] == customer_id
    assert author["identity"]["note"] == "gave account number in DM"
    conversation_id = detail["conversations"][1]["id"]
    conversation = client.get(f"/api/v1/workspaces/acme/conversations/{conversation_id}").json()
    assert conversation["customer"] == {
        "id": customer_id,
        "name": "Bill Smith",
        "linked_by": "customer_provided",
        "consent": True,
    }

    unlinked = client.get(f"/api/v1/workspaces/acme/authors/{authors['other']}").json()
    assert unlinked["customer"] is None
    assert unlinked["identity"] is None
    assert [p["external_id"] for p in unlinked["recent_posts"]] == ["t2"]


def test_an_author_links_to_one_customer_only(client: TestClient) -> None:
    authors = _load(client)
    bill = client.post("/api/v1/workspaces/acme/customers", json={"name": "Bill"}).json()["id"]
    will = client.post("/api/v1/workspaces/acme/customers", json={"name": "Will"}).json()["id"]
    assert _link(client, bill, authors["twitter"]).status_code == 201
    again = _link(client, will, authors["twitter"])
    assert again.status_code == 409
    assert_error_shape(again.json(), "conflict")
    assert client.get(f"/api/v1/workspaces/acme/customers/{will}").json()["identities"] == []


def test_linking_never_crosses_workspaces(client: TestClient) -> None:
    authors = _load(client)
    create_workspace(client, "globex")
    theirs = client.post("/api/v1/workspaces/globex/customers", json={"name": "Bill"}).json()
    response = client.post(
        f"/api/v1/workspaces/globex/customers/{theirs['id']}/identities",
        json={"author_id": authors["twitter"], "linked_by": "crm_import", "consent": True},
    )
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")
    assert client.get(f"/api/v1/workspaces/acme/customers/{theirs['id']}").status_code == 404


def test_bad_customer_and_link_input_is_422(client: TestClient) -> None:
    authors = _load(client)
    response = client.post("/api/v1/workspaces/acme/customers", json={"name": ""})
    assert response.status_code == 422
    assert assert_error_shape(response.json(), "invalid_input")[0]["field"] == "name"
    customer = client.post("/api/v1/workspaces/acme/customers", json={"name": "Bill"}).json()
    response = _link(client, customer["id"], authors["twitter"], linked_by="guessed")
    assert response.status_code == 422
    assert assert_error_shape(response.json(), "invalid_input")[0]["field"] == "linked_by"
    response = _link(client, customer["id"], authors["twitter"], agent_id=999)
    assert response.status_code == 404
