"""The Marketing/PR team sees and works the lanes the lanes file marks `audience:
marketing`, and nothing of the others: lists leave them out, and a row of another lane is
a 404, over the API, the pages and the live feed's filter."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carelane.accounts.roles import Role
from carelane.config import Settings
from tests.functional.api.conftest import add_user, assert_error_shape, create_workspace, sign_in_as
from tests.helpers import post_data

T0 = datetime.now(UTC) - timedelta(hours=1)
CRISIS = "@AcmeHelp Your website is down and I'm trying to check in!"
LOST_BAG = "@AcmeHelp my bag is lost and nobody answers the phone"
MARKETING = "Marketing/PR"
SUPPORT = "Customer Service"


def _post(client: TestClient, *items: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post("/api/v1/posts", json=list(items))
    assert response.status_code == 201, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


@pytest.fixture
def lanes(client: TestClient, settings: Settings) -> dict[str, Any]:
    """Workspace acme on the shipped example lanes: ana's crisis post in Marketing/PR on
    one channel and her lost bag in Customer Service on another, bo's lost bag too; ana
    and bo are customers. The client is signed in as a marketing member of acme."""
    create_workspace(client, "acme", "Acme Air")
    crisis, ana_bag, bo_bag = _post(
        client,
        post_data("1", created_at=T0, author="ana", text=CRISIS),
        post_data("2", created_at=T0, author="ana", text=LOST_BAG, channel="acme-search"),
        post_data("3", created_at=T0, author="bo", text=LOST_BAG),
    )
    found = {
        c["id"]: c["lane"]
        for c in client.get("/api/v1/workspaces/acme/conversations").json()["items"]
    }
    assert found == {
        crisis["conversation_id"]: MARKETING,
        ana_bag["conversation_id"]: SUPPORT,
        bo_bag["conversation_id"]: SUPPORT,
    }
    authors = {
        handle: client.get(
            f"/api/v1/workspaces/acme/conversations/{result['conversation_id']}"
        ).json()["author"]["id"]
        for handle, result in (("ana", crisis), ("bo", bo_bag))
    }
    customers = {}
    for handle, author_id in authors.items():
        customer = client.post("/api/v1/workspaces/acme/customers", json={"name": handle})
        assert customer.status_code == 201, customer.text
        customers[handle] = customer.json()["id"]
        linked = client.post(
            f"/api/v1/workspaces/acme/customers/{customers[handle]}/identities",
            json={"author_id": author_id, "linked_by": "customer_provided", "consent": True},
        )
        assert linked.status_code == 201, linked.text
    marketing = add_user(settings, "mo@example.com", Role.MARKETING, workspaces=["acme"])
    client.cookies.clear()
    sign_in_as(client, settings, marketing)
    return {
        "crisis": crisis,
        "ana_bag": ana_bag,
        "bo_bag": bo_bag,
        "authors": authors,
        "customers": customers,
    }


def _not_found(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, (path, response.text)
    assert_error_shape(response.json(), "not_found")


def test_lists_and_search_show_a_marketing_member_their_lane_only(
    client: TestClient, lanes: dict[str, Any]
) -> None:
    crisis = lanes["crisis"]["conversation_id"]
    listed = client.get("/api/v1/workspaces/acme/conversations")
    assert listed.status_code == 200, listed.text
    assert [c["id"] for c in listed.json()["items"]] == [crisis]
    by_lane = client.get("/api/v1/workspaces/acme/conversations", params={"lane": SUPPORT})
    assert by_lane.json()["items"] == []
    searched = client.get("/api/v1/workspaces/acme/conversations", params={"q": "bag"})
    assert searched.json()["items"] == []
    posts = client.get("/api/v1/workspaces/acme/posts").json()["items"]
    assert [p["id"] for p in posts] == [lanes["crisis"]["post_id"]]
    assert client.get("/api/v1/workspaces/acme/posts", params={"q": "bag"}).json()["items"] == []


def test_a_conversation_post_or_reply_list_of_another_lane_is_not_found(
    client: TestClient, lanes: dict[str, Any]
) -> None:
    crisis = lanes["crisis"]["conversation_id"]
    shown = client.get(f"/api/v1/workspaces/acme/conversations/{crisis}")
    assert shown.status_code == 200, shown.text
    assert shown.json()["lane"] == MARKETING
    assert client.get(f"/api/v1/workspaces/acme/posts/{lanes['crisis']['post_id']}").is_success
    assert client.get(f"/api/v1/workspaces/acme/conversations/{crisis}/replies").is_success
    bag = lanes["ana_bag"]["conversation_id"]
    for path in (
        f"/api/v1/workspaces/acme/conversations/{bag}",
        f"/api/v1/workspaces/acme/conversations/{bag}/replies",
        f"/api/v1/workspaces/acme/conversations/{bag}/suggested-responses",
        f"/api/v1/workspaces/acme/posts/{lanes['ana_bag']['post_id']}",
        f"/api/v1/workspaces/acme/posts/{lanes['ana_bag']['post_id']}/triage",
    ):
        _not_found(client, path)
    resolved = client.post(
        f"/api/v1/workspaces/acme/conversations/{bag}/status", json={"status": "resolved"}
    )
    assert resolved.status_code == 404


def test_customer_history_keeps_to_the_lane_and_a_customer_outside_it_is_not_found(
    client: TestClient, lanes: dict[str, Any]
) -> None:
    ana = client.get(f"/api/v1/workspaces/acme/customers/{lanes['customers']['ana']}")
    assert ana.status_code == 200, ana.text
    assert [c["id"] for c in ana.json()["conversations"]] == [lanes["crisis"]["conversation_id"]]
    assert [p["id"] for p in ana.json()["recent_posts"]] == [lanes["crisis"]["post_id"]]
    author = client.get(f"/api/v1/workspaces/acme/authors/{lanes['authors']['ana']}").json()
    assert [c["lane"] for c in author["conversations"]] == [MARKETING]
    _not_found(client, f"/api/v1/workspaces/acme/customers/{lanes['customers']['bo']}")
    _not_found(client, f"/api/v1/workspaces/acme/authors/{lanes['authors']['bo']}")
    created = client.post("/api/v1/workspaces/acme/customers", json={"name": "Cy"})
    assert created.status_code == 403
    assert created.json()["error"]["message"] == "a marketing may not create or link customers"


def test_agents_and_supervisors_still_see_every_lane(
    client: TestClient, settings: Settings, lanes: dict[str, Any]
) -> None:
    for role in (Role.AGENT, Role.SUPERVISOR):
        user = add_user(settings, f"{role.value}@example.com", role, workspaces=["acme"])
        client.cookies.clear()
        sign_in_as(client, settings, user)
        listed = client.get("/api/v1/workspaces/acme/conversations").json()["items"]
        assert sorted(c["lane"] for c in listed) == [SUPPORT, SUPPORT, MARKETING]
        bag = lanes["ana_bag"]["conversation_id"]
        assert client.get(f"/api/v1/workspaces/acme/conversations/{bag}").status_code == 200


def test_a_lanes_file_without_a_marketing_lane_shows_marketing_nothing(
    client: TestClient, settings: Settings, lanes: dict[str, Any]
) -> None:
    admin = add_user(settings, "root@example.com", Role.ADMIN, all_workspaces=True)
    client.cookies.clear()
    sign_in_as(client, settings, admin)
    text = "version: 1\ndefault_lane: Customer Service\nlanes:\n  - name: Customer Service\n"
    saved = client.put(
        "/api/v1/workspaces/acme/lanes", content=text, headers={"content-type": "text/yaml"}
    )
    assert saved.status_code == 200, saved.text
    marketing = add_user(settings, "pr@example.com", Role.MARKETING, workspaces=["acme"])
    client.cookies.clear()
    sign_in_as(client, settings, marketing)
    assert client.get("/api/v1/workspaces/acme/conversations").json()["items"] == []
    _not_found(
        client, f"/api/v1/workspaces/acme/conversations/{lanes['crisis']['conversation_id']}"
    )


def test_the_pages_show_a_marketing_member_their_lane_only(
    client: TestClient, lanes: dict[str, Any]
) -> None:
    inbox = client.get("/w/acme/inbox")
    assert inbox.status_code == 200, inbox.text
    crisis, bag = lanes["crisis"]["conversation_id"], lanes["ana_bag"]["conversation_id"]
    assert f"/w/acme/conversations/{crisis}" in inbox.text
    assert f"/w/acme/conversations/{bag}" not in inbox.text
    assert "my bag is lost" not in inbox.text
    page = client.get(f"/w/acme/conversations/{crisis}")
    assert page.status_code == 200, page.text
    assert "website is down" in page.text
    assert f"/w/acme/conversations/{bag}" not in page.text
    assert 'id="triage-intent"' in page.text
    assert 'id="correct-intent"' not in page.text  # correcting a triage is the agents' work
    other = client.get(f"/w/acme/conversations/{bag}")
    assert other.status_code == 404
    assert "my bag is lost" not in other.text
    assert client.get("/w/acme/wallboard").status_code == 404


def test_a_marketing_member_works_their_lane_as_their_own_agent(
    client: TestClient, settings: Settings
) -> None:
    create_workspace(client, "acme", "Acme Air")
    teams = """\
