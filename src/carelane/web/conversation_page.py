"""The conversation page: the whole thread, the author and customer cards, the triage
correctable in place, and the actions (resolve, reopen, escalate or transfer, hand off to
phone or email), which post to the API."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from carelane.conversations.lane_scope import check_in_lanes
from carelane.domain.errors import NotFoundError
from carelane.web.conversation_view import get_conversation_view
from carelane.web.dependencies import SessionDep, utc_now
from carelane.web.page_context import PageRefusal, not_found_page, page_response, workspace_page
from carelane.web.row_ids import PathId

router = APIRouter(include_in_schema=False)


@router.get("/w/{workspace}/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(
    request: Request, workspace: str, conversation_id: PathId, session: SessionDep
) -> HTMLResponse:
    """One conversation, to work it."""
    page = workspace_page(request, session, workspace)
    try:
        check_in_lanes(
            session=session,
            workspace_id=page.workspace.id,
            lanes=page.lanes_seen,
            conversation_id=conversation_id,
        )
        view = get_conversation_view(
            session=session,
            workspace=workspace,
            workspace_id=page.workspace.id,
            conversation_id=conversation_id,
            lanes_seen=page.lanes_seen,
        )
    except NotFoundError:
        raise PageRefusal(
            not_found_page(request, f"No conversation {conversation_id} in {page.workspace.name}.")
        ) from None
    return page_response(request, "conversation.html", page, view=view, now=utc_now())
