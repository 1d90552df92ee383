"""The live feed of workspace events: what open pages update from.

`append_events` hands every event it appends to `announce_live_events`; the kinds a screen
shows (a post arrived in a conversation, a conversation opened, was assigned, taken over,
transferred, released, changed status or priority, was handed off; a reply or note and its
approval; a service-level warning or breach; an agent's presence; a supervisor's alert) go
out on the `carelane_live_events` notice channel once the transaction commits
(`store.commit_notices`: NOTIFY on PostgreSQL, so that every web process hears every
other's changes; the committing session in one process). A notice carries a JSON list of
compact events (`[workspace, type, timestamp, conversation, agent, data]`);
`decode_live_events` reads it.
"""

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from carelane.domain.events import EventType
from carelane.store.commit_notices import MAX_PAYLOAD_BYTES, NoticeChannel

if TYPE_CHECKING:
    from carelane.store.events import EventRow

logger = logging.getLogger(__name__)

CHANNEL = "carelane_live_events"
LIVE_NOTICES = NoticeChannel(CHANNEL)

LIVE_TYPES = frozenset(
    {
        EventType.POST_RECEIVED,
        EventType.CONVERSATION_OPENED,
        EventType.CONVERSATION_STATUS_CHANGED,
        EventType.CONVERSATION_ASSIGNED,
        EventType.CONVERSATION_TAKEN_OVER,
        EventType.CONVERSATION_TRANSFERRED,
        EventType.CONVERSATION_RELEASED,
        EventType.CONVERSATION_PRIORITY_RAISED,
        EventType.CONVERSATION_HANDED_OFF,
        EventType.MESSAGE_ADDED,
        EventType.TRIAGE_CORRECTED,
        EventType.SLA_WARNING,
        EventType.SLA_BREACHED,
        EventType.SUPERVISOR_ALERTED,
        EventType.AGENT_STATE_CHANGED,
        EventType.REPLY_DRAFTED,
        EventType.REPLY_AWAITING_APPROVAL,
        EventType.REPLY_APPROVED,
        EventType.REPLY_REJECTED,
        EventType.REPLY_SENT,
        EventType.REPLY_FAILED,
        EventType.REPLY_REVIEW_QUEUED,
        EventType.REPLY_REVIEWED,
        EventType.NOTE_ADDED,
        EventType.AGENT_MENTIONED,
    }
)
"""What a page shows; the rest (configuration, customers, channels) is not live."""

_KEPT_DATA = (
    "from",
    "to",
    "kind",
    "reason",
    "released_agent_id",
    "by_agent_id",
    "to_lane",
    "to_tier",
    "message",
    "channel",
    "due_at",
    "state",
    "by_name",
    "excerpt",
)
"""The parts of an event's data a page uses; notes and explanations stay in the log."""
_LONGEST_TEXT = 200
_ITEMS_PER_NOTICE = 120
"""About as many compact events as one notice holds: batches are cut to this first."""


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One event as the live feed carries it."""

    workspace_id: int
    type: str
    occurred_at: datetime
    conversation_id: int | None = None
    agent_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The event as a page's script reads it."""
        return {
            "type": self.type,
            "workspace_id": self.workspace_id,
            "occurred_at": self.occurred_at.isoformat(),
            "conversation_id": self.conversation_id,
            "agent_id": self.agent_id,
            "data": self.data,
        }


def _kept(data: dict[str, Any] | None) -> dict[str, Any]:
    if not data:
        return {}
    kept: dict[str, Any] = {}
    for key in _KEPT_DATA:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            value = value[:_LONGEST_TEXT]
        elif not isinstance(value, int | float | bool):
            continue
        kept[key] = value
    return kept


def _compact(event: "EventRow") -> list[Any]:
    data = _kept(event.data) if event.data else {}
    return [
        event.workspace_id,
        event.type.value,
        event.occurred_at.timestamp(),
        event.conversation_id,
        event.agent_id,
        data,
    ]


def _packed(items: list[list[Any]]) -> list[str]:
    """`items` as JSON lists, split until each is under the size PostgreSQL takes."""
    text = json.dumps(items, separators=(",", ":"), ensure_ascii=False)
    if len(text.encode("utf-8")) < MAX_PAYLOAD_BYTES or len(items) == 1:
        return [text]
    half = len(items) // 2
    return _packed(items[:half]) + _packed(items[half:])


def encode_live_events(events: Iterable["EventRow"]) -> list[str]:
    """The live kinds among `events` as notice payloads, each under the size PostgreSQL
    takes. A post received in a conversation the same batch opens is left out: the
    opening says it all."""
    events = list(events)
    opened = {e.conversation_id for e in events if e.type is EventType.CONVERSATION_OPENED}
    items = [
        _compact(event)
        for event in events
        if event.type in LIVE_TYPES
        and not (
            event.type is EventType.POST_RECEIVED
            and (event.conversation_id is None or event.conversation_id in opened)
        )
    ]
    if not items:
        return []
    chunks = -(-len(items) // _ITEMS_PER_NOTICE)
    size = -(-len(items) // chunks)
    return [
        payload
        for start in range(0, len(items), size)
        for payload in _packed(items[start : start + size])
    ]


def decode_live_events(payload: str) -> list[LiveEvent]:
    """The events of one notice payload; what cannot be read is logged and left out."""
    try:
        items = json.loads(payload)
    except ValueError:
        logger.warning("a live-event notice that is not JSON: %.80s", payload)
        return []
    events = []
    for item in items if isinstance(items, list) else []:
        try:
            workspace_id, kind, timestamp, conversation_id, agent_id, data = item
            events.append(
                LiveEvent(
                    workspace_id=int(workspace_id),
                    type=str(kind),
                    occurred_at=datetime.fromtimestamp(float(timestamp), UTC),
                    conversation_id=None if conversation_id is None else int(conversation_id),
                    agent_id=None if agent_id is None else int(agent_id),
                    data=dict(data or {}),
                )
            )
        except (TypeError, ValueError):
            logger.warning("a live event that cannot be read: %.80s", item)
    return events


def announce_live_events(session: Session, events: Sequence["EventRow"]) -> None:
    """Put the live kinds among `events` on the feed once the session commits."""
    if LIVE_NOTICES.heard_by_anyone(session):
        LIVE_NOTICES.announce(session, encode_live_events(events))
