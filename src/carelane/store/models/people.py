"""People: network authors, CRM customers and the links between them, agents and teams."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, Json, UTCDateTime


class Author(Base):
    """Whoever wrote a post, as one network knows them, seen from one workspace."""

    __tablename__ = "author"
    __table_args__ = (UniqueConstraint("workspace_id", "network", "handle"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    network: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255))
    followers: Mapped[int | None] = mapped_column(Integer)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Customer(Base):
    """A customer as the brand's CRM knows them."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    crm_ref: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Identity(Base):
    """An author linked to a customer: how the link was made, by whom, and with what consent.

    An author belongs to at most one customer; a customer may have many identities.
    """

    __tablename__ = "identity"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    customer_id: Mapped[int] = mapped_column(Id, ForeignKey("customer.id"), index=True)
    author_id: Mapped[int] = mapped_column(Id, ForeignKey("author.id"), unique=True)
    linked_by: Mapped[str] = mapped_column(String(32))
    linked_by_agent_id: Mapped[int | None] = mapped_column(Id, ForeignKey("agent.id"))
    consent: Mapped[bool] = mapped_column(Boolean)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Agent(Base):
    """A person who answers or supervises conversations in a workspace.

    The routing profile (tier, skills, capacity per network, primary and backup duties)
    is what the workspace's teams file last said of them; `on_roster` is False once a
    teams file no longer lists them (the row stays: the event log names it). `state` is
    their presence (`routing.agents.AgentState`) and `idle_since` when they last had
    nothing new.
    """

    __tablename__ = "agent"
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    on_roster: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    tier: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    skills: Mapped[list[dict[str, Any]] | None] = mapped_column(Json)
    """[{"kind": "language" | "category", "name": ..., "proficiency": 1..5}, ...]"""
    capacity: Mapped[dict[str, int] | None] = mapped_column(Json)
    """Conversations held at once per network: {"twitter": 5, ...}."""
    duties: Mapped[list[dict[str, Any]] | None] = mapped_column(Json)
    """[{"lane": ..., "role": "primary" | "backup", "network": ... | null}, ...]"""
    state: Mapped[str] = mapped_column(
        String(16), default="offline", server_default=text("'offline'")
    )
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    idle_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Team(Base):
    """A group of agents that owns swim lanes (`TeamLane`) at one support tier.

    `lane` is the first lane it owns, kept for readers of one lane; `on_roster` is False
    once a teams file no longer defines it.
    """

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tier: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    description: Mapped[str | None] = mapped_column(Text)
    on_roster: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class TeamLane(Base):
    """A lane a team owns, or backs up once the lane's conversations overflow."""

    __tablename__ = "team_lane"

    team_id: Mapped[int] = mapped_column(Id, ForeignKey("team.id"), primary_key=True)
    lane: Mapped[str] = mapped_column(String(100), primary_key=True)
    backup: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class TeamMember(Base):
    """An agent's membership of a team."""

    __tablename__ = "team_member"

    team_id: Mapped[int] = mapped_column(Id, ForeignKey("team.id"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(Id, ForeignKey("agent.id"), primary_key=True)
