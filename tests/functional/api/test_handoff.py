"""Hand-off to phone or email over HTTP, on SQLite and PostgreSQL: the summary on the
timeline, the event, the reminder to close the loop until a reply goes out, and refusals
that write nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.conversations.handoff import get_hand_off_reminder
from carelane.store.models import Event, Message
from tests.functional.api.conftest import assert_error_shape, create_workspace, two_agents
from tests.helpers import post_data

URL = "/api/v1/workspaces/acme"
COMPLAINT = "@AcmeHelp my order 4411 never arrived and nobody answers, call me on 020 7946 0958"


@pytest.fixture
def conversation(client: TestClient) -> dict[str, int]:
    """A customer's complaint, pushed to Ana."""
    agents = two_agents(client)
    client.put(f"{URL}/agents/{agents['Ana']}/state", json={"state": "available"})
    created_at = datetime.now(UTC) - timedelta(minutes=5)
    response = client.post(
        "/api/v1/posts",
        json=[
            post_data(
                "1",
                created_at=created_at,
                author="cat",
                text=COMPLAINT,
            )
            | {"author": {"handle": "cat", "display_name": "Cat Jones", "followers": 5200}}
        ],
    )
    assert response.status_code == 201, response.text
    return {"id": response.json()["results"][0]["conversation_id"], **agents}


def _counts(session: Session, conversation: int) -> tuple[int, int]:
    session.rollback()
    messages = session.scalar(
        select(func.count()).select_from(Message).where(Message.conversation_id == conversation)
    )
    events = session.scalar(
        select(func.count()).select_from(Event).where(Event.conversation_id == conversation)
    )
    return messages or 0, events or 0


def test_hand_off_to_email_writes_the_summary_logs_it_and_reminds_until_a_reply(
    client: TestClient, conversation: dict[str, int], session: Session
) -> None:
    conversation_id = conversation["id"]
    response = client.post(
        f"{URL}/conversations/{conversation_id}/hand-off",
        json={
            "channel": "email",
            "destination": "cat@example.com",
            "agent_id": conversation["Ana"],
            "note": "wants a refund",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["channel"] == "email"
    assert body["destination"] == "cat@example.com"
    summary = body["summary"]
    assert "Taken offline to email: cat@example.com." in summary
    assert "@cat (Cat Jones) on twitter (AcmeHelp), 5,200 followers" in summary
    assert "never arrived" in summary
    assert "Triage: intent " in summary
    assert "personal data" in summary  # the phone number in public
    assert "Agent's note: wants a refund" in summary

    timeline = client.get(f"{URL}/conversations/{conversation_id}").json()["timeline"]
    entry = next(e for e in timeline if e["message_id"] == body["message_id"])
    assert entry["kind"] == "system"
    assert entry["text"] == summary
    assert entry["agent_id"] == conversation["Ana"]

    session.rollback()
    event = session.scalars(
        select(Event).where(
            Event.conversation_id == conversation_id, Event.type == "conversation.handed_off"
        )
    ).one()
    assert event.agent_id == conversation["Ana"]
    assert event.data == {
        "channel": "email",
        "destination": "cat@example.com",
        "message_id": body["message_id"],
        "note": "wants a refund",
    }

    workspace_id = event.workspace_id
    reminder = get_hand_off_reminder(
        session=session, workspace_id=workspace_id, conversation_id=conversation_id
    )
    assert reminder is not None
    assert reminder.channel == "email"
    assert "close the loop on twitter" in reminder.message

    # The brand's reply on the original channel closes the loop.
    reply = client.post(
        "/api/v1/posts",
        json=[
            post_data(
                "2",
                created_at=datetime.now(UTC) + timedelta(seconds=1),
                author="AcmeHelp",
                text="@cat we have emailed you about your order",
                direction="outbound",
                in_reply_to="1",
            )
        ],
    )
    assert reply.status_code == 201, reply.text
    session.rollback()
    assert (
        get_hand_off_reminder(
            session=session, workspace_id=workspace_id, conversation_id=conversation_id
        )
        is None
    )


def test_hand_off_to_phone_keeps_status_and_holder(
    client: TestClient, conversation: dict[str, int]
) -> None:
    conversation_id = conversation["id"]
    before = client.get(f"{URL}/conversations/{conversation_id}").json()
    response = client.post(
        f"{URL}/conversations/{conversation_id}/hand-off",
        json={"channel": "phone", "destination": "+44 20 7946 0958"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["summary"].startswith("Taken offline to phone: +44 20 7946 0958.")
    after = client.get(f"{URL}/conversations/{conversation_id}").json()
    assert after["status"] == before["status"]
    assert after["assignee_id"] == before["assignee_id"] == conversation["Ana"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"channel": "email", "destination": "not an address"}, "destination"),
        ({"channel": "phone", "destination": "call me"}, "destination"),
        ({"channel": "phone", "destination": "12"}, "destination"),
        ({"channel": "email", "destination": "  "}, "destination"),
        ({"channel": "fax", "destination": "+44 20 7946 0958"}, "channel"),
        ({"channel": "email", "destination": "a@b.co", "note": "x" * 2001}, "note"),
        ({"channel": "email", "destination": "a@b.co", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_hand_off_names_its_field_and_writes_nothing(
    client: TestClient,
    conversation: dict[str, int],
    session: Session,
    payload: dict[str, str],
    field: str,
) -> None:
    conversation_id = conversation["id"]
    before = _counts(session, conversation_id)
    response = client.post(f"{URL}/conversations/{conversation_id}/hand-off", json=payload)
    assert response.status_code == 422, response.text
    details = assert_error_shape(response.json(), "invalid_input")
    assert [d["field"] for d in details] == [field]
    assert _counts(session, conversation_id) == before


def test_hand_off_of_an_unknown_or_foreign_conversation_or_agent_is_404(
    client: TestClient, conversation: dict[str, int], session: Session
) -> None:
    good = {"channel": "email", "destination": "cat@example.com"}
    missing = client.post(f"{URL}/conversations/999999/hand-off", json=good)
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")

    create_workspace(client, "other")
    foreign = client.post(
        f"/api/v1/workspaces/other/conversations/{conversation['id']}/hand-off", json=good
    )
    assert foreign.status_code == 404

    before = _counts(session, conversation["id"])
    stranger = client.post(
        f"{URL}/conversations/{conversation['id']}/hand-off", json=good | {"agent_id": 999999}
    )
    assert stranger.status_code == 404
    assert _counts(session, conversation["id"]) == before


def test_a_closed_conversation_is_not_handed_off(
    client: TestClient, conversation: dict[str, int]
) -> None:
    conversation_id = conversation["id"]
    closed = client.post(f"{URL}/conversations/{conversation_id}/status", json={"status": "closed"})
    assert closed.status_code == 200, closed.text
    response = client.post(
        f"{URL}/conversations/{conversation_id}/hand-off",
        json={"channel": "email", "destination": "cat@example.com"},
    )
    assert response.status_code == 409
    assert_error_shape(response.json(), "conversation_archived")
