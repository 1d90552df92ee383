"""A supervisor drains the waiting queue on demand over HTTP: the most urgent
conversations go to the agents free now, and the answer says how many were assigned, to
whom, how many still wait and why. On SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carelane.accounts.roles import Role
from carelane.config import Settings
from carelane.store.models import Agent, Conversation, Event
from tests.functional.api.conftest import (
    add_user,
    assert_error_shape,
    create_workspace,
    sign_in_as,
)
from tests.functional.api.test_assignments import TEAMS, YAML
from tests.helpers import post_data

URL = "/api/v1/workspaces/acme"
NOBODY_FREE = "nobody may take it now: no available agent has a free twitter slot"


@pytest.fixture
def waiting(client: TestClient, session: Session) -> dict[str, Any]:
    """Three customers' tweets waiting (the oldest first in the queue), and Ana available
    (two X/Twitter slots) since before they came, nobody having pushed them to her."""
    create_workspace(client, "acme", "Acme")
    routing = client.put(f"{URL}/routing", content=TEAMS, headers=YAML).json()
    ago = datetime.now(UTC)
    response = client.post(
        "/api/v1/posts",
        json=[
            post_data(
                "1", created_at=ago - timedelta(minutes=20), author="cat", text="@AcmeHelp late"
            ),
            post_data(
                "2", created_at=ago - timedelta(minutes=10), author="dan", text="@AcmeHelp lost"
            ),
            post_data(
                "3", created_at=ago - timedelta(minutes=5), author="eve", text="@AcmeHelp broken"
            ),
        ],
    )
    assert response.status_code == 201, response.text
    agents = {agent["name"]: agent["id"] for agent in routing["agents"]}
    session.execute(update(Agent).where(Agent.id == agents["Ana"]).values(state="available"))
    session.commit()
    return {
        "agents": agents,
        "conversations": [r["conversation_id"] for r in response.json()["results"]],
    }


def _holders(session: Session) -> dict[int, int | None]:
    session.rollback()
    return dict(session.execute(select(Conversation.id, Conversation.assignee_id)).all())


def test_the_queue_is_dispatched_to_the_agents_free_now(
    client: TestClient, waiting: dict[str, Any], session: Session
) -> None:
    ana = waiting["agents"]["Ana"]
    first, second, third = waiting["conversations"]

    response = client.post(f"{URL}/queue/dispatch")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "workspace": "acme",
        "taken_up": 3,
        "assigned": 2,
        "assignments": [
            {"conversation_id": first, "agent_id": ana},
            {"conversation_id": second, "agent_id": ana},
        ],
        "agent_ids": [ana],
        "waiting": 1,
        "why_waiting": [{"reason": NOBODY_FREE, "conversations": 1}],
        "agents_passed_over": 0,
    }
    assert _holders(session) == {first: ana, second: ana, third: None}
    assigned = session.scalars(
        select(Event.conversation_id).where(Event.type == "conversation.assigned")
    ).all()
    assert sorted(assigned) == [first, second]


def test_a_dispatch_takes_up_as_many_as_asked(
    client: TestClient, waiting: dict[str, Any], session: Session
) -> None:
    ana = waiting["agents"]["Ana"]
    first, second, third = waiting["conversations"]

    response = client.post(f"{URL}/queue/dispatch", json={"limit": 1})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["taken_up"], body["assigned"], body["waiting"]) == (1, 1, 2)
    assert body["why_waiting"] == []
    assert _holders(session) == {first: ana, second: None, third: None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 5001}, "limit"),
        ({"limit": -3}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": True}, "limit"),
        ({"limit": 2.5}, "limit"),
        ({"limit": 1, "size": 3}, "size"),
    ],
)
def test_a_limit_out_of_bounds_or_not_a_whole_number_is_refused(
    client: TestClient, waiting: dict[str, Any], session: Session, body: object, field: str
) -> None:
    response = client.post(f"{URL}/queue/dispatch", json=body)

    assert response.status_code == 422, response.text
    details = assert_error_shape(response.json(), "invalid_input")
    assert [d["field"] for d in details] == [field]
    assert set(_holders(session).values()) == {None}


def test_only_those_who_may_reassign_dispatch_the_queue(
    client: TestClient, waiting: dict[str, Any], settings: Settings, session: Session
) -> None:
    agent = add_user(settings, "ana@example.com", Role.AGENT, workspaces=["acme"])
    sign_in_as(client, settings, agent)
    response = client.post(f"{URL}/queue/dispatch")

    assert response.status_code == 403, response.text
    assert set(_holders(session).values()) == {None}
