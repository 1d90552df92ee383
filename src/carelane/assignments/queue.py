"""The queue a supervisor watches: every conversation waiting for an agent, in queue order,
each with the one line that says why it is there; and draining it on demand, the most
urgent first, to the agents free now."""

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.assignments.conversation_reads import waiting_query
from carelane.assignments.dispatch import DISPATCH_BATCH, do_dispatch_waiting
from carelane.assignments.roster_store import WAITING, RosterFrame
from carelane.assignments.schemas import (
    DispatchedOut,
    DispatchOut,
    QueueEntryOut,
    QueueOut,
    WaitingReasonOut,
)
from carelane.routing.queues import order_queue
from carelane.store.models import Conversation

MAX_QUEUE_PAGE = 500


def get_queue(
    *, session: Session, workspace_id: int, workspace: str, now: datetime, limit: int = 100
) -> QueueOut:
    """The first `limit` conversations waiting for an agent at `now`, in queue order
    (`routing.queues`), and how many wait in all."""
    frame = RosterFrame.of(session, workspace_id)
    rows = session.execute(waiting_query(workspace_id, now=now)).all()
    positions = order_queue([frame.to_route(row) for row in rows], now=now)
    return QueueOut(
        workspace=workspace,
        waiting=len(positions),
        items=[
            QueueEntryOut(
                position=p.position,
                conversation_id=p.conversation.id,
                lane=p.conversation.lane,
                network=p.conversation.network.value,
                priority=p.conversation.priority,
                at_risk=p.at_risk,
                response_due_at=p.conversation.response_due_at,
                waiting_since=p.conversation.waiting_since,
                explanation=p.explanation,
            )
            for p in positions[:limit]
        ],
    )


def do_dispatch_queue(
    *, session: Session, workspace_id: int, workspace: str, now: datetime, limit: int | None
) -> DispatchOut:
    """Dispatch the `limit` (200 when None) most urgent waiting conversations to the best
    agents free now (`assignments.dispatch`), and say who was given what, how many still
    wait, and why those it took up and could not give still wait, most common reason
    first. InvalidInputError naming `limit` outside 1 to 5,000."""
    dispatch = do_dispatch_waiting(
        session=session,
        workspace_id=workspace_id,
        now=now,
        limit=DISPATCH_BATCH if limit is None else limit,
    )
    given = [
        DispatchedOut(conversation_id=d.conversation_id, agent_id=d.agent_id)
        for d in dispatch.decisions
        if d.assigned and d.conversation_id is not None and d.agent_id is not None
    ]
    reasons = Counter(waiting_reason(d.explanation) for d in dispatch.decisions if not d.assigned)
    waiting = session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.assignee_id.is_(None),
            Conversation.status.in_(WAITING),
        )
    )
    return DispatchOut(
        workspace=workspace,
        taken_up=len(dispatch.decisions),
        assigned=len(given),
        assignments=given,
        agent_ids=sorted({g.agent_id for g in given}),
        waiting=waiting or 0,
        why_waiting=[
            WaitingReasonOut(reason=reason, conversations=count)
            for reason, count in reasons.most_common()
        ],
        agents_passed_over=dispatch.agents_passed_over,
    )


def waiting_reason(explanation: str) -> str:
    """A push's explanation of why nobody may take a conversation, without what is
    particular to it (its previous agent, how long it waited), so that like reasons count
    together: `nobody may take it now: 2 is away, 1 no free twitter slot`."""
    return explanation.split("; previous agent", 1)[0].split(" (waiting ", 1)[0]
