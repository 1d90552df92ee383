"""Builders for the replies, approvals, reviews and canned-responses tests: a workspace
with two agents and a customer's conversation, and clients signed in as its people."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.accounts.roles import Role
from carelane.config import Settings
from carelane.store.models import Conversation
from carelane.web.app import create_app
from tests.functional.api.conftest import add_user, sign_in_as, two_agents
from tests.helpers import post_data

WORKSPACE = "acme"
URL = f"/api/v1/workspaces/{WORKSPACE}"


@contextmanager
def signed_in(
    settings: Settings, email: str, role: Role, workspaces: tuple[str, ...] = (WORKSPACE,)
) -> Iterator[TestClient]:
    """A client of the app signed in as a new user (linked to the agent of their email
    in each workspace)."""
    with TestClient(create_app(settings)) as client:
        sign_in_as(client, settings, add_user(settings, email, role, workspaces=workspaces))
        yield client


def open_conversation(
    client: TestClient,
    *,
    text: str = "@AcmeHelp my bag never arrived in Denver",
    author: str = "cat",
    display_name: str | None = "Cat Jones",
    followers: int | None = 120,
    external_id: str = "1",
    workspace: str = WORKSPACE,
) -> int:
    """A customer's post that opens a conversation; its id."""
    data = post_data(
        external_id,
        created_at=datetime.now(UTC) - timedelta(minutes=5),
        author=author,
        text=text,
        workspace=workspace,
    )
    data["author"].update({"display_name": display_name, "followers": followers})
    response = client.post("/api/v1/posts", json=[data])
    assert response.status_code == 201, response.text
    conversation: int = response.json()["results"][0]["conversation_id"]
    assert conversation is not None
    return conversation


def care_workspace(client: TestClient) -> dict[str, int]:
    """Workspace acme with agents Ana and Ben and one customer's conversation."""
    agents = two_agents(client, WORKSPACE)
    return {**agents, "conversation": open_conversation(client)}


def reply(
    client: TestClient, conversation: int, text: str, *, status: int = 201, **fields: Any
) -> dict[str, Any]:
    """POST a reply to the conversation; its body, once the status is as expected."""
    response = client.post(
        f"{URL}/conversations/{conversation}/replies", json={"text": text, **fields}
    )
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def stored_conversation(session: Session, conversation: int) -> Conversation:
    session.rollback()
    stored = session.scalar(
        select(Conversation)
        .where(Conversation.id == conversation)
        .execution_options(populate_existing=True)
    )
    assert stored is not None
    return stored


def set_level(client: TestClient, agent: int, level: str) -> None:
    response = client.put(f"{URL}/agents/{agent}/certification", json={"level": level})
    assert response.status_code == 200, response.text
    assert response.json()["level"] == level
