"""The supervisor's wallboard page: queues per lane and channel, conversations at risk of
breaching, agents' presence, load and occupancy, breaches as they happen; reassigning from
there goes through the assignment API."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from carelane.web.dependencies import SessionDep, utc_now
from carelane.web.page_context import PageRefusal, not_found_page, page_response, workspace_page
from carelane.web.wallboard_figures import get_wallboard

router = APIRouter(include_in_schema=False)


@router.get("/w/{workspace}/wallboard", response_class=HTMLResponse)
def wallboard_page(request: Request, workspace: str, session: SessionDep) -> HTMLResponse:
    """The wallboard, for those who may see the queues (a 404 page for others)."""
    page = workspace_page(request, session, workspace)
    if not page.supervises:
        raise PageRefusal(not_found_page(request, "The wallboard is for supervisors."))
    now = utc_now()
    board = get_wallboard(session=session, workspace_id=page.workspace.id, now=now)
    return page_response(request, "wallboard.html", page, board=board, now=now)
