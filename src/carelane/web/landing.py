"""The landing page: what has been loaded in the user's workspaces, and where to go next."""

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from carelane.accounts.roles import Permission
from carelane.domain.conversations import ConversationStatus
from carelane.web.auth import find_signed_in
from carelane.web.dependencies import SessionDep
from carelane.web.lane_access import lanes_seen_by
from carelane.workspaces.overview import get_overview

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


def signin_redirect(request: Request) -> RedirectResponse:
    """To the sign-in form, and back to this page afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(
        f"/signin?next={quote(target, safe='')}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.get("/", response_class=HTMLResponse)
def landing_page(request: Request, session: SessionDep) -> Response:
    """Per workspace the user sees: channels, posts, conversations by status, authors,
    time range. To the sign-in form for someone not signed in."""
    user = find_signed_in(request)
    if user is None:
        return signin_redirect(request)
    overview = get_overview(
        session=session,
        only=None if user.all_workspaces else user.workspace_ids,
        lanes_of=lambda workspace_id: lanes_seen_by(session, user=user, workspace_id=workspace_id),
    )
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "user": user,
            "supervises": user.may(Permission.VIEW_QUEUES),
            "workspaces": overview,
            "statuses": [status.value for status in ConversationStatus],
            "total_posts": sum(w.posts for w in overview),
            "total_conversations": sum(w.conversation_total for w in overview),
        },
    )
