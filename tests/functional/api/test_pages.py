"""The workspace pages over HTTP, on SQLite and PostgreSQL: who may see which page (sign
in first, 404 for another's workspace or a role without it), what the inbox lists and
filters, the conversation page's cards, and bad filters answered with the field named."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from carelane.accounts.roles import Role
from carelane.config import Settings
from tests.functional.api.conftest import (
    add_user,
    assert_error_shape,
    create_workspace,
    sign_in_as,
    two_agents,
)
from tests.helpers import post_data


@pytest.fixture
def acme(client: TestClient) -> dict[str, int]:
    """Workspace acme with two agents and two customers' tweets, one of them Ana's."""
    agents = two_agents(client)
    client.put(f"/api/v1/workspaces/acme/agents/{agents['Ana']}/state", json={"state": "available"})
    now = datetime.now(UTC)
    response = client.post(
        "/api/v1/posts",
        json=[
            post_data("1", created_at=now - timedelta(minutes=9), author="cat",
                      text="@AcmeHelp my parcel is lost, this is terrible"),
            post_data("2", created_at=now - timedelta(minutes=8), author="dan",
                      text="@AcmeHelp do you ship to Norway?"),
        ],
    )  # fmt: skip
    assert response.status_code == 201, response.text
    ids = [r["conversation_id"] for r in response.json()["results"]]
    return {"cat": ids[0], "dan": ids[1], **agents}


def _as(
    client: TestClient, settings: Settings, email: str, role: Role, workspaces: list[str]
) -> None:
    sign_in_as(client, settings, add_user(settings, email, role, workspaces=workspaces))


def test_pages_send_someone_not_signed_in_to_the_sign_in_form(
    anonymous_client: TestClient,
) -> None:
    for path in ("/w/acme/inbox", "/w/acme/wallboard", "/w/acme/conversations/1", "/w/acme/review"):
        response = anonymous_client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/signin?next=%2Fw%2Facme%2F")


def test_the_inbox_of_a_supervisor_lists_the_workspace_most_urgent_first(
    client: TestClient, acme: dict[str, int]
) -> None:
    page = client.get("/w/acme/inbox")
    assert page.status_code == 200
    html = page.text
    assert 'data-conversation-id="{}"'.format(acme["cat"]) in html
    assert 'data-conversation-id="{}"'.format(acme["dan"]) in html
    assert html.index("@cat") < html.index("@dan")  # the complaint is more urgent
    assert 'data-live-url="/api/v1/workspaces/acme/live"' in html
    assert "data-due=" in html

    complaints = client.get("/w/acme/inbox", params={"intent": "complaint"}).text
    assert "@cat" in complaints
    assert "@dan" not in complaints
    none = client.get("/w/acme/inbox", params={"status": "resolved"}).text
    assert "@cat" not in none


def test_an_agent_sees_their_own_conversations_and_no_wallboard(
    client: TestClient, settings: Settings, acme: dict[str, int]
) -> None:
    _as(client, settings, "ana@example.com", Role.AGENT, workspaces=["acme"])
    inbox = client.get("/w/acme/inbox")
    assert inbox.status_code == 200
    assert "@cat" in inbox.text  # pushed to Ana on arrival
    assert "@dan" in inbox.text or "Next conversation" in inbox.text
    assert 'id="next-conversation"' in inbox.text
    assert client.get("/w/acme/wallboard").status_code == 404
    assert client.get("/w/acme/review").status_code == 404


def test_another_workspace_or_a_conversation_of_another_lane_is_404(
    client: TestClient, settings: Settings, acme: dict[str, int]
) -> None:
    create_workspace(client, "other")
    _as(client, settings, "olga@example.com", Role.AGENT, workspaces=["other"])
    for path in ("/w/acme/inbox", f"/w/acme/conversations/{acme['cat']}", "/w/nowhere/inbox"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.text
    assert client.get("/w/other/inbox").status_code == 200
    assert client.get(f"/w/other/conversations/{acme['cat']}").status_code == 404

    _as(client, settings, "mia@example.com", Role.MARKETING, workspaces=["acme"])
    inbox = client.get("/w/acme/inbox")
    assert inbox.status_code == 200
    assert "my parcel is lost" not in inbox.text
    assert client.get(f"/w/acme/conversations/{acme['cat']}").status_code == 404


def test_the_conversation_page_shows_thread_cards_triage_and_actions(
    client: TestClient, acme: dict[str, int]
) -> None:
    page = client.get(f"/w/acme/conversations/{acme['cat']}")
    assert page.status_code == 200
    html = page.text
    assert "my parcel is lost, this is terrible" in html
    assert 'id="author-card"' in html
    assert "Influence" in html
    assert 'id="customer-card"' in html
    assert 'id="triage-intent"' in html
    assert "Why priority" in html
    for field in ("intent", "sentiment", "lane", "category"):
        assert f'id="correct-{field}"' in html
    assert f"/api/v1/workspaces/acme/conversations/{acme['cat']}/status" in html
    assert f"/api/v1/workspaces/acme/conversations/{acme['cat']}/transfer" in html
    assert f"/api/v1/workspaces/acme/conversations/{acme['cat']}/hand-off" in html
    assert 'id="reply-text"' in html


def test_the_wallboard_shows_queues_and_agents(client: TestClient, acme: dict[str, int]) -> None:
    page = client.get("/w/acme/wallboard")
    assert page.status_code == 200
    assert "Queue by lane" in page.text
    assert "Ana" in page.text
    assert "Ben" in page.text


def test_a_bad_inbox_filter_names_its_field(client: TestClient, acme: dict[str, int]) -> None:
    bad = (("intent", "grumble"), ("status", "asleep"), ("channel", "x"), ("channel", "9" * 30))
    for name, value in bad:
        response = client.get("/w/acme/inbox", params={name: value})
        assert response.status_code == 422
        details = assert_error_shape(response.json(), "invalid_input")
        assert [d["field"] for d in details] == [name]
    too_big = client.get(f"/w/acme/conversations/{'9' * 30}")
    assert too_big.status_code == 422


def test_the_landing_page_links_to_the_pages(client: TestClient, acme: dict[str, int]) -> None:
    html = client.get("/").text
    assert 'href="/w/acme/inbox"' in html
    assert 'href="/w/acme/wallboard"' in html
