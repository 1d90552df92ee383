"""Transfers and escalations: a conversation moves to another lane, team or tier with a
note for whoever picks it up; its history stays, its holder is released, and it waits
anew in the target's queue."""

from datetime import datetime

from sqlalchemy.orm import Session

from carelane.assignments.capacity import do_push_waiting_to_agents
from carelane.assignments.roster_store import RosterFrame
from carelane.assignments.schemas import TransferOut
from carelane.assignments.service import locked_conversation
from carelane.domain.conversations import MessageKind
from carelane.domain.events import EventType
from carelane.routing.transfers import plan_transfer
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Conversation, Message


def do_transfer(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    note: str,
    now: datetime,
    to_lane: str | None = None,
    to_team: str | None = None,
    to_tier: int | None = None,
    by_agent_id: int | None = None,
) -> TransferOut:
    """Move a conversation to `to_lane`, `to_team` and/or `to_tier` (`routing.transfers`
    checks the target against the roster: a higher tier is an escalation), keep the note on
    its timeline, release its holder, and log `conversation.transferred`. The holder's
    freed slot is refilled from the waiting queue (never with this conversation) once the
    transfer has committed (`assignments.capacity`).

    InvalidInputError names every problem of the target or note; ConversationClosedError,
    NotFoundError.
    """
    with unit_of_work(session):
        frame = RosterFrame.of(session, workspace_id)
        conversation = locked_conversation(session, frame, conversation_id)
        transfer = plan_transfer(
            conversation=conversation,
            roster=frame.roster([]),
            note=note,
            now=now,
            to_lane=to_lane,
            to_team=to_team,
            to_tier=to_tier,
            by_agent_id=by_agent_id,
        )
        stored = session.get(Conversation, conversation.id)
        assert stored is not None  # locked above
        stored.lane = transfer.to_lane
        stored.team_id = frame.team_ids.get(transfer.to_team) if transfer.to_team else None
        stored.tier = transfer.to_tier
        if stored.assignee_id is not None:
            stored.previous_assignee_id = stored.assignee_id
        stored.assignee_id = None
        stored.assigned_at = None
        stored.waiting_since = now
        stored.updated_at = now
        session.add(
            Message(
                workspace_id=workspace_id,
                conversation_id=conversation.id,
                kind=MessageKind.NOTE.value,
                agent_id=by_agent_id,
                body=transfer.note,
                created_at=now,
            )
        )
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.CONVERSATION_TRANSFERRED,
                    now,
                    conversation_id=conversation.id,
                    agent_id=by_agent_id,
                    data={
                        "kind": transfer.kind.value,
                        "from_lane": transfer.from_lane,
                        "to_lane": transfer.to_lane,
                        "from_team": transfer.from_team,
                        "to_team": transfer.to_team,
                        "from_tier": transfer.from_tier,
                        "to_tier": transfer.to_tier,
                        "note": transfer.note,
                        "released_agent_id": transfer.released_agent_id,
                        "explanation": transfer.explanation,
                    },
                )
            ],
            now=now,
        )
        out = TransferOut(
            conversation_id=conversation.id,
            kind=transfer.kind.value,
            from_lane=transfer.from_lane,
            to_lane=transfer.to_lane,
            from_team=transfer.from_team,
            to_team=transfer.to_team,
            from_tier=transfer.from_tier,
            to_tier=transfer.to_tier,
            released_agent_id=transfer.released_agent_id,
            explanation=transfer.explanation,
        )
    if transfer.released_agent_id is not None:
        do_push_waiting_to_agents(
            session=session,
            workspace_id=workspace_id,
            agent_ids=[transfer.released_agent_id],
            now=now,
            sparing=[conversation_id],
        )
    return out
