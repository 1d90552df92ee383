"""Resolving, closing, reopening and holding a conversation by hand, over HTTP, on SQLite
and PostgreSQL: the log, the agent's slot, the service-level clocks and the push on
reopening."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.store.models import Conversation, Event
from tests.functional.api.conftest import assert_error_shape, two_agents
from tests.helpers import post_data

URL = "/api/v1/workspaces/acme"


@pytest.fixture
def held(client: TestClient) -> dict[str, int]:
    """A complaint pushed to Ana, the only agent available."""
    agents = two_agents(client)
    client.put(f"{URL}/agents/{agents['Ana']}/state", json={"state": "available"})
    created_at = datetime.now(UTC) - timedelta(minutes=5)
    response = client.post(
        "/api/v1/posts",
        json=[
            post_data("1", created_at=created_at, author="cat", text="@AcmeHelp my order is late")
        ],
    )
    assert response.status_code == 201, response.text
    conversation = response.json()["results"][0]["conversation_id"]
    return {"conversation": conversation, **agents}


def _set(client: TestClient, conversation: int, status: str, **extra: object) -> dict[str, object]:
    response = client.post(
        f"{URL}/conversations/{conversation}/status", json={"status": status, **extra}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _stored(session: Session, conversation: int) -> Conversation:
    session.rollback()
    stored = session.get(Conversation, conversation, populate_existing=True)
    assert stored is not None
    return stored


def test_resolving_frees_the_agent_stops_the_clocks_and_is_logged(
    client: TestClient, held: dict[str, int], session: Session
) -> None:
    conversation = held["conversation"]
    assert _stored(session, conversation).assignee_id == held["Ana"]
    assert _stored(session, conversation).first_response_due_at is not None

    body = _set(client, conversation, "resolved", agent_id=held["Ana"], note="refund sent")

    assert body == {
        "conversation_id": conversation,
        "status": "resolved",
        "previous_status": "new",
        "changed": True,
        "assignee_id": None,
    }
    stored = _stored(session, conversation)
    assert stored.status == "resolved"
    assert stored.previous_assignee_id == held["Ana"]
    assert stored.first_response_due_at is None
    assert stored.resolution_due_at is None
    assert stored.sla_alarm_at is None
    (event,) = session.scalars(
        select(Event).where(
            Event.type == "conversation.status_changed", Event.agent_id == held["Ana"]
        )
    ).all()
    assert event.data == {
        "from": "new",
        "to": "resolved",
        "reason": "agent",
        "note": "refund sent",
        "released_agent_id": held["Ana"],
    }
    again = _set(client, conversation, "resolved")
    assert again["changed"] is False


def test_pending_pauses_the_clocks_and_open_runs_them_again(
    client: TestClient, held: dict[str, int], session: Session
) -> None:
    conversation = held["conversation"]
    due = _stored(session, conversation).resolution_due_at
    assert due is not None

    _set(client, conversation, "pending")
    paused = _stored(session, conversation)
    assert paused.resolution_due_at is None
    assert paused.assignee_id == held["Ana"], "waiting on the customer, still Ana's"

    _set(client, conversation, "open")
    running = _stored(session, conversation)
    assert running.resolution_due_at is not None
    assert running.resolution_due_at >= due, "the pause pushes the deadline later"


def test_reopening_goes_back_to_the_previous_agent(
    client: TestClient, held: dict[str, int], session: Session
) -> None:
    conversation = held["conversation"]
    _set(client, conversation, "resolved")
    client.put(f"{URL}/agents/{held['Ben']}/state", json={"state": "available"})

    body = _set(client, conversation, "open", agent_id=held["Ben"], note="customer called")

    assert body["assignee_id"] == held["Ana"]
    stored = _stored(session, conversation)
    assert stored.status == "open"
    assert stored.assignee_id == held["Ana"]
    assert stored.first_response_due_at is not None or stored.next_response_due_at is not None


def test_what_may_not_change_is_refused_with_a_clear_error(
    client: TestClient, held: dict[str, int]
) -> None:
    conversation = held["conversation"]
    status_url = f"{URL}/conversations/{conversation}/status"

    back_to_new = client.post(status_url, json={"status": "open"})
    assert back_to_new.status_code == 200
    refused_new = client.post(status_url, json={"status": "new"})
    assert refused_new.status_code == 422
    assert assert_error_shape(refused_new.json(), "invalid_input")[0]["field"] == "status"

    unknown = client.post(status_url, json={"status": "snoozed"})
    assert unknown.status_code == 422
    long_note = client.post(status_url, json={"status": "pending", "note": "x" * 2001})
    assert long_note.status_code == 422
    assert assert_error_shape(long_note.json(), "invalid_input")[0]["field"] == "note"
    missing = client.post(f"{URL}/conversations/999999/status", json={"status": "resolved"})
    assert missing.status_code == 404
    stranger = client.post(status_url, json={"status": "resolved", "agent_id": 999999})
    assert stranger.status_code == 404

    _set(client, conversation, "closed")
    archived = client.post(status_url, json={"status": "open"})
    assert archived.status_code == 409
    assert assert_error_shape(archived.json(), "conversation_archived") == []
