"""Workspaces (one brand each) and the channels they listen on."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime


class Workspace(Base):
    """A brand. Every other row belongs to exactly one workspace."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lanes_yaml: Mapped[str | None] = mapped_column(Text)
    """The workspace's swim lanes (a lanes file); None: the shipped example lanes."""
    triage_settings: Mapped[dict[str, Any] | None] = mapped_column(Json)
    """Priority weights, reason topics and brand handles (see `TriageSettings`)."""
    learned_lane_examples: Mapped[dict[str, Any] | None] = mapped_column(Json)
    """The posts agents placed in a category or moved to a lane, which its lanes compare
    posts with as they do a category's examples (`LearnedExamples`); written by `carelane
    train` from the corrections; None: none."""
    teams_yaml: Mapped[str | None] = mapped_column(Text)
    """The workspace's teams, lane policies and agents (a teams file); None: none yet."""
    service_levels_yaml: Mapped[str | None] = mapped_column(Text)
    """The workspace's calendars and service-level policies; None: the shipped defaults."""
    roster_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped by every teams file applied, in its transaction: what readers that keep the
    roster (agents' profiles, teams, lanes) check it against."""


class Channel(Base):
    """An account, search, forum or review site of one network that a workspace listens on."""

    __tablename__ = "channel"
    __table_args__ = (UniqueConstraint("workspace_id", "network", "account"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    network: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
