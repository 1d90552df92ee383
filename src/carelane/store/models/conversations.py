"""Conversations (one customer, one channel, one thread of care) and their timelines."""

from datetime import datetime

from sqlalchemy import Computed, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime

_ACTIVE = "status IN ('new', 'open', 'pending')"
_WAITING = "assignee_id IS NULL AND status IN ('new', 'open')"


class Conversation(Base):
    """A thread of care with one customer on one channel.

    At most one active (new / open / pending) conversation exists per author and channel;
    a partial unique index enforces it even against concurrent ingesters.
    """

    __tablename__ = "conversation"
    __table_args__ = (
        Index(
            "uq_conversation_active_author",
            "channel_id",
            "author_id",
            unique=True,
            sqlite_where=text(_ACTIVE),
            postgresql_where=text(_ACTIVE),
        ),
        Index("ix_conversation_workspace_status", "workspace_id", "status", "last_message_at"),
        Index("ix_conversation_workspace_activity", "workspace_id", "last_message_at", "id"),
        Index("ix_conversation_assignee_status", "assignee_id", "status"),
        Index("ix_conversation_sla_alarm_at", "sla_alarm_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"))
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channel.id"))
    author_id: Mapped[int] = mapped_column(Id, ForeignKey("author.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(Id, ForeignKey("customer.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    lane: Mapped[str | None] = mapped_column(String(64))
    categories: Mapped[list[str] | None] = mapped_column(Json)
    team_id: Mapped[int | None] = mapped_column(Id, ForeignKey("team.id"))
    assignee_id: Mapped[int | None] = mapped_column(Id, ForeignKey("agent.id"))
    priority: Mapped[int | None] = mapped_column(Integer)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Routing: the language it is written in (from triage), the support tier it was
    # escalated to, since when it waits for an agent (opened, reopened, transferred or
    # released), who held it last, and since when its holder holds it.
    language: Mapped[str | None] = mapped_column(String(16))
    tier: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_assignee_id: Mapped[int | None] = mapped_column(Id, ForeignKey("agent.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Service levels: the policy that set the deadlines above and their warnings, each
    # only while its clock counts (None once met, stopped or paused), and the instant of
    # its next alarm not yet fired (what the breach scheduler sleeps until).
    sla_policy: Mapped[str | None] = mapped_column(String(100))
    first_response_warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_response_warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_alarm_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The queue's order (`routing.queues`) as the database computes it from the columns
    # above, so that ix_conversation_waiting keeps each workspace's waiting conversations
    # (new or open, held by nobody) in that order: priority (none: 0), the response's
    # deadline (the next one owed, else the first), and since when it waits.
    queue_priority: Mapped[int] = mapped_column(
        Integer, Computed("coalesce(priority, 0)", persisted=True)
    )
    response_due_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime,
        Computed("coalesce(next_response_due_at, first_response_due_at)", persisted=True),
    )
    queued_since: Mapped[datetime] = mapped_column(
        UTCDateTime, Computed("coalesce(waiting_since, opened_at)", persisted=True)
    )


Index(
    "ix_conversation_waiting",
    Conversation.workspace_id,
    Conversation.queue_priority.desc(),
    Conversation.response_due_at,
    Conversation.queued_since,
    Conversation.id,
    sqlite_where=text(_WAITING),
    postgresql_where=text(_WAITING),
)
"""Each workspace's waiting conversations in queue order after "at risk first": "next
conversation" reads the head of the queue without sorting it."""


class Message(Base):
    """One entry on a conversation's timeline: a post in or out, a note, a system event."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_conversation_created", "conversation_id", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"))
    conversation_id: Mapped[int] = mapped_column(Id, ForeignKey("conversation.id"))
    kind: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[int | None] = mapped_column(Id, ForeignKey("post.id"), unique=True)
    agent_id: Mapped[int | None] = mapped_column(Id, ForeignKey("agent.id"))
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
