"""HTTP: who is signed in."""

from fastapi import APIRouter
from pydantic import BaseModel

from carelane.accounts.roles import Permission, Role
from carelane.web.auth import SignedInDep
from carelane.web.errors import ERROR_RESPONSES

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
