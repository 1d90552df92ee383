"""A busy morning to rehearse assignments under load: one workspace whose agents are all
available, and a queue of customers' tweets waiting for them, stored through the same
services as real traffic (`do_ingest_posts`, `do_set_teams`, `do_set_agent_state`).

The load test of the assignment service and its benchmark both stage it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.assignments.service import do_set_agent_state
from carelane.domain.channels import Network
from carelane.domain.posts import Author, NormalisedPost
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.routing.agents import AgentState
from carelane.store.models import Agent, Conversation, Workspace
from carelane.workspaces.teams import do_set_teams

REHEARSAL_WORKSPACE = "acme"
INGEST_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Rehearsal:
    """The staged workspace, its agents and its waiting conversations, in id order."""

    workspace_id: int
    agent_ids: list[int]
    conversation_ids: list[int]


def rehearsal_teams_file(agents: int, capacity: int, push_to_free_agents: bool = False) -> bytes:
    """One team owning the Customer Service and Marketing/PR lanes (both pushing to free
    agents if `push_to_free_agents`), and `agents` agents speaking English, each with
    `capacity` X/Twitter slots."""
    lines = [
        "version: 1",
        "teams:",
        "  - name: Care",
        "    lanes: [Customer Service, Marketing/PR]",
    ]
    if push_to_free_agents:
        lines += ["lanes:"] + [
            f"  - {{name: {lane}, push_to_free_agents: true}}"
            for lane in ("Customer Service", "Marketing/PR")
        ]
    lines.append("agents:")
    for number in range(agents):
        lines += [
            f"  - name: Agent {number}",
            f"    email: agent{number}@example.com",
            "    teams: [Care]",
            "    languages: {en: 5}",
            f"    capacity: {{twitter: {capacity}}}",
        ]
    return ("\n".join(lines) + "\n").encode()


def stage_rehearsal(
    *,
    session: Session,
    agents: int,
    waiting: int,
    capacity: int,
    now: datetime,
    push_to_free_agents: bool = False,
) -> Rehearsal:
    """Store `waiting` customers' tweets (each its own conversation, the oldest 30
    minutes before `now`), the teams file of `agents` agents with `capacity` slots each
    (its lanes pushing to free agents if `push_to_free_agents`), and every agent
    available."""
    posts = [
        PostToStore(
            index,
            NormalisedPost(
                workspace=REHEARSAL_WORKSPACE,
                network=Network.TWITTER,
                channel="AcmeHelp",
                external_id=str(index),
                author=Author(f"customer{index}"),
                text="@AcmeHelp my order is late",
                created_at=now - timedelta(minutes=30) + timedelta(milliseconds=index),
            ),
        )
        for index in range(waiting)
    ]
    for start in range(0, waiting, INGEST_BATCH):
        do_ingest_posts(
            session=session,
            posts=posts[start : start + INGEST_BATCH],
            now=now,
            create_workspaces=True,
        )
    workspace_id = session.scalar(select(Workspace.id).where(Workspace.slug == REHEARSAL_WORKSPACE))
    if workspace_id is None:
        raise ValueError("a rehearsal needs at least one waiting conversation")
    do_set_teams(
        session=session,
        slug=REHEARSAL_WORKSPACE,
        teams_file=rehearsal_teams_file(agents, capacity, push_to_free_agents),
        now=now,
    )
    agent_ids = list(
        session.scalars(
            select(Agent.id).where(Agent.workspace_id == workspace_id).order_by(Agent.id)
        )
    )
    for agent_id in agent_ids:
        do_set_agent_state(
            session=session,
            workspace_id=workspace_id,
            agent_id=agent_id,
            state=AgentState.AVAILABLE,
            now=now,
            push_waiting=False,  # the conversations wait for what is rehearsed
        )
    conversation_ids = list(
        session.scalars(
            select(Conversation.id)
            .where(Conversation.workspace_id == workspace_id)
            .order_by(Conversation.id)
        )
    )
    session.commit()
    return Rehearsal(workspace_id, agent_ids, conversation_ids)
