"""Appending to the event log: the one way anything writes an event."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from carelane.domain.events import EventType
from carelane.store.bulk_writes import insert_rows
from carelane.store.live_events import announce_live_events
from carelane.store.models import Event

event_t = cast(Table, Event.__table__)


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event to append: what happened, in which workspace, when, and to what."""

    workspace_id: int
    type: EventType
    occurred_at: datetime
    conversation_id: int | None = None
    post_id: int | None = None
    agent_id: int | None = None
    data: dict[str, Any] | None = None


def append_events(session: Session, events: Sequence[EventRow], *, now: datetime) -> None:
    """Insert `events` in the session's current transaction, recorded at `now`; the kinds
    open pages show go on the live feed once it commits (`store.live_events`)."""
    if not events:
        return
    insert_rows(
        session,
        event_t,
        [
            {
                "workspace_id": e.workspace_id,
                "type": e.type.value,
                "occurred_at": e.occurred_at,
                "recorded_at": now,
                "conversation_id": e.conversation_id,
                "post_id": e.post_id,
                "agent_id": e.agent_id,
                "data": e.data,
            }
            for e in events
        ],
    )
    announce_live_events(session, events)
