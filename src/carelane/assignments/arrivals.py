"""Pushing arrivals: the conversations that an ingest batch brought a new actionable
customer message to, and that wait for an agent, are offered at once to the best agents
on duty (`routing.push`: sticky, skills, standing, tier, occupancy, idle time), as a call
distributor offers a burst of calls: dispatched together, most urgent first
(`assignments.dispatch`). One nobody may take waits in the queue, where a pull or a
later push takes it.

Each workspace's arrivals are dispatched in a transaction of their own, after the batch
is stored: a dispatch that fails leaves the batch stored and the conversations queued.
What a dispatch could not place because another transaction held the conversation, or
the agents who might take it, locked at that moment is pushed on its own after it
(`do_assign`), which waits for those locks.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.assignments.dispatch import MAX_DISPATCH_BATCH, do_dispatch_waiting
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
    nobody) to the best available agent of its workspace; what each push decided, each
    workspace's in queue order. When no agent anywhere is available, that is one query."""
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
    arrivals: dict[int, list[int]] = {}
    for conversation_id, workspace_id in waiting:
        arrivals.setdefault(workspace_id, []).append(conversation_id)
    decisions = []
    for workspace_id, ids in arrivals.items():
        for start in range(0, len(ids), MAX_DISPATCH_BATCH):
            batch = ids[start : start + MAX_DISPATCH_BATCH]
            dispatch = do_dispatch_waiting(
                session=session, workspace_id=workspace_id, now=now, limit=len(batch), among=batch
            )
            kept = [d for d in dispatch.decisions if d.assigned or not dispatch.agents_passed_over]
            decisions += kept
            settled = {d.conversation_id for d in kept}
            for conversation_id in (c for c in batch if c not in settled):
                try:  # held locked by another transaction, or agents were: on its own
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
