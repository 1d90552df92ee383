"""HTTP: replies (draft, change, send, list with their states), a live check of a text
against the network's rules, internal notes with @mentions, and an agent's mentions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from carelane.accounts.roles import Permission
from carelane.replies.checks import get_reply_check
from carelane.replies.notes import do_add_note, get_mentions
from carelane.replies.reads import get_conversation_replies, get_reply
from carelane.replies.schemas import (
    MentionList,
    NoteIn,
    NoteOut,
    ReplyCheckIn,
    ReplyCheckOut,
    ReplyEdit,
    ReplyIn,
    ReplyList,
    ReplyOut,
)
from carelane.replies.service import do_create_reply, do_edit_reply, do_send_reply
from carelane.replies.states import ReplyState
from carelane.web.auth import SignedInDep, allowed_in_lanes, check_own_agent
from carelane.web.dependencies import SessionDep, WorkspaceIdDep, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.lane_access import LanesSeenDep
from carelane.web.row_ids import PathId

router = APIRouter(
    tags=["replies"],
    responses=ERROR_RESPONSES,
    dependencies=[allowed_in_lanes("work conversations")],
)
_CONVERSATION = "/workspaces/{workspace}/conversations/{conversation_id}"
_REPLY = "/workspaces/{workspace}/replies/{reply_id}"


@router.post(f"{_CONVERSATION}/replies", response_model=ReplyOut, status_code=201)
def create_reply(
    workspace_id: WorkspaceIdDep,
    conversation_id: PathId,
    body: ReplyIn,
    session: SessionDep,
    user: SignedInDep,
) -> ReplyOut:
    """A reply to the conversation, kept as a draft, or with `send` sent now (or
    submitted for approval when the agent's level or the workspace's rules ask for it).
    422 `reply_too_long` past the network's limit (with `limit` and `count`); 422
    `personal_data_in_public` for a public reply exposing personal data (with the spans
    and `private_message_allowed`); 409 for a closed conversation."""
    return do_create_reply(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        text=body.text,
        visibility=body.visibility,
        agent_id=body.agent_id,
        own_agent_ids=user.agent_ids,
        may_act_for_others=user.may(Permission.REASSIGN),
        user_id=user.user_id,
        canned_response_id=body.canned_response_id,
        send=body.send,
        now=utc_now(),
    )


@router.get(f"{_CONVERSATION}/replies", response_model=ReplyList)
def list_replies(
    workspace_id: WorkspaceIdDep,
    conversation_id: PathId,
    session: SessionDep,
    state: Annotated[list[ReplyState] | None, Query(description="Only these states.")] = None,
) -> ReplyList:
    """The conversation's replies, oldest first, each with its state (draft, awaiting
    approval, sent, failed, rejected), approval and review, and outbox entry."""
    return get_conversation_replies(
        session=session, workspace_id=workspace_id, conversation_id=conversation_id, states=state
    )


@router.post(f"{_CONVERSATION}/reply-check", response_model=ReplyCheckOut)
def check_reply_text(
    workspace_id: WorkspaceIdDep, conversation_id: PathId, body: ReplyCheckIn, session: SessionDep
) -> ReplyCheckOut:
    """How a text would fare as a reply here, without sending it: its length against the
    network's limit, personal data a public reply would expose, variables left to fill
    in, and every problem that would refuse it (for a live counter)."""
    return get_reply_check(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        text=body.text,
        visibility=body.visibility,
    )


@router.get(_REPLY, response_model=ReplyOut)
def show_reply(workspace_id: WorkspaceIdDep, reply_id: PathId, session: SessionDep) -> ReplyOut:
    """One reply and where it stands."""
    return get_reply(session=session, workspace_id=workspace_id, reply_id=reply_id)


@router.put(_REPLY, response_model=ReplyOut)
def edit_reply(
    workspace_id: WorkspaceIdDep,
    reply_id: PathId,
    body: ReplyEdit,
    session: SessionDep,
    user: SignedInDep,
) -> ReplyOut:
    """Change a draft, or a rejected or failed reply (it becomes a draft again). 409 for
    a reply awaiting approval or sent; 403 for another agent's reply."""
    return do_edit_reply(
        session=session,
        workspace_id=workspace_id,
        reply_id=reply_id,
        text=body.text,
        visibility=body.visibility,
        own_agent_ids=user.agent_ids,
        may_act_for_others=user.may(Permission.REASSIGN),
        user_id=user.user_id,
        now=utc_now(),
    )


@router.post(f"{_REPLY}/send", response_model=ReplyOut)
def send_reply(
    workspace_id: WorkspaceIdDep, reply_id: PathId, session: SessionDep, user: SignedInDep
) -> ReplyOut:
    """Send a draft (or a rejected or failed reply) now, or submit it for approval; the
    same refusals as creating one with `send`."""
    return do_send_reply(
        session=session,
        workspace_id=workspace_id,
        reply_id=reply_id,
        own_agent_ids=user.agent_ids,
        may_act_for_others=user.may(Permission.REASSIGN),
        user_id=user.user_id,
        now=utc_now(),
    )


@router.post(f"{_CONVERSATION}/notes", response_model=NoteOut, status_code=201)
def add_note(
    workspace_id: WorkspaceIdDep,
    conversation_id: PathId,
    body: NoteIn,
    session: SessionDep,
    user: SignedInDep,
) -> NoteOut:
    """An internal note on the timeline; `@handle` or `@first.last` mentions agents of the
    workspace, who are told (`agent.mentioned`). 422 naming an @mention of nobody."""
    return do_add_note(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        text=body.text,
        agent_id=body.agent_id,
        own_agent_ids=user.agent_ids,
        may_act_for_others=user.may(Permission.REASSIGN),
        user_id=user.user_id,
        now=utc_now(),
    )


@router.get(
    "/workspaces/{workspace}/agents/{agent_id}/mentions",
    response_model=MentionList,
    dependencies=[Depends(check_own_agent)],
)
def list_mentions(
    workspace_id: WorkspaceIdDep,
    agent_id: PathId,
    session: SessionDep,
    lanes_seen: LanesSeenDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MentionList:
    """Notes that mention the agent, newest first (in the lanes the reader sees)."""
    return get_mentions(
        session=session,
        workspace_id=workspace_id,
        agent_id=agent_id,
        limit=limit,
        lanes_seen=lanes_seen,
    )
