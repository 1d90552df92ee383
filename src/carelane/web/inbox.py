"""The agent inbox page: the signed-in agent's conversations (a supervisor's: the whole
workspace's), most urgent first, updating live, with the "next conversation" action and
filters by channel, lane, intent and status."""

from enum import StrEnum
from typing import Annotated, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from carelane.domain.conversations import ConversationStatus
from carelane.domain.errors import FieldError, InvalidInputError
from carelane.domain.triage import Intent
from carelane.replies.notes import get_mentions
from carelane.web.dependencies import SessionDep, utc_now
from carelane.web.inbox_query import InboxFilters, agent_presence, get_inbox, inbox_choices
from carelane.web.page_context import page_response, workspace_page
from carelane.web.row_ids import MAX_ROW_ID

router = APIRouter(include_in_schema=False)

E = TypeVar("E", bound=StrEnum)
_Text = Annotated[str, Query(max_length=100)]
MENTIONS_SHOWN = 5


def _choice(value: str, kind: type[E], field: str) -> E | None:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(member.value for member in kind)
        raise InvalidInputError([FieldError(field, f"use one of {names}")]) from None


def _channel(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ROW_ID:
        raise InvalidInputError([FieldError("channel", "a channel id (a number)")])
    return int(value)


@router.get("/w/{workspace}/inbox", response_class=HTMLResponse)
def inbox_page(  # noqa: PLR0917 - FastAPI passes them by name
    request: Request,
    workspace: str,
    session: SessionDep,
    channel: _Text = "",
    lane: _Text = "",
    intent: _Text = "",
    status: _Text = "",
    view: _Text = "",
) -> HTMLResponse:
    """The inbox; `view=mine` shows a supervisor (or the Marketing/PR team) only their own
    conversations."""
    page = workspace_page(request, session, workspace)
    mine = view == "mine" or not page.sees_whole_queue
    filters = InboxFilters(
        agent_ids=([page.agent_id] if page.agent_id is not None else []) if mine else None,
        channel_id=_channel(channel),
        lane=lane or None,
        intent=_choice(intent, Intent, "intent"),
        status=_choice(status, ConversationStatus, "status"),
        lanes_seen=page.lanes_seen,
    )
    now = utc_now()
    inbox = get_inbox(session=session, workspace_id=page.workspace.id, filters=filters, now=now)
    channels, lanes = inbox_choices(
        session, workspace_id=page.workspace.id, lanes_seen=page.lanes_seen
    )
    return page_response(
        request,
        "inbox.html",
        page,
        inbox=inbox,
        now=now,
        mine=mine,
        agent_state=(
            agent_presence(session, workspace_id=page.workspace.id, agent_id=page.agent_id)
            if page.agent_id is not None
            else None
        ),
        mentions=(
            get_mentions(
                session=session,
                workspace_id=page.workspace.id,
                agent_id=page.agent_id,
                limit=MENTIONS_SHOWN,
                lanes_seen=page.lanes_seen,
            ).items
            if page.agent_id is not None
            else []
        ),
        chosen={"channel": channel, "lane": lane, "intent": intent, "status": status},
        channels=channels,
        lanes=lanes,
        intents=[i.value for i in Intent],
        statuses=[s.value for s in ConversationStatus],
    )


@router.get("/w", response_class=RedirectResponse)
def switch_workspace(to: Annotated[str, Query(max_length=64)] = "") -> RedirectResponse:
    """The workspace switcher without script: on to that workspace's inbox."""
    target = f"/w/{quote(to, safe='')}/inbox" if to else "/"
    return RedirectResponse(target, status_code=303)
