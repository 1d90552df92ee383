"""Accounts on the wire and in the web layer: a user as listed, and who a request is."""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from carelane.accounts.roles import Permission, Role, may


class UserOut(BaseModel):
    """A user as `carelane users list` and the API show them (never the hash)."""

    id: int
    email: str
    display_name: str
    role: Role
    active: bool
    all_workspaces: bool
    workspaces: list[str]
    created_at: datetime
    last_signed_in_at: datetime | None


class ApiTokenOut(BaseModel):
    """An API token as admins list it: its name and use, never the secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """A new sign-in session: `token` goes in the cookie and is never stored."""

    user_id: int
    token: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a request comes from, and what they may see.

    `csrf_token` is set when the request came with a session cookie (then its unsafe
    methods must carry it) and None for an API token.
    """

    user_id: int
    email: str
    display_name: str
    role: Role
    all_workspaces: bool
    workspace_ids: frozenset[int]
    agent_ids: frozenset[int]
    csrf_token: str | None

    def sees(self, workspace_id: int) -> bool:
        """Whether this user is a member of the workspace (admins of all see every one)."""
        return self.all_workspaces or workspace_id in self.workspace_ids

    def may(self, permission: Permission) -> bool:
        return may(self.role, permission)
