"""Reading posts, conversations and channels: threading, filters, paging, isolation."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.functional.api.conftest import assert_error_shape, create_workspace
from tests.helpers import post_data

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _post(client: TestClient, *items: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post("/api/v1/posts", json=list(items))
    assert response.status_code == 201, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


@pytest.fixture
def acme(client: TestClient) -> list[dict[str, Any]]:
    """A thread with a brand reply, a second customer, and a post on another channel."""
    create_workspace(client, "acme", "Acme Air")
    return _post(
        client,
        post_data("1", created_at=_at(0), author="ana", text="@AcmeHelp my bag is lost 😢"),
        post_data(
            "2",
            created_at=_at(5),
            author="AcmeHelp",
            direction="outbound",
            in_reply_to="1",
            text="@ana So sorry! Please DM us your file reference.",
        ),
        post_data("3", created_at=_at(9), author="ana", in_reply_to="2", text="DM sent, thanks"),
        post_data("4", created_at=_at(3), author="bo", text="Great crew on AC12 &amp; snacks"),
        post_data(
            "5", created_at=_at(20), author="cy", channel="acme", channel_kind="keyword_search"
        ),
    )


def test_thread_is_one_conversation_with_its_timeline_in_order(
    client: TestClient, acme: list[dict[str, Any]]
) -> None:
    conversation_id = acme[0]["conversation_id"]
    assert [r["conversation_id"] for r in acme[:3]] == [conversation_id] * 3
    response = client.get(f"/api/v1/workspaces/acme/conversations/{conversation_id}")
    assert response.status_code == 200, response.text
    detail = response.json()
    assert detail["status"] == "open"
    assert detail["author"]["handle"] == "ana"
    assert detail["author_profile"]["network"] == "twitter"
    assert detail["customer"] is None
    timeline = detail["timeline"]
    assert [(e["kind"], e["external_id"], e["author"]["handle"]) for e in timeline] == [
        ("inbound_post", "1", "ana"),
        ("outbound_reply", "2", "AcmeHelp"),
        ("inbound_post", "3", "ana"),
    ]
    assert timeline[0]["text"] == "@AcmeHelp my bag is lost 😢"
    assert timeline[1]["direction"] == "outbound"
    assert timeline[1]["in_reply_to"] == "1"
    assert timeline[0]["visibility"] == "public"
    assert detail["latest_text"] == "DM sent, thanks"


def test_conversation_filters(client: TestClient, acme: list[dict[str, Any]]) -> None:
    url = "/api/v1/workspaces/acme/conversations"

    def ids(**params: Any) -> list[int]:
        response = client.get(url, params=params)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"]]

    ana, bo, cy = acme[0]["conversation_id"], acme[3]["conversation_id"], acme[4]["conversation_id"]
    assert ids() == [cy, ana, bo]  # latest activity first
    assert ids(status="new") == [cy, bo]
    assert ids(status="open") == [ana]
    assert ids(author="@Ana") == [ana]
    assert ids(q="snacks") == [bo]
    assert ids(q="100%") == []
    assert ids(since=_at(9).isoformat()) == [cy, ana]
    assert ids(until=_at(9).isoformat()) == [bo]
    channels = client.get("/api/v1/workspaces/acme/channels").json()["items"]
    search = next(c for c in channels if c["account"] == "acme")
    assert ids(channel=search["id"]) == [cy]
    page = client.get(url, params={"limit": 2}).json()
    assert [c["id"] for c in page["items"]] == [cy, ana]
    rest = client.get(url, params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [c["id"] for c in rest["items"]] == [bo]
    assert rest["next_cursor"] is None


def test_post_filters_and_paging(client: TestClient, acme: list[dict[str, Any]]) -> None:
    url = "/api/v1/workspaces/acme/posts"

    def external_ids(**params: Any) -> list[str]:
        response = client.get(url, params=params)
        assert response.status_code == 200, response.text
        return [p["external_id"] for p in response.json()["items"]]

    assert external_ids() == ["5", "3", "2", "4", "1"]
    assert external_ids(direction="outbound") == ["2"]
    assert external_ids(q="LOST") == ["1"]
    assert external_ids(q="&amp;") == ["4"]
    assert external_ids(conversation_id=acme[0]["conversation_id"]) == ["3", "2", "1"]
    assert external_ids(since=_at(3).isoformat(), until=_at(9).isoformat()) == ["2", "4"]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get(url, params=params).json()
        seen += [p["external_id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["5", "3", "2", "4", "1"]


def test_bad_listing_parameters_are_422_in_the_error_shape(
    client: TestClient, acme: list[dict[str, Any]]
) -> None:
    url = "/api/v1/workspaces/acme/posts"
    for params, field in [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-03-02T09:00:00"}, "since"),
        ({"direction": "sideways"}, "direction"),
    ]:
        response = client.get(url, params=params)
        assert response.status_code == 422, (params, response.text)
        details = assert_error_shape(response.json(), "invalid_input")
        assert field in [d["field"] for d in details]
    response = client.get("/api/v1/workspaces/acme/conversations", params={"status": "lost"})
    assert response.status_code == 422
    assert assert_error_shape(response.json(), "invalid_input")[0]["field"] == "status"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/workspaces/acme/conversations/{id}",
        "/api/v1/workspaces/acme/posts/{id}",
        "/api/v1/workspaces/acme/posts/{id}/triage",
        "/api/v1/workspaces/acme/customers/{id}",
        "/api/v1/workspaces/acme/authors/{id}",
        "/api/v1/workspaces/acme/posts?conversation_id={id}",
        "/api/v1/workspaces/acme/conversations?channel={id}",
    ],
)
def test_an_id_no_row_can_have_is_422_naming_it_not_a_database_error(
    client: TestClient, acme: list[dict[str, Any]], url: str
) -> None:
    for bad in (2**63, 0, -1):
        response = client.get(url.format(id=bad))
        assert response.status_code == 422, (bad, response.text)
        assert assert_error_shape(response.json(), "invalid_input")
    assert client.get(url.format(id=2**63 - 1)).status_code in {200, 404}


def test_channels_with_counts(client: TestClient, acme: list[dict[str, Any]]) -> None:
    channels = client.get("/api/v1/workspaces/acme/channels").json()["items"]
    counts = {c["account"]: (c["kind"], c["posts"], c["conversations"]) for c in channels}
    zero = {"new": 0, "open": 0, "pending": 0, "resolved": 0, "closed": 0}
    assert counts == {
        "AcmeHelp": ("owned_account", 4, {**zero, "new": 1, "open": 1}),
        "acme": ("keyword_search", 1, {**zero, "new": 1}),
    }


def test_a_second_workspace_sees_none_of_the_first(
    client: TestClient, acme: list[dict[str, Any]]
) -> None:
    create_workspace(client, "globex")
    other = _post(client, post_data("1", created_at=_at(1), workspace="globex", author="ana"))
    globex_conversation = other[0]["conversation_id"]
    acme_conversation = acme[0]["conversation_id"]
    assert globex_conversation != acme_conversation

    response = client.get(f"/api/v1/workspaces/acme/conversations/{globex_conversation}")
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")
    response = client.get(f"/api/v1/workspaces/globex/conversations/{acme_conversation}")
    assert response.status_code == 404

    posts = client.get("/api/v1/workspaces/globex/posts").json()["items"]
    assert [p["id"] for p in posts] == [other[0]["post_id"]]
    by_conversation = client.get(
        "/api/v1/workspaces/globex/posts", params={"conversation_id": acme_conversation}
    ).json()["items"]
    assert by_conversation == []
    conversations = client.get("/api/v1/workspaces/globex/conversations").json()["items"]
    assert [c["id"] for c in conversations] == [globex_conversation]
    acme_channel = client.get("/api/v1/workspaces/acme/channels").json()["items"][0]["id"]
    assert (
        client.get("/api/v1/workspaces/globex/posts", params={"channel": acme_channel}).json()[
            "items"
        ]
        == []
    )
    acme_author = client.get(f"/api/v1/workspaces/acme/conversations/{acme_conversation}").json()[
        "author"
    ]["id"]
    assert client.get(f"/api/v1/workspaces/acme/authors/{acme_author}").status_code == 200
    response = client.get(f"/api/v1/workspaces/globex/authors/{acme_author}")
    assert response.status_code == 404
    response = client.get("/api/v1/workspaces/initech/posts")
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")
