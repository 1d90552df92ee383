"""The supervisor's review page: replies waiting for approval (approve as written or
edited, or reject with a comment) and sent replies waiting for a quality review (score them
on the criteria of the agent's team). Decisions go through the approvals and quality API."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from carelane.accounts.roles import Permission
from carelane.qa.approvals import get_approval_queue
from carelane.qa.reviews import criteria_of_agent, get_review_queue
from carelane.qa.settings_store import get_quality_settings
from carelane.web.dependencies import SessionDep, utc_now
from carelane.web.page_context import PageRefusal, not_found_page, page_response, workspace_page

router = APIRouter(include_in_schema=False)


@router.get("/w/{workspace}/review", response_class=HTMLResponse)
def review_page(request: Request, workspace: str, session: SessionDep) -> HTMLResponse:
    """The approval and review queues, for those who may approve replies."""
    page = workspace_page(request, session, workspace)
    if not page.user.may(Permission.APPROVE_REPLIES):
        raise PageRefusal(not_found_page(request, "The review queue is for supervisors."))
    workspace_id = page.workspace.id
    reviews = get_review_queue(
        session=session, workspace_id=workspace_id, user_id=page.user.user_id
    ).items
    settings = get_quality_settings(session=session, workspace_id=workspace_id)
    criteria_of = {
        agent_id: criteria_of_agent(session, settings, agent_id)
        for agent_id in {item.reply.agent_id for item in reviews}
    }
    return page_response(
        request,
        "review.html",
        page,
        approvals=get_approval_queue(session=session, workspace_id=workspace_id).items,
        reviews=[(item, criteria_of[item.reply.agent_id]) for item in reviews],
        now=utc_now(),
    )
