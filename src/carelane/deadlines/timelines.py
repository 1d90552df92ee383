"""Conversations' timelines as the service-level clocks read them, loaded for many
conversations at once: customer messages, the brand's replies, and status changes that no
post made (those a post made follow from the posts themselves)."""

from collections.abc import Collection
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from carelane.domain.conversations import ConversationStatus, MessageKind
from carelane.domain.events import EventType
from carelane.sla.timeline import AgentReply, CustomerMessage, StatusChange, TimelineFact
from carelane.store.models import Event, Message
from carelane.store.value_lists import is_one_of

message_t = cast(Table, Message.__table__)
event_t = cast(Table, Event.__table__)
POST_REASON = "post"
"""The reason of a status change a post made (see `ingest.thread_store.thread_events`)."""
_FACT_ORDER = {CustomerMessage: 0, AgentReply: 1, StatusChange: 2}


def load_timelines(
    session: Session, conversation_ids: Collection[int]
) -> dict[int, list[TimelineFact]]:
    """Each conversation's timeline in time order (at one instant: messages, then replies,
    then status changes); a conversation with no facts is left out."""
    if not conversation_ids:
        return {}
    ids = set(conversation_ids)
    timelines: dict[int, list[TimelineFact]] = {}
    messages = session.execute(
        select(message_t.c.conversation_id, message_t.c.kind, message_t.c.created_at).where(
            is_one_of(session, message_t.c.conversation_id, ids),
            message_t.c.kind.in_(
                [MessageKind.INBOUND_POST.value, MessageKind.OUTBOUND_REPLY.value]
            ),
        )
    )
    for conversation_id, kind, created_at in messages:
        timelines.setdefault(conversation_id, []).append(message_fact(kind, created_at))
    changes = session.execute(
        select(event_t.c.conversation_id, event_t.c.occurred_at, event_t.c.data).where(
            is_one_of(session, event_t.c.conversation_id, ids),
            event_t.c.type == EventType.CONVERSATION_STATUS_CHANGED.value,
        )
    )
    for conversation_id, occurred_at, data in changes:
        if data and data.get("reason") != POST_REASON and "to" in data:
            timelines.setdefault(conversation_id, []).append(
                StatusChange(occurred_at, ConversationStatus(data["to"]))
            )
    for facts in timelines.values():
        in_time_order(facts)
    return timelines


_INBOUND_POST = MessageKind.INBOUND_POST.value


def message_fact(kind: str, at: datetime) -> TimelineFact:
    """The timeline fact of a message of `kind` (an inbound post or an outbound reply)."""
    return CustomerMessage(at) if kind == _INBOUND_POST else AgentReply(at)


def in_time_order(facts: list[TimelineFact]) -> None:
    """Sort `facts` in place as a timeline: by time, and at one instant messages, then
    replies, then status changes."""
    facts.sort(key=lambda fact: (fact.at, _FACT_ORDER[type(fact)]))
