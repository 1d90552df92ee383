"""What a missed service-level target does to its conversation, as its policy says
(`sla.policies.BreachActions`): raise its priority, take it from its agent and push it to
the best other one (or back to the queue), and alert the supervisors. Each in the
transaction that records the breach, with its event."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from carelane.assignments.roster_store import WAITING, RosterFrame
from carelane.assignments.service import locked_conversation, push_conversation
from carelane.domain.conversations import ACTIVE_STATUSES
from carelane.domain.events import EventType
from carelane.sla.policies import BreachActions
from carelane.store.events import EventRow, append_events
from carelane.store.models import Conversation

_ACTIVE = {status.value for status in ACTIVE_STATUSES}


def breach_actions(
    session: Session,
    *,
    conversation: Any,
    actions: BreachActions,
    breach: dict[str, Any],
    now: datetime,
) -> None:
    """Apply `actions` to `conversation` (a row with `id`, `workspace_id`, `status`,
    `priority`, `assignee_id` and `team_id`, locked by the caller) for `breach` (the
    `sla.breached` event's data), and append their events. A conversation no longer active
    (resolved or closed) is left as it is: only its breach is recorded."""
    if conversation.status not in _ACTIVE:
        return
    events: list[EventRow] = []
    workspace_id = conversation.workspace_id
    if actions.raise_priority:
        before = conversation.priority or 0
        after = actions.priority_after_breach(before)
        if after > before:
            session.execute(
                update(Conversation)
                .where(Conversation.id == conversation.id)
                .values(priority=after, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            events.append(
                EventRow(
                    workspace_id,
                    EventType.CONVERSATION_PRIORITY_RAISED,
                    now,
                    conversation_id=conversation.id,
                    data={"from": before, "to": after, "reason": "sla.breached", **breach},
                )
            )
    if actions.alert_supervisor:
        events.append(
            EventRow(
                workspace_id,
                EventType.SUPERVISOR_ALERTED,
                now,
                conversation_id=conversation.id,
                agent_id=conversation.assignee_id,
                data={
                    "reason": "sla.breached",
                    "team_id": conversation.team_id,
                    "message": _alert_message(conversation.id, breach),
                    **breach,
                },
            )
        )
    append_events(session, events, now=now)
    if actions.reassign and conversation.status in WAITING:
        _reassign(session, conversation, breach, now)


def _alert_message(conversation_id: int, breach: dict[str, Any]) -> str:
    kind = str(breach["kind"]).replace("_", " ")
    return (
        f"conversation {conversation_id} missed its {kind} target under policy "
        f"{breach['policy']!r} (due {breach['due_at']})"
    )


def _reassign(session: Session, conversation: Any, breach: dict[str, Any], now: datetime) -> None:
    """Release the conversation from its agent and push it to the best other agent
    available; when nobody may take it, it waits in the queue (at its raised priority)."""
    holder = conversation.assignee_id
    if holder is not None:
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id)
            .values(
                assignee_id=None,
                assigned_at=None,
                previous_assignee_id=holder,
                waiting_since=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        released = EventRow(
            conversation.workspace_id,
            EventType.CONVERSATION_RELEASED,
            now,
            conversation_id=conversation.id,
            agent_id=holder,
            data={"reason": "sla.breached", **breach},
        )
        append_events(session, [released], now=now)
    frame = RosterFrame.of(session, conversation.workspace_id)
    to_route = locked_conversation(session, frame, conversation.id)
    if to_route.previous_agent_id == holder:
        to_route = replace(to_route, previous_agent_id=None)  # not back to whoever missed it
    passing_over = frozenset({holder}) if holder is not None else frozenset()
    # The push appends its own `conversation.assigned` event when it finds an agent.
    push_conversation(
        session, frame=frame, conversation=to_route, now=now, passing_over=passing_over
    )
