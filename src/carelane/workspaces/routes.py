"""HTTP: list and create workspaces; read and set their triage (lanes and settings), their
teams file (routing) and their service levels."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from carelane.accounts.roles import Permission
from carelane.accounts.service import do_add_membership
from carelane.web.auth import SignedInDep, allowed
from carelane.web.dependencies import SessionDep, utc_now
from carelane.web.errors import ERROR_RESPONSES, ErrorResponse, error_response
from carelane.workspaces.schemas import (
    RoutingOut,
    ServiceLevelsOut,
    TriageSettingsOut,
    WorkspaceIn,
    WorkspaceList,
    WorkspaceOut,
)
from carelane.workspaces.service import (
    do_create_workspace,
    do_set_lanes,
    do_set_triage_settings,
    get_triage_configuration,
    get_workspace,
    get_workspaces,
)
from carelane.workspaces.service_levels import do_set_service_levels, get_service_levels
from carelane.workspaces.teams import do_set_teams, get_routing
from carelane.workspaces.triage_settings import TriageSettings

LANES_MEDIA_TYPES = ("text/yaml", "application/yaml", "application/x-yaml", "text/x-yaml")
"""What a lanes file may be sent as, besides text/plain."""

router = APIRouter(tags=["workspaces"], responses=ERROR_RESPONSES)
_CONFIGURE = allowed(Permission.CONFIGURE_WORKSPACES, "create or configure workspaces")
_YAML_RESPONSES: dict[int | str, dict[str, Any]] = {
    415: {"model": ErrorResponse, "description": "Not sent as YAML or text."}
}
_YAML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            media_type: {"schema": {"type": "string"}} for media_type in ("text/yaml", "text/plain")
        },
    }
}


async def _yaml_upload(
    request: Request, what: str, save: Callable[[bytes], RoutingOut | ServiceLevelsOut]
) -> Response:
    """Save a YAML file sent as the body with `save`, in the thread pool; 415 unless it is
    sent as YAML or plain text."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (*LANES_MEDIA_TYPES, "text/plain"):
        return error_response(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            f"send the {what} as text/yaml or text/plain",
            [],
        )
    body = await request.body()
    saved = await run_in_threadpool(save, body)
    return Response(saved.model_dump_json(), media_type="application/json")


@router.get("/workspaces", response_model=WorkspaceList)
def list_workspaces(session: SessionDep, user: SignedInDep) -> WorkspaceList:
    """The brands the signed-in user is a member of (every one for an admin of all)."""
    only = None if user.all_workspaces else user.workspace_ids
    return WorkspaceList(items=get_workspaces(session=session, only=only))


@router.post(
    "/workspaces",
    response_model=WorkspaceOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[_CONFIGURE],
)
def create_workspace(body: WorkspaceIn, session: SessionDep, user: SignedInDep) -> WorkspaceOut:
    """Create a brand's workspace, with its creator a member; 409 if the slug is taken."""
    now = utc_now()
    created = do_create_workspace(session=session, slug=body.slug, name=body.name, now=now)
    if not user.all_workspaces:
        do_add_membership(session=session, user_id=user.user_id, workspace_id=created.id, now=now)
    return created


@router.get("/workspaces/{workspace}", response_model=WorkspaceOut)
def show_workspace(workspace: str, session: SessionDep) -> WorkspaceOut:
    """One workspace by slug."""
    return get_workspace(session=session, slug=workspace)


@router.get("/workspaces/{workspace}/triage-settings", response_model=TriageSettingsOut)
def show_triage_settings(workspace: str, session: SessionDep) -> TriageSettingsOut:
    """The workspace's lanes file as saved (null: the shipped example lanes apply), its
    triage settings, and the lanes in effect with their categories."""
    return get_triage_configuration(session=session, slug=workspace)


