"""HTTP: list and create workspaces."""

from fastapi import APIRouter, status

from carelane.web.dependencies import SessionDep, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.workspaces.schemas import WorkspaceIn, WorkspaceList, WorkspaceOut
from carelane.workspaces.service import do_create_workspace, get_workspace, get_workspaces

router = APIRouter(tags=["workspaces"], responses=ERROR_RESPONSES)


@router.get("/workspaces", response_model=WorkspaceList)
def list_workspaces(session: SessionDep) -> WorkspaceList:
    """Every brand carelane serves."""
    return WorkspaceList(items=get_workspaces(session=session))


@router.post("/workspaces", response_model=WorkspaceOut, status_code=status.HTTP_201_CREATED)
def create_workspace(body: WorkspaceIn, session: SessionDep) -> WorkspaceOut:
    """Create a brand's workspace; 409 if the slug is taken."""
    return do_create_workspace(session=session, slug=body.slug, name=body.name, now=utc_now())


@router.get("/workspaces/{workspace}", response_model=WorkspaceOut)
def show_workspace(workspace: str, session: SessionDep) -> WorkspaceOut:
    """One workspace by slug."""
    return get_workspace(session=session, slug=workspace)
