"""Triage as stored: each post's latest triage, and agents' corrections of it."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime


class PostTriage(Base):
    """A post's triage by one version of the models.

    The columns are what queues and reports filter and sort on; `detail` is the whole
    triage (reasons, topics, categories, personal-data spans, the priority's breakdown).
    Re-triage with new models replaces the row and keeps the version it came from.
    """

    __tablename__ = "post_triage"
    __table_args__ = (
        Index("ix_post_triage_workspace_priority", "workspace_id", "priority"),
        Index("ix_post_triage_workspace_intent", "workspace_id", "intent"),
    )

    post_id: Mapped[int] = mapped_column(Id, ForeignKey("post.id"), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"))
    model_version: Mapped[str] = mapped_column(String(64))
    actionable: Mapped[bool] = mapped_column(Boolean)
    intent: Mapped[str] = mapped_column(String(16))
    sentiment: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float] = mapped_column(Float)
    language: Mapped[str] = mapped_column(String(16))
    lane: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer)
    take_offline: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[dict[str, Any]] = mapped_column(Json)
    triaged_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TriageCorrection(Base):
    """An agent's correction of one part of a post's triage: who, when, old -> new."""

    __tablename__ = "triage_correction"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    post_id: Mapped[int] = mapped_column(Id, ForeignKey("post.id"), index=True)
    field: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(String(255))
    new_value: Mapped[str] = mapped_column(String(255))
    agent_id: Mapped[int | None] = mapped_column(Id, ForeignKey("agent.id"))
    model_version: Mapped[str] = mapped_column(String(64))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime)
