"""People: network authors, CRM customers and the links between them, agents and teams."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, UTCDateTime


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
    """A person who answers or supervises conversations in a workspace."""

    __tablename__ = "agent"
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Team(Base):
    """A group of agents that owns a swim lane."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TeamMember(Base):
    """An agent's membership of a team."""

    __tablename__ = "team_member"

    team_id: Mapped[int] = mapped_column(Id, ForeignKey("team.id"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(Id, ForeignKey("agent.id"), primary_key=True)
