"""Setting a conversation's status by hand: an agent resolves, closes, reopens or puts it
on hold waiting for the customer.

The rules a contact centre works by:
- new, open or pending may become open, pending, resolved or closed;
- resolved may be reopened (open, or pending) or closed; closed is archived and stays
  so (a later post from the customer starts a new conversation);
- resolving or closing releases the agent's slot: whoever held it is kept as its previous
  agent, so that a reopening goes back to them when they are free; the slot is refilled
  at once from the waiting queue, once the change has committed (`assignments.capacity`);
- each change is logged (`conversation.status_changed`, who, from, to, note) and moves
  the service-level clocks in the same transaction: pending pauses them, resolved and
  closed stop them, reopening starts new ones;
- a reopened conversation is offered to the best agent on duty, as an arrival is.
"""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carelane.assignments.arrivals import do_push_arrivals
from carelane.assignments.capacity import do_push_waiting_to_agents
from carelane.conversations.schemas import StatusChangeOut
from carelane.deadlines.store import refresh_deadlines
from carelane.domain.conversations import ConversationStatus
from carelane.domain.errors import ConflictError, FieldError, InvalidInputError, NotFoundError
from carelane.domain.events import EventType
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Agent, Conversation

MAX_NOTE_CHARS = 2000
_ENDED = frozenset({ConversationStatus.RESOLVED, ConversationStatus.CLOSED})
_WAITING_FOR_AGENT = frozenset({ConversationStatus.NEW, ConversationStatus.OPEN})


class ConversationArchivedError(ConflictError):
    """A closed conversation is archived: its status does not change any more."""

    code = "conversation_archived"


def check_status_change(current: ConversationStatus, wanted: ConversationStatus) -> str | None:
    """Why `current` may not become `wanted`, or None when it may. Pure."""
    if current is ConversationStatus.CLOSED and wanted is not ConversationStatus.CLOSED:
        return "a closed conversation is archived; a new post from the customer opens a new one"
    if wanted is ConversationStatus.NEW and current is not ConversationStatus.NEW:
        return "new means nobody has answered yet: set open instead"
    return None


def do_set_status(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    status: ConversationStatus,
    now: datetime,
    by_agent_id: int | None = None,
    note: str | None = None,
) -> StatusChangeOut:
    """Set conversation `conversation_id`'s status to `status` (see the module's rules).
    Setting the status it has already changes nothing and logs nothing.

    NotFoundError for a conversation or agent outside the workspace;
    ConversationArchivedError for a closed one; InvalidInputError for a status it may
    not take or an over-long note."""
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InvalidInputError(
            [FieldError("note", f"at most {MAX_NOTE_CHARS} characters, not {len(note)}")]
        )
    with unit_of_work(session):
        row = session.execute(
            select(Conversation.status, Conversation.assignee_id)
            .where(Conversation.id == conversation_id, Conversation.workspace_id == workspace_id)
            .with_for_update()
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"no conversation {conversation_id} in this workspace")
        if by_agent_id is not None and not session.scalar(
            select(Agent.id).where(Agent.id == by_agent_id, Agent.workspace_id == workspace_id)
        ):
            raise NotFoundError(f"no agent {by_agent_id} in this workspace")
        current = ConversationStatus(row.status)
        if current is status:
            return StatusChangeOut(
                conversation_id=conversation_id,
                status=status,
                previous_status=current,
                changed=False,
                assignee_id=row.assignee_id,
            )
        refusal = check_status_change(current, status)
        if refusal is not None:
            if current is ConversationStatus.CLOSED:
                raise ConversationArchivedError(refusal)
            raise InvalidInputError([FieldError("status", refusal)])
        values: dict[str, object] = {"status": status.value, "updated_at": now}
        assignee = row.assignee_id
        if status in _ENDED and assignee is not None:
            values.update(assignee_id=None, previous_assignee_id=assignee)
            assignee = None
        reopened = current in _ENDED
        if reopened:
            values["waiting_since"] = now
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.CONVERSATION_STATUS_CHANGED,
                    now,
                    conversation_id=conversation_id,
                    agent_id=by_agent_id,
                    data={
                        "from": current.value,
                        "to": status.value,
                        "reason": "agent",
                        "note": note,
                        "released_agent_id": row.assignee_id if status in _ENDED else None,
                    },
                )
            ],
            now=now,
        )
        refresh_deadlines(session, [conversation_id], now=now)
    if status in _ENDED and row.assignee_id is not None:
        do_push_waiting_to_agents(
            session=session, workspace_id=workspace_id, agent_ids=[row.assignee_id], now=now
        )
    if reopened and status in _WAITING_FOR_AGENT:
        pushed = do_push_arrivals(session=session, conversation_ids=[conversation_id], now=now)
        assignee = next((p.agent_id for p in pushed if p.assigned), assignee)
    return StatusChangeOut(
        conversation_id=conversation_id,
        status=status,
        previous_status=current,
        changed=True,
        assignee_id=assignee,
    )
