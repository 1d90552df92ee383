"""HTTP: canned responses (list and search, read, write, change, delete), their
variables, one filled in for a conversation, and suggestions for a conversation."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from carelane.accounts.roles import Permission
from carelane.domain.channels import Network
from carelane.domain.triage import Intent
from carelane.responses.schemas import (
    CannedResponseIn,
    CannedResponseList,
    CannedResponseOut,
    RenderedOut,
    SuggestionList,
    VariableList,
    VariableOut,
)
from carelane.responses.service import (
    MAX_LIST,
    do_create_canned_response,
    do_delete_canned_response,
    do_update_canned_response,
    get_canned_response,
    get_canned_responses,
    get_rendered_response,
    get_suggested_responses,
)
from carelane.responses.variables import VARIABLES
from carelane.web.auth import SignedInDep, allowed, allowed_in_lanes
from carelane.web.dependencies import SessionDep, WorkspaceIdDep, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.row_ids import PathId, QueryId

router = APIRouter(
    tags=["canned responses"],
    responses=ERROR_RESPONSES,
    dependencies=[allowed_in_lanes("work conversations")],
)
_EDIT = allowed(Permission.EDIT_CANNED_RESPONSES, "write, change or delete canned responses")
_RESPONSES = "/workspaces/{workspace}/canned-responses"


@router.get(_RESPONSES, response_model=CannedResponseList)
def list_canned_responses(
    *,
    workspace_id: WorkspaceIdDep,
    session: SessionDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in the title or text.")
    ] = None,
    lane: Annotated[str | None, Query(max_length=100)] = None,
    intent: Intent | None = None,
    network: Network | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 100,
) -> CannedResponseList:
    """The workspace's canned responses: with `q`, those holding every word, title hits
    first; else all, by title. `lane`, `intent` and `network` keep those tagged for it
    (or untagged)."""
    return get_canned_responses(
        session=session,
        workspace_id=workspace_id,
        query=q,
        lane=lane,
        intent=intent.value if intent is not None else None,
        network=network.value if network is not None else None,
        limit=limit,
    )


@router.get("/canned-response-variables", response_model=VariableList)
def list_variables() -> VariableList:
    """Every variable a canned response may use, and what fills it in."""
    return VariableList(
        items=[VariableOut(name=name, description=text) for name, text in VARIABLES.items()]
    )


@router.post(_RESPONSES, response_model=CannedResponseOut, status_code=201, dependencies=[_EDIT])
def create_canned_response(
    workspace_id: WorkspaceIdDep, body: CannedResponseIn, session: SessionDep, user: SignedInDep
) -> CannedResponseOut:
    """A new canned response. 422 `unknown_variable` naming each variable carelane
    cannot fill in; 409 for a title in use."""
    return do_create_canned_response(
        session=session,
        workspace_id=workspace_id,
        fields=body,
        user_id=user.user_id,
        now=utc_now(),
    )


@router.get(f"{_RESPONSES}/{{response_id}}", response_model=CannedResponseOut)
def show_canned_response(
    workspace_id: WorkspaceIdDep, response_id: PathId, session: SessionDep
) -> CannedResponseOut:
    return get_canned_response(session=session, workspace_id=workspace_id, response_id=response_id)


@router.put(f"{_RESPONSES}/{{response_id}}", response_model=CannedResponseOut, dependencies=[_EDIT])
def update_canned_response(
    workspace_id: WorkspaceIdDep,
    response_id: PathId,
    body: CannedResponseIn,
    session: SessionDep,
    user: SignedInDep,
) -> CannedResponseOut:
    """Replace a canned response's title, text and tags."""
    return do_update_canned_response(
        session=session,
        workspace_id=workspace_id,
        response_id=response_id,
        fields=body,
        user_id=user.user_id,
        now=utc_now(),
    )


@router.delete(f"{_RESPONSES}/{{response_id}}", status_code=204, dependencies=[_EDIT])
def delete_canned_response(
    workspace_id: WorkspaceIdDep, response_id: PathId, session: SessionDep, user: SignedInDep
) -> Response:
    """Delete a canned response (replies that began as it keep naming it)."""
    do_delete_canned_response(
        session=session,
        workspace_id=workspace_id,
        response_id=response_id,
        user_id=user.user_id,
        now=utc_now(),
    )
    return Response(status_code=204)


@router.get(
    "/workspaces/{workspace}/conversations/{conversation_id}/canned-responses/{response_id}",
    response_model=RenderedOut,
)
def render_canned_response(
    *,
    workspace_id: WorkspaceIdDep,
    conversation_id: PathId,
    response_id: PathId,
    session: SessionDep,
    user: SignedInDep,
    agent_id: Annotated[QueryId | None, Query(description="The replying agent.")] = None,
) -> RenderedOut:
    """The canned response filled in for the conversation and the replying agent (by
    default the signed-in user's); variables with no value here are listed as missing."""
    return get_rendered_response(
        session=session,
        workspace_id=workspace_id,
        response_id=response_id,
        conversation_id=conversation_id,
        agent_id=agent_id,
        own_agent_ids=user.agent_ids,
        may_act_for_others=user.may(Permission.REASSIGN),
    )


@router.get(
    "/workspaces/{workspace}/conversations/{conversation_id}/suggested-responses",
    response_model=SuggestionList,
)
def suggest_canned_responses(
    workspace_id: WorkspaceIdDep,
    conversation_id: PathId,
    session: SessionDep,
    user: SignedInDep,
    limit: Annotated[int, Query(ge=1, le=20)] = 3,
) -> SuggestionList:
    """The canned responses that best answer the conversation's latest customer post,
    best first, each filled in and with the reasons it fits."""
    return get_suggested_responses(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        own_agent_ids=user.agent_ids,
        may_act_for_others=user.may(Permission.REASSIGN),
        limit=limit,
    )