version: 1
teams:
  - name: Marketing/PR
    lanes: [Marketing/PR]
agents:
  - name: Mo Reyes
    email: mo@example.com
    teams: [Marketing/PR]
    languages: {en: 5}
    capacity: {twitter: 3}
"""
    routing = client.put(
        "/api/v1/workspaces/acme/routing", content=teams, headers={"content-type": "text/yaml"}
    )
    assert routing.status_code == 200, routing.text
    crisis, bag = _post(
        client,
        post_data("1", created_at=T0, author="ana", text=CRISIS),
        post_data("2", created_at=T0, author="bo", text=LOST_BAG),
    )
    mo = add_user(settings, "mo@example.com", Role.MARKETING, workspaces=["acme"])
    client.cookies.clear()
    sign_in_as(client, settings, mo)
    note = client.post(
        f"/api/v1/workspaces/acme/conversations/{crisis['conversation_id']}/notes",
        json={"text": "PR will answer this one"},
    )
    assert note.status_code == 201, note.text
    refused = client.post(
        f"/api/v1/workspaces/acme/conversations/{bag['conversation_id']}/notes",
        json={"text": "not ours"},
    )
    assert refused.status_code == 404
    timeline = client.get(f"/api/v1/workspaces/acme/conversations/{crisis['conversation_id']}")
    assert "PR will answer this one" in timeline.text


def test_counts_shown_to_a_marketing_member_cover_their_lane_only(
    client: TestClient, lanes: dict[str, Any]
) -> None:
    channels = client.get("/api/v1/workspaces/acme/channels")
    assert channels.status_code == 200, channels.text
    items = channels.json()["items"]
    assert sum(c["posts"] for c in items) == 1, "the crisis post only"
    assert sum(sum(c["conversations"].values()) for c in items) == 1

    landing = client.get("/")
    assert landing.status_code == 200
    totals = landing.text.split('aria-label="Totals"')[1].split("</section>")[0]
    assert '<span class="figure">1</span> posts' in totals
    assert '<span class="figure">1</span> conversations' in totals
    assert "<dt>Authors</dt><dd>1</dd>" in landing.text, "ana; bo wrote in another lane"
    assert "<dt>Customers</dt><dd>1</dd>" in landing.text
