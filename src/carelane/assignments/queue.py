"""The queue a supervisor watches: every conversation waiting for an agent, in queue order,
each with the one line that says why it is there."""

from datetime import datetime

from sqlalchemy.orm import Session

from carelane.assignments.conversation_reads import waiting_query
from carelane.assignments.roster_store import RosterFrame
from carelane.assignments.schemas import QueueEntryOut, QueueOut
from carelane.routing.queues import order_queue

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
