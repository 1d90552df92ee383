"""HTTP: who is signed in, and the administration of a workspace's users and their API
tokens (admins)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from carelane.accounts.administration import (
    do_change_role,
    do_deactivate_user,
    do_reactivate_user,
    do_revoke_api_token,
    get_api_tokens,
    get_workspace_user,
    get_workspace_users,
)
from carelane.accounts.passwords import Passwords
from carelane.accounts.roles import Permission, Role
from carelane.accounts.schemas import ApiTokenOut, UserOut
from carelane.accounts.service import do_add_user
from carelane.web.auth import SignedInDep, allowed, get_passwords
from carelane.web.dependencies import SessionDep, WorkspaceIdDep, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.row_ids import PathId

router = APIRouter(tags=["accounts"], responses=ERROR_RESPONSES)


class MeOut(BaseModel):
    """The signed-in user: role, what it may do, the workspaces they see, and (for a
    browser session) the CSRF token its unsafe requests must send as `X-CSRF-Token`."""

    email: str
    display_name: str
    role: Role
    permissions: list[Permission]
    all_workspaces: bool
    workspace_ids: list[int]
    agent_ids: list[int]
    csrf_token: str | None


@router.get("/me", response_model=MeOut)
def show_me(user: SignedInDep) -> MeOut:
    """Who this request is signed in as."""
    return MeOut(
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        permissions=[p for p in Permission if user.may(p)],
        all_workspaces=user.all_workspaces,
        workspace_ids=sorted(user.workspace_ids),
        agent_ids=sorted(user.agent_ids),
        csrf_token=user.csrf_token,
    )


_MANAGE = allowed(Permission.MANAGE_USERS, "manage users")
_USERS = "/workspaces/{workspace}/users"
_USER = _USERS + "/{user_id}"


class UserIn(BaseModel):
    """A new user of the workspace: who they are, their role and first password."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(max_length=2000)]
    name: Annotated[str, Field(max_length=2000, description="Their name as the pages show it.")]
    role: Annotated[
        str, Field(max_length=100, description="agent, supervisor, marketing or admin.")
    ]
    password: Annotated[str, Field(max_length=5000)]


class RoleIn(BaseModel):
    """A user's new role."""

    model_config = ConfigDict(extra="forbid")

    role: Annotated[
        str, Field(max_length=100, description="agent, supervisor, marketing or admin.")
    ]


class UserList(BaseModel):
    items: list[UserOut]


class ApiTokenList(BaseModel):
    items: list[ApiTokenOut]


@router.get(_USERS, response_model=UserList, dependencies=[_MANAGE])
def list_users(workspace_id: WorkspaceIdDep, session: SessionDep) -> UserList:
    """The workspace's users (and the admins of every workspace), by email."""
    return UserList(items=get_workspace_users(session=session, workspace_id=workspace_id))


@router.post(_USERS, response_model=UserOut, status_code=201, dependencies=[_MANAGE])
def create_user(
    workspace: str,
    body: UserIn,
    session: SessionDep,
    passwords: Annotated[Passwords, Depends(get_passwords)],
) -> UserOut:
    """Add a user of this workspace with a role and a first password; 422 naming each bad
    field, 409 if the email is taken."""
    return do_add_user(
        session=session,
        email=body.email,
        display_name=body.name,
        role=body.role,
        password=body.password,
        passwords=passwords,
        now=utc_now(),
        workspaces=[workspace],
    )


@router.get(_USER, response_model=UserOut, dependencies=[_MANAGE])
def show_user(workspace_id: WorkspaceIdDep, user_id: PathId, session: SessionDep) -> UserOut:
    """One user of the workspace."""
    return get_workspace_user(session=session, workspace_id=workspace_id, user_id=user_id)


@router.put(f"{_USER}/role", response_model=UserOut, dependencies=[_MANAGE])
def change_role(
    workspace_id: WorkspaceIdDep,
    user_id: PathId,
    body: RoleIn,
    session: SessionDep,
    user: SignedInDep,
) -> UserOut:
    """Give a user of the workspace another role (in every workspace they belong to)."""
    return do_change_role(
        session=session,
        workspace_id=workspace_id,
        user_id=user_id,
        role=body.role,
        by_user_id=user.user_id,
        by_all_workspaces=user.all_workspaces,
    )


@router.post(f"{_USER}/deactivate", response_model=UserOut, dependencies=[_MANAGE])
def deactivate_user(
    workspace_id: WorkspaceIdDep, user_id: PathId, session: SessionDep, user: SignedInDep
) -> UserOut:
    """Deactivate a user: they cannot sign in, and their sessions and API tokens stop
    working at once."""
    return do_deactivate_user(
        session=session,
        workspace_id=workspace_id,
        user_id=user_id,
        now=utc_now(),
        by_user_id=user.user_id,
        by_all_workspaces=user.all_workspaces,
    )


@router.post(f"{_USER}/reactivate", response_model=UserOut, dependencies=[_MANAGE])
def reactivate_user(
    workspace_id: WorkspaceIdDep, user_id: PathId, session: SessionDep, user: SignedInDep
) -> UserOut:
    """Let a deactivated user sign in again; their old sessions and API tokens stay
    revoked."""
    return do_reactivate_user(
        session=session,
        workspace_id=workspace_id,
        user_id=user_id,
        by_user_id=user.user_id,
        by_all_workspaces=user.all_workspaces,
    )


@router.get(f"{_USER}/api-tokens", response_model=ApiTokenList, dependencies=[_MANAGE])
def list_api_tokens(
    workspace_id: WorkspaceIdDep, user_id: PathId, session: SessionDep
) -> ApiTokenList:
    """A user's API tokens: names and use, never the secrets."""
    return ApiTokenList(
        items=get_api_tokens(session=session, workspace_id=workspace_id, user_id=user_id)
    )


@router.post(
    f"{_USER}/api-tokens/{{token_id}}/revoke", response_model=ApiTokenOut, dependencies=[_MANAGE]
)
def revoke_api_token(
    workspace_id: WorkspaceIdDep, user_id: PathId, token_id: PathId, session: SessionDep
) -> ApiTokenOut:
    """Revoke one of a user's API tokens: it stops working at once."""
    return do_revoke_api_token(
        session=session,
        workspace_id=workspace_id,
        user_id=user_id,
        token_id=token_id,
        now=utc_now(),
    )
