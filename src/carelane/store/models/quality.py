"""Quality: agents' certification levels, a workspace's approval and review rules, and
reviewers' scorecards of replies."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime

CERTIFICATION_LEVELS = ("trainee", "probation", "certified")


class AgentCertification(Base):
    """An agent's certification level since `since`, and who set it. An agent without a
    row is certified (they answered before levels were kept)."""

    __tablename__ = "agent_certification"
    __table_args__ = (
        CheckConstraint(
            f"level IN ({', '.join(repr(v) for v in CERTIFICATION_LEVELS)})", name="level"
        ),
    )

    agent_id: Mapped[int] = mapped_column(Id, ForeignKey("agent.id"), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    set_by_user_id: Mapped[int | None] = mapped_column(Id, ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)


class QualitySettings(Base):
    """A workspace's approval rules, review sampling, scorecard criteria and promotion
    rule (`qa.settings.QualitySettings` reads and checks them); none stored: the
    defaults."""

    __tablename__ = "quality_settings"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_user_id: Mapped[int | None] = mapped_column(Id, ForeignKey("user_account.id"))


class QualityReview(Base):
    """One reviewer's scorecard of one sent reply: a score per criterion of the agent's
    team (or the workspace's), whether it passed (every score at the pass mark or above)
    and a comment. A reply may have scorecards of several reviewers, one each."""

    __tablename__ = "quality_review"
    __table_args__ = (UniqueConstraint("reply_id", "reviewer_user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    reply_id: Mapped[int] = mapped_column(Id, ForeignKey("reply.id"), index=True)
    agent_id: Mapped[int] = mapped_column(Id, ForeignKey("agent.id"), index=True)
    reviewer_user_id: Mapped[int] = mapped_column(Id, ForeignKey("user_account.id"))
    scores: Mapped[dict[str, int]] = mapped_column(Json)
    mean_score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
