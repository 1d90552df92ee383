"""Answering customers: canned responses, replies (draft to sent) and the outbox they
leave through."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime

REPLY_STATES = ("draft", "awaiting_approval", "sent", "failed", "rejected")
VISIBILITIES = ("public", "private")
_LIVE = "deleted_at IS NULL"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CannedResponse(Base):
    """A reply an admin or supervisor wrote once for agents to reuse, with `{variables}`
    filled in from the conversation, and tags (lanes, categories, intents, networks) that
    say where it fits; an empty tag list fits everything.

    Deleting keeps the row (`deleted_at`): replies still name the response they came from.
    A title is unique among a workspace's responses that are not deleted.
    """

    __tablename__ = "canned_response"
    __table_args__ = (
        Index(
            "uq_canned_response_live_title",
            "workspace_id",
            "title",
            unique=True,
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    lanes: Mapped[list[str]] = mapped_column(Json)
    categories: Mapped[list[str]] = mapped_column(Json)
    intents: Mapped[list[str]] = mapped_column(Json)
    networks: Mapped[list[str]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int | None] = mapped_column(Id, ForeignKey("user_account.id"))
    updated_by_user_id: Mapped[int | None] = mapped_column(Id, ForeignKey("user_account.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reply(Base):
    """An agent's answer to a conversation, public (on the thread) or private (a direct
    message), from draft to sent (`replies.states` has the state machine).

    `certification_level` and `approval_reasons` are what decided, when it was submitted,
    whether it waits for a supervisor; `decision` is the supervisor's (approved, edited,
    rejected) with their comment, and `submitted_body` the agent's text when the
    supervisor edited it. `review_state` is `pending` while it waits for a review after
    sending, `reviewed` once it has its scorecards. `message_id` is its entry on the
    conversation's timeline once sent.
    """

    __tablename__ = "reply"
    __table_args__ = (
        CheckConstraint(_one_of("state", REPLY_STATES), name="state"),
        CheckConstraint(_one_of("visibility", VISIBILITIES), name="visibility"),
        Index("ix_reply_conversation_created", "conversation_id", "created_at"),
        Index("ix_reply_workspace_state", "workspace_id", "state", "submitted_at"),
        Index("ix_reply_workspace_review", "workspace_id", "review_state", "sent_at"),
        Index("ix_reply_agent_level", "agent_id", "certification_level", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"))
    conversation_id: Mapped[int] = mapped_column(Id, ForeignKey("conversation.id"))
    agent_id: Mapped[int] = mapped_column(Id, ForeignKey("agent.id"))
    author_user_id: Mapped[int | None] = mapped_column(Id, ForeignKey("user_account.id"))
    visibility: Mapped[str] = mapped_column(String(16))
    network: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(24))
    canned_response_id: Mapped[int | None] = mapped_column(Id, ForeignKey("canned_response.id"))
    in_reply_to_post_id: Mapped[int | None] = mapped_column(Id, ForeignKey("post.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certification_level: Mapped[str | None] = mapped_column(String(16))
    approval_reasons: Mapped[list[str] | None] = mapped_column(Json)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_by_user_id: Mapped[int | None] = mapped_column(Id, ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_comment: Mapped[str | None] = mapped_column(Text)
    submitted_body: Mapped[str | None] = mapped_column(Text)
    review_state: Mapped[str | None] = mapped_column(String(16))
    review_reason: Mapped[str | None] = mapped_column(String(255))
    message_id: Mapped[int | None] = mapped_column(Id, ForeignKey("message.id"), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)


class OutboxEntry(Base):
    """What a reply posts on its network, as the channel's outbox took it: where (the
    channel, public or as a direct message to `recipient_handle`, under which post), the
    text, and its state (`recorded` by the recording outbox; `delivered` or `failed` once
    a network's connector posts it, with the network's id of the post)."""

    __tablename__ = "outbox_entry"
    __table_args__ = (Index("ix_outbox_entry_workspace_created", "workspace_id", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"))
    reply_id: Mapped[int] = mapped_column(Id, ForeignKey("reply.id"), unique=True)
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channel.id"))
    outbox: Mapped[str] = mapped_column(String(32))
    network: Mapped[str] = mapped_column(String(32))
    visibility: Mapped[str] = mapped_column(String(16))
    recipient_handle: Mapped[str] = mapped_column(String(255))
    in_reply_to_external_id: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
