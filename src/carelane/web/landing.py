"""The landing page: what has been loaded, per workspace, and where to go next."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from carelane.domain.conversations import ConversationStatus
from carelane.web.dependencies import SessionDep
from carelane.workspaces.overview import get_overview

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def landing_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Per workspace: channels, posts, conversations by status, authors, time range."""
    overview = get_overview(session=session)
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "workspaces": overview,
            "statuses": [status.value for status in ConversationStatus],
            "total_posts": sum(w.posts for w in overview),
            "total_conversations": sum(w.conversation_total for w in overview),
        },
    )
