"""Conversations (one customer, one channel, one thread of care) and their timelines."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime

_ACTIVE = "status IN ('new', 'open', 'pending')"


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
