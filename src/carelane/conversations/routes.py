"""HTTP: conversation queues and one conversation's timeline."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from carelane.conversations.handoff import HandOffChannel, do_hand_off
from carelane.conversations.schemas import (
    ConversationDetail,
    ConversationPage,
    HandOffIn,
    HandOffOut,
    StatusChangeIn,
    StatusChangeOut,
)
from carelane.conversations.service import (
    ConversationFilters,
    ConversationOrder,
    get_conversation,
    get_conversations,
)
from carelane.conversations.status import do_set_status
from carelane.domain.conversations import ConversationStatus
from carelane.posts.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from carelane.web.auth import allowed_in_lanes
from carelane.web.dependencies import SessionDep, WorkspaceIdDep, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.lane_access import LanesSeenDep
from carelane.web.row_ids import MAX_ROW_ID, PathId

router = APIRouter(
    tags=["conversations"],
    responses=ERROR_RESPONSES,
    dependencies=[allowed_in_lanes("work conversations")],
)


@router.get("/workspaces/{workspace}/conversations", response_model=ConversationPage)
def list_conversations(
    *,
    workspace: str,
    session: SessionDep,
    lanes_seen: LanesSeenDep,
    channel: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="Channel id.")] = None,
    status: ConversationStatus | None = None,
    since: Annotated[datetime | None, Query(description="Last message at or after.")] = None,
    until: Annotated[datetime | None, Query(description="Last message before.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in its posts.")] = None,
    author: Annotated[str | None, Query(max_length=255, description="Author handle.")] = None,
    lane: Annotated[str | None, Query(max_length=100, description="Swim lane, any case.")] = None,
    min_priority: Annotated[
        int | None, Query(ge=0, le=100, description="Priority at least this.")
    ] = None,
    sort: Annotated[
        ConversationOrder,
        Query(description="`activity`: latest message first; `priority`: most urgent first."),
    ] = ConversationOrder.ACTIVITY,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> ConversationPage:
    """The workspace's conversations, latest activity first or most urgent first,
    filtered and paged."""
    filters = ConversationFilters(
        channel_id=channel,
        status=status,
        since=since,
        until=until,
        text=q,
        author_handle=author,
        lane=lane,
        min_priority=min_priority,
        lanes_seen=lanes_seen,
    )
    return get_conversations(
        session=session,
        workspace=workspace,
        filters=filters,
        limit=limit,
        cursor=cursor,
        order=sort,
    )


@router.get(
    "/workspaces/{workspace}/conversations/{conversation_id}", response_model=ConversationDetail
)
def show_conversation(
    workspace: str, conversation_id: PathId, session: SessionDep
) -> ConversationDetail:
    """One conversation with its customer and its whole timeline, oldest entry first."""
    return get_conversation(session=session, workspace=workspace, conversation_id=conversation_id)


@router.post(
    "/workspaces/{workspace}/conversations/{conversation_id}/status",
    response_model=StatusChangeOut,
)
def set_conversation_status(
    workspace_id: WorkspaceIdDep, conversation_id: PathId, body: StatusChangeIn, session: SessionDep
) -> StatusChangeOut:
    """Resolve, close, reopen or put on hold (pending) a conversation. Resolving or closing
    frees the agent's slot; reopening offers it to the best agent on duty, its previous
    agent first. 409 for a closed (archived) conversation."""
    return do_set_status(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        status=body.status,
        by_agent_id=body.agent_id,
        note=body.note,
        now=utc_now(),
    )


@router.post(
    "/workspaces/{workspace}/conversations/{conversation_id}/hand-off",
    response_model=HandOffOut,
    status_code=201,
)
def hand_off_conversation(
    workspace_id: WorkspaceIdDep, conversation_id: PathId, body: HandOffIn, session: SessionDep
) -> HandOffOut:
    """Take the conversation offline to phone or email: a context summary for whoever
    takes it goes on its timeline, and it carries a reminder to close the loop on the
    original channel until a reply goes out there. 409 for a closed (archived) one."""
    return do_hand_off(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        channel=HandOffChannel(body.channel),
        destination=body.destination,
        by_agent_id=body.agent_id,
        note=body.note,
        now=utc_now(),
    )
