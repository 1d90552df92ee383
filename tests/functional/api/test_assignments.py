"""Assignments over HTTP: push, pull, takeover, transfer, presence and the queue, with
their events, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carelane.store.models import Agent, Conversation, Event, Message
from tests.functional.api.conftest import assert_error_shape, create_workspace
from tests.helpers import post_data

YAML = {"content-type": "text/yaml"}
TEAMS = """\
version: 1
teams:
  - name: Care
    lanes: [Customer Service, Marketing/PR]
  - name: Specialists
    tier: 2
    lanes: [Customer Service]
agents:
  - name: Ana
    email: ana@example.com
    teams: [Care]
    languages: {en: 5}
    capacity: {twitter: 2}
  - name: Ben
    email: ben@example.com
    teams: [Care]
    languages: {en: 4}
    capacity: {twitter: 2}
  - name: Sam
    email: sam@example.com
    teams: [Specialists]
    languages: {en: 5}
    capacity: {twitter: 3}
"""
URL = "/api/v1/workspaces/acme"


def _ago(minutes: int) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


@pytest.fixture
def setup(client: TestClient) -> dict[str, Any]:
    """Three customers' tweets (the oldest first in the queue) and the teams file; every
    agent signed out."""
    create_workspace(client, "acme", "Acme")
    routing = client.put(f"{URL}/routing", content=TEAMS, headers=YAML).json()
    response = client.post(
        "/api/v1/posts",
        json=[
            post_data("1", created_at=_ago(20), author="cat", text="@AcmeHelp my order is late"),
            post_data("2", created_at=_ago(10), author="dan", text="@AcmeHelp where is my order"),
            post_data("3", created_at=_ago(5), author="eve", text="@AcmeHelp order missing"),
        ],
    )
    assert response.status_code == 201, response.text
    agents = {agent["name"]: agent["id"] for agent in routing["agents"]}
    conversations = [r["conversation_id"] for r in response.json()["results"]]
    return {"agents": agents, "conversations": conversations}


def _available(client: TestClient, agent_id: int) -> dict[str, Any]:
    """Set the agent available: the most urgent waiting conversations they may take are
    pushed to them (their ids in the answer)."""
    response = client.put(f"{URL}/agents/{agent_id}/state", json={"state": "available"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _available_before(session: Session, agent_id: int) -> None:
    """The agent was available before the conversations arrived and nobody had pushed to
    them since (as when every arrival went to someone else)."""
    session.execute(update(Agent).where(Agent.id == agent_id).values(state="available"))
    session.commit()


def _assignee(session: Session, conversation_id: int) -> int | None:
    session.rollback()
    return session.scalar(
        select(Conversation.assignee_id).where(Conversation.id == conversation_id)
    )


def _events(session: Session, kind: str) -> list[Event]:
    session.rollback()
    return list(session.scalars(select(Event).where(Event.type == kind).order_by(Event.id)))


def test_push_gives_the_conversation_to_an_available_agent_once(
    client: TestClient, setup: dict[str, Any], session: Session
) -> None:
    ana = setup["agents"]["Ana"]
    first = setup["conversations"][0]
    nobody = client.post(f"{URL}/conversations/{first}/assignment", json={}).json()
    _available_before(session, ana)

    pushed = client.post(f"{URL}/conversations/{first}/assignment", json={})
    again = client.post(f"{URL}/conversations/{first}/assignment", json={})

    assert nobody["assigned"] is False
    assert nobody["explanation"].startswith("nobody may take it now")
    assert pushed.status_code == 200, pushed.text
    assert pushed.json()["agent_id"] == ana
    assert pushed.json()["assigned"] is True
    assert "Ana" in pushed.json()["explanation"]
    assert again.json()["assigned"] is False
    assert again.json()["outcome"] == "held"
    events = _events(session, "conversation.assigned")
    assert [(e.conversation_id, e.agent_id) for e in events] == [(first, ana)]
    assert events[0].data is not None
    assert events[0].data["outcome"] == "best match"


def test_pull_takes_the_most_urgent_until_the_agent_is_full(
    client: TestClient, setup: dict[str, Any], session: Session
) -> None:
    ben = setup["agents"]["Ben"]
    busy = client.put(f"{URL}/agents/{ben}/state", json={"state": "busy"})  # nothing pushed
    assert busy.json()["assigned_conversation_ids"] == []

    pulls = [client.post(f"{URL}/agents/{ben}/next-conversation").json() for _ in range(3)]

    assert [p["assigned"] for p in pulls] == [True, True, False]
    assert [p["conversation_id"] for p in pulls[:2]] == setup["conversations"][:2]
    assert "first of" in pulls[0]["explanation"]
    third = setup["conversations"][2]
    refused = client.post(f"{URL}/conversations/{third}/assignment", json={"agent_id": ben})
    assert refused.status_code == 409
    assert assert_error_shape(refused.json(), "capacity_exceeded") == []
    assert "no free twitter slot" in refused.json()["error"]["message"]
    queue = client.get(f"{URL}/queue").json()
    assert queue["waiting"] == 1
    assert queue["items"][0]["conversation_id"] == third
    assert "priority" in queue["items"][0]["explanation"]


def test_an_agent_away_pulls_nothing(client: TestClient, setup: dict[str, Any]) -> None:
    ana = setup["agents"]["Ana"]
    client.put(f"{URL}/agents/{ana}/state", json={"state": "away"})

    pulled = client.post(f"{URL}/agents/{ana}/next-conversation").json()

    assert pulled["assigned"] is False
    assert "away" in pulled["explanation"]


def test_take_over_is_explicit_and_audited(
    client: TestClient, setup: dict[str, Any], session: Session
) -> None:
    ana, ben = setup["agents"]["Ana"], setup["agents"]["Ben"]
    first = setup["conversations"][0]
    not_held = client.post(
        f"{URL}/conversations/{first}/takeover", json={"agent_id": ben, "reason": "shift"}
    )
    client.post(f"{URL}/conversations/{first}/assignment", json={"agent_id": ana})

    taken = client.post(
        f"{URL}/conversations/{first}/takeover",
        json={"agent_id": ben, "reason": "Ana's shift ended"},
    )

    assert not_held.status_code == 409
    assert_error_shape(not_held.json(), "not_held")
    assert taken.status_code == 200, taken.text
    assert taken.json()["agent_id"] == ben
    assert "took over" in taken.json()["explanation"]
    [event] = _events(session, "conversation.taken_over")
    assert event.agent_id == ben
    assert event.data is not None
    assert event.data["from_agent_id"] == ana
    assert event.data["reason"] == "Ana's shift ended"
    stored = session.get(Conversation, first)
    assert stored is not None
    assert (stored.assignee_id, stored.previous_assignee_id) == (ben, ana)


def test_escalation_releases_the_holder_and_keeps_the_note(
    client: TestClient, setup: dict[str, Any], session: Session
) -> None:
    ana, sam = setup["agents"]["Ana"], setup["agents"]["Sam"]
    first = setup["conversations"][0]
    client.post(f"{URL}/conversations/{first}/assignment", json={"agent_id": ana})

    moved = client.post(
        f"{URL}/conversations/{first}/transfer",
        json={
            "to_team": "Specialists",
            "note": "Needs a refund over the limit",
            "by_agent_id": ana,
        },
    )
    _available(client, sam)  # the lanes do not push to free agents: Sam pulls
    pulled = client.post(f"{URL}/agents/{sam}/next-conversation").json()

    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["kind"], body["to_team"], body["to_tier"]) == ("escalation", "Specialists", 2)
    assert body["released_agent_id"] == ana
    assert pulled["conversation_id"] == first
    assert _assignee(session, first) == sam
    [event] = _events(session, "conversation.transferred")
    assert event.data is not None
    assert event.data["note"] == "Needs a refund over the limit"
    notes = session.scalars(select(Message.body).where(Message.kind == "note")).all()
    assert notes == ["Needs a refund over the limit"]


def test_a_transfer_to_nowhere_names_the_problem(client: TestClient, setup: dict[str, Any]) -> None:
    first = setup["conversations"][0]

    response = client.post(
        f"{URL}/conversations/{first}/transfer", json={"to_team": "Nobody", "note": "x"}
    )

    assert response.status_code == 422
    details = assert_error_shape(response.json(), "invalid_input")
    assert details[0]["field"] == "to_team"


def test_presence_changes_are_logged_once(
    client: TestClient, setup: dict[str, Any], session: Session
) -> None:
    ana = setup["agents"]["Ana"]

    first = client.put(f"{URL}/agents/{ana}/state", json={"state": "available"}).json()
    second = client.put(f"{URL}/agents/{ana}/state", json={"state": "available"}).json()
    unknown = client.put(f"{URL}/agents/999999/state", json={"state": "busy"})

    assert (first["changed"], second["changed"]) == (True, False)
    assert first["idle_since"] is not None
    assert unknown.status_code == 404
    [event] = _events(session, "agent.state_changed")
    assert event.data == {"from": "offline", "to": "available"}


def test_an_id_no_row_can_have_is_422_not_a_database_error(
    client: TestClient, setup: dict[str, Any]
) -> None:
    too_big = 2**63
    for method, url, body in [
        ("POST", f"{URL}/conversations/{too_big}/assignment", {}),
        ("POST", f"{URL}/agents/{too_big}/next-conversation", None),
        ("POST", f"{URL}/conversations/{too_big}/takeover", {"agent_id": 1, "reason": "x"}),
        ("PUT", f"{URL}/agents/{too_big}/state", {"state": "busy"}),
        ("POST", f"{URL}/conversations/1/assignment", {"agent_id": too_big}),
        ("POST", f"{URL}/conversations/1/transfer", {"note": "x", "by_agent_id": too_big}),
    ]:
        response = client.request(method, url, json=body)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["error"]["code"] == "invalid_input"
