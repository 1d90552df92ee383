"""Accounts: the people who sign in, the workspaces each may see, their sign-in sessions
and the API tokens of machine clients."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, UTCDateTime

ROLES = ("agent", "supervisor", "marketing", "admin")


class UserAccount(Base):
    """Someone who signs in. `email` is stored in lower case, so it is unique whatever
    case it is typed in; `password_hash` is an argon2 hash in its PHC string form.

    `all_workspaces` gives an admin every workspace, present and future; everyone else
    sees the workspaces of their `WorkspaceMember` rows.
    """

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    all_workspaces: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WorkspaceMember(Base):
    """A user's membership of a workspace; `agent_id` is the workspace's agent row that
    is this user, where they answer conversations there (one user per agent row)."""

    __tablename__ = "workspace_member"

    user_id: Mapped[int] = mapped_column(Id, ForeignKey("user_account.id"), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        Id, ForeignKey("workspace.id"), primary_key=True, index=True
    )
    agent_id: Mapped[int | None] = mapped_column(Id, ForeignKey("agent.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's random token is kept; the
    session ends at `expires_at` (pushed on while it is used) or once `revoked_at` is set
    (signed out). `csrf_token` is what unsafe requests of this session must carry."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A machine client's bearer token, acting as its user; only its SHA-256 is kept."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInAttempt(Base):
    """A failed sign-in: the email it named (normalised, whether or not an account has
    it) and the client address it came from. Sign-in throttling counts these within its
    window; a successful sign-in blanks its email's (they count for their address only),
    and rows past the window are deleted as new ones come."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_email_attempted_at", "email", "attempted_at"),
        Index("ix_sign_in_attempt_client_address_attempted_at", "client_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    client_address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
