"""Pushing arrivals: each conversation that an ingest batch brought a new actionable
customer message to, and that waits for an agent, is offered at once to the best agent on
duty (`routing.push`: sticky, skills, standing, tier, occupancy, idle time), as a call
distributor offers a call. One the push finds nobody for waits in the queue, where a pull
or a later push takes it.

Each push is its own transaction (`do_assign`), after the batch is stored: a push that
fails leaves the batch stored and the conversation queued.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.assignments.roster_store import WAITING
from carelane.assignments.schemas import AssignmentOut
from carelane.assignments.service import do_assign
from carelane.domain.errors import ConflictError, NotFoundError
from carelane.routing.agents import AgentState
from carelane.store.models import Agent, Conversation
from carelane.store.value_lists import is_one_of


def do_push_arrivals(
    *, session: Session, conversation_ids: Collection[int], now: datetime
) -> list[AssignmentOut]:
    """Push each of `conversation_ids` that waits for an agent (new or open, held by
    nobody) to the best available agent of its workspace; what each push decided, in
    conversation order. When no agent anywhere is available, that is one query."""
    if not conversation_ids:
        return []
    with session.begin():
        staffed = set(
            session.scalars(
                select(Agent.workspace_id)
                .where(Agent.on_roster.is_(True), Agent.state == AgentState.AVAILABLE.value)
                .distinct()
            )
        )
        if not staffed:
            return []
        waiting = session.execute(
            select(Conversation.id, Conversation.workspace_id)
            .where(
                is_one_of(session, Conversation.id, conversation_ids),
                is_one_of(session, Conversation.workspace_id, staffed),
                Conversation.assignee_id.is_(None),
                Conversation.status.in_(WAITING),
            )
            .order_by(Conversation.id)
        ).all()
    decisions = []
    for conversation_id, workspace_id in waiting:
        try:
            decisions.append(
                do_assign(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    now=now,
                )
            )
        except (ConflictError, NotFoundError):
            continue  # resolved or moved meanwhile: nothing to push
    return decisions