@router.put(
    "/workspaces/{workspace}/lanes",
    dependencies=[_CONFIGURE],
    response_model=TriageSettingsOut,
    responses={415: {"model": ErrorResponse, "description": "Not sent as YAML or text."}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                media_type: {"schema": {"type": "string"}}
                for media_type in ("text/yaml", "text/plain")
            },
        }
    },
)
async def set_lanes(workspace: str, request: Request, session: SessionDep) -> Response:
    """Save the workspace's lanes file (YAML, as the body; `text/yaml` or `text/plain`);
    triage uses it from the next batch of posts on.

    A bad file is refused with 422 and every problem, each `field` naming its place as
    `lanes.yaml:LINE:COL: field.path`.
    """
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (*LANES_MEDIA_TYPES, "text/plain"):
        return error_response(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the lanes file as text/yaml or text/plain",
            [],
        )
    body = await request.body()
    configured = await run_in_threadpool(
        lambda: do_set_lanes(session=session, slug=workspace, lanes_file=body, now=utc_now())
    )
    return Response(configured.model_dump_json(), media_type="application/json")


@router.put(
    "/workspaces/{workspace}/triage-settings",
    response_model=TriageSettingsOut,
    dependencies=[_CONFIGURE],
)
def set_triage_settings(
    workspace: str, body: TriageSettings, session: SessionDep
) -> TriageSettingsOut:
    """Replace the workspace's triage settings: its own accounts (`brand_handles`), the
    airline reasons as topics, and the priority weights (what is left out takes its
    default); triage uses them from the next batch of posts on. 422 names each bad field."""
    return do_set_triage_settings(session=session, slug=workspace, settings=body, now=utc_now())


@router.get("/workspaces/{workspace}/routing", response_model=RoutingOut)
def show_routing(workspace: str, session: SessionDep) -> RoutingOut:
    """The workspace's teams file as saved (null: none yet) and the teams and agents on its
    roster, with their ids, tiers, lanes, presence and capacity."""
    return get_routing(session=session, slug=workspace)


@router.put(
    "/workspaces/{workspace}/routing",
    dependencies=[_CONFIGURE],
    response_model=RoutingOut,
    responses=_YAML_RESPONSES,
    openapi_extra=_YAML_BODY,
)
async def set_routing(workspace: str, request: Request, session: SessionDep) -> Response:
    """Save the workspace's teams file (YAML, as the body; `text/yaml` or `text/plain`) and
    apply it: agents (by email, else name) and teams (by name) are created or updated, and
    those it no longer lists leave the roster, in one transaction.

    A bad file is refused with 422 and every problem, each `field` naming its place as
    `teams.yaml:LINE:COL: field.path`.
    """
    return await _yaml_upload(
        request,
        "teams file",
        lambda body: do_set_teams(session=session, slug=workspace, teams_file=body, now=utc_now()),
    )


@router.get("/workspaces/{workspace}/service-levels", response_model=ServiceLevelsOut)
def show_service_levels(workspace: str, session: SessionDep) -> ServiceLevelsOut:
    """The workspace's service-levels file as saved (null: the shipped ones apply) and the
    policies in effect."""
    return get_service_levels(session=session, slug=workspace)


@router.put(
    "/workspaces/{workspace}/service-levels",
    dependencies=[_CONFIGURE],
    response_model=ServiceLevelsOut,
    responses=_YAML_RESPONSES,
    openapi_extra=_YAML_BODY,
)
async def set_service_levels(workspace: str, request: Request, session: SessionDep) -> Response:
    """Save the workspace's service-levels file (YAML, as the body; `text/yaml` or
    `text/plain`): its calendars and policies set each conversation's deadlines from the
    conversation's next change on.

    A bad file is refused with 422 and every problem, each `field` naming its place as
    `service-levels.yaml:LINE:COL: field.path`.
    """
    return await _yaml_upload(
        request,
        "service-levels file",
        lambda body: do_set_service_levels(
            session=session, slug=workspace, service_levels_file=body, now=utc_now()
        ),
    )
