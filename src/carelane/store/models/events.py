"""The append-only event log: the record every report, audit and SLA figure reads."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime


class Event(Base):
    """Something that happened, written in the same transaction as the change it records.

    `occurred_at` is when it happened in the world (a post's publication time);
    `recorded_at` is when carelane wrote it. Rows are only ever inserted.
    """

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_workspace_occurred", "workspace_id", "occurred_at"),
        Index("ix_event_conversation", "conversation_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"))
    type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    conversation_id: Mapped[int | None] = mapped_column(Id, ForeignKey("conversation.id"))
    post_id: Mapped[int | None] = mapped_column(Id, ForeignKey("post.id"))
    agent_id: Mapped[int | None] = mapped_column(Id, ForeignKey("agent.id"))
    data: Mapped[dict[str, Any] | None] = mapped_column(Json)
