"""Posts: every inbound and outbound post, exactly once, with its raw payload."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime


class Post(Base):
    """One post as the network published it.

    `(channel_id, external_id)` is unique: the same post arriving twice is stored once.
    `in_reply_to` is the external id of the post it answers on the same channel, which may
    not have arrived (yet).
    """

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_post_workspace_created", "workspace_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"))
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channel.id"))
    external_id: Mapped[str] = mapped_column(String(255))
    author_id: Mapped[int] = mapped_column(Id, ForeignKey("author.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("conversation.id"), index=True
    )
    direction: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    raw: Mapped[dict[str, Any] | None] = mapped_column(Json)
