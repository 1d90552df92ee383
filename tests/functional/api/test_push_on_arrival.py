"""The ingest offers each arriving actionable conversation to the best agent on duty at
once; what nobody may take, and what is not for care, waits unassigned. On SQLite and
PostgreSQL, through `POST /api/v1/posts`."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carelane.store.database import unit_of_work
from carelane.store.models import Conversation, Event
from tests.functional.api.conftest import two_agents
from tests.helpers import post_data

URL = "/api/v1/workspaces/acme"


def _ago(minutes: int) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


@pytest.fixture
def agents(client: TestClient) -> dict[str, int]:
    return two_agents(client)


def _set_state(client: TestClient, agent_id: int, state: str) -> None:
    response = client.put(f"{URL}/agents/{agent_id}/state", json={"state": state})
    assert response.status_code == 200, response.text


def _post(client: TestClient, *posts: dict[str, Any]) -> list[int]:
    response = client.post("/api/v1/posts", json=list(posts))
    assert response.status_code == 201, response.text
    return [result["conversation_id"] for result in response.json()["results"]]


def _assignee(session: Session, conversation_id: int) -> int | None:
    session.rollback()
    return session.scalar(
        select(Conversation.assignee_id).where(Conversation.id == conversation_id)
    )


def test_an_arriving_complaint_goes_to_the_available_agent_with_room(
    client: TestClient, agents: dict[str, int], session: Session
) -> None:
    _set_state(client, agents["Ana"], "available")

    first, second = _post(
        client,
        post_data("1", created_at=_ago(6), author="cat", text="@AcmeHelp my order is late"),
        post_data("2", created_at=_ago(5), author="dan", text="@AcmeHelp where is my refund?"),
    )

    assert _assignee(session, first) == agents["Ana"]
    assert _assignee(session, second) is None, "Ana's one twitter slot is taken"
    events = session.scalars(select(Event).where(Event.type == "conversation.assigned")).all()
    assert [(e.conversation_id, e.agent_id) for e in events] == [(first, agents["Ana"])]
    assert events[0].data is not None
    assert events[0].data["outcome"] == "best match"


def test_nothing_is_pushed_while_nobody_is_available(
    client: TestClient, agents: dict[str, int], session: Session
) -> None:
    _set_state(client, agents["Ben"], "busy")

    (waiting,) = _post(
        client, post_data("1", created_at=_ago(5), author="cat", text="@AcmeHelp my order is late")
    )

    assert _assignee(session, waiting) is None
    queue = client.get(f"{URL}/queue").json()
    assert [entry["conversation_id"] for entry in queue["items"]] == [waiting]


def test_a_post_that_is_not_for_care_is_not_pushed(
    client: TestClient, agents: dict[str, int], session: Session
) -> None:
    _set_state(client, agents["Ben"], "available")

    (share,) = _post(
        client,
        post_data(
            "1",
            created_at=_ago(5),
            author="fan",
            text="RT @AcmeHelp: Our summer sale starts today! Shop now",
        ),
    )

    assert _assignee(session, share) is None
    triage = client.get(f"{URL}/conversations/{share}").json()
    assert triage["status"] == "new"


def test_a_returning_customer_goes_back_to_their_previous_agent(
    client: TestClient, agents: dict[str, int], session: Session
) -> None:
    _set_state(client, agents["Ana"], "available")
    (first,) = _post(
        client, post_data("1", created_at=_ago(30), author="cat", text="@AcmeHelp my order is late")
    )
    assert _assignee(session, first) == agents["Ana"]
    with unit_of_work(session):  # resolved, and Ana's slot free again
        session.execute(
            update(Conversation)
            .where(Conversation.id == first)
            .values(status="resolved", assignee_id=None, previous_assignee_id=agents["Ana"])
        )
    _set_state(client, agents["Ben"], "available")

    (again,) = _post(
        client,
        post_data(
            "2",
            created_at=_ago(2),
            author="cat",
            text="@AcmeHelp it is still late",
            in_reply_to="1",
        ),
    )

    assert again == first, "the reply reopens the same conversation"
    assert _assignee(session, first) == agents["Ana"]
    last = session.scalars(
        select(Event).where(Event.type == "conversation.assigned").order_by(Event.id.desc())
    ).first()
    assert last is not None
    assert last.data is not None
    assert last.data["outcome"] == "sticky"
