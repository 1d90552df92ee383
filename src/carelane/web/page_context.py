"""What every workspace page needs: the signed-in user (or a redirect to sign in), the
workspace they may see (or a 404 page), their agent there, and the templates."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from carelane.accounts.roles import Permission
from carelane.accounts.schemas import SignedIn
from carelane.conversations.lane_scope import LanesSeen
from carelane.domain.errors import NotFoundError
from carelane.store.live_events import LIVE_TYPES
from carelane.web.auth import find_signed_in
from carelane.web.landing import signin_redirect
from carelane.web.lane_access import lanes_seen_by
from carelane.web.live_audience import workspace_agent_ids
from carelane.workspaces.schemas import WorkspaceOut
from carelane.workspaces.service import get_workspace, get_workspaces

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _clock(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "—"


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _ago(moment: datetime | None, now: datetime) -> str:
    """'3 min ago', '2 h ago', 'yesterday', '5 days ago', or the date."""
    if moment is None:
        return "—"
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    return f"{days} days ago" if days < 30 else moment.strftime("%Y-%m-%d")


templates.env.filters["clock"] = _clock
templates.env.filters["ago"] = _ago
templates.env.filters["iso"] = _iso


@dataclass(frozen=True, slots=True)
class WorkspacePage:
    """A signed-in user on one of their workspaces' pages."""

    user: SignedIn
    workspace: WorkspaceOut
    workspaces: list[WorkspaceOut]
    agent_id: int | None
    """The user's own agent in this workspace, if they have one."""
    lanes_seen: LanesSeen = None
    """The lanes the user sees here (None: every lane; the Marketing/PR team: theirs)."""

    @property
    def supervises(self) -> bool:
        return self.user.may(Permission.VIEW_QUEUES)

    @property
    def corrects_triage(self) -> bool:
        """Whether they may correct a triage (agents, supervisors and admins)."""
        return self.user.may(Permission.HANDLE_CONVERSATIONS)

    @property
    def sees_whole_queue(self) -> bool:
        """Whether the inbox may show every conversation they see, not only their own:
        supervisors' whole workspace, the Marketing/PR team's whole lanes."""
        return self.supervises or self.lanes_seen is not None

    def context(self, **more: Any) -> dict[str, Any]:
        return {
            "user": self.user,
            "workspace": self.workspace,
            "workspaces": self.workspaces,
            "agent_id": self.agent_id,
            "supervises": self.supervises,
            "sees_whole_queue": self.sees_whole_queue,
            "corrects_triage": self.corrects_triage,
            "live_kinds": " ".join(sorted(LIVE_TYPES)),
            **more,
        }


class PageRefusal(Exception):  # noqa: N818 - a response to send, not a failure
    """A page cannot be shown: send `response` instead (sign in, or not found)."""

    def __init__(self, response: Response) -> None:
        super().__init__("page refused")
        self.response = response


def not_found_page(request: Request, message: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "not_found.html",
        {"message": message},
        status_code=status.HTTP_404_NOT_FOUND,
    )


def workspace_page(request: Request, session: Session, slug: str) -> WorkspacePage:
    """The user on workspace `slug`'s page; PageRefusal with the sign-in redirect when
    nobody is signed in, with a 404 page when the workspace is not one of theirs (or
    their role may not work conversations of any lane)."""
    user = find_signed_in(request)
    if user is None:
        raise PageRefusal(signin_redirect(request))
    only = None if user.all_workspaces else user.workspace_ids
    try:
        workspace = get_workspace(session=session, slug=slug)
    except NotFoundError:
        raise PageRefusal(not_found_page(request, f"No workspace {slug!r}.")) from None
    works = user.may(Permission.HANDLE_CONVERSATIONS) or user.may(Permission.READ_MARKETING_LANE)
    if not user.sees(workspace.id) or not works:
        raise PageRefusal(not_found_page(request, f"No workspace {slug!r}."))
    agents = workspace_agent_ids(session, workspace_id=workspace.id, agent_ids=user.agent_ids)
    return WorkspacePage(
        user=user,
        workspace=workspace,
        workspaces=get_workspaces(session=session, only=only),
        agent_id=min(agents) if agents else None,
        lanes_seen=lanes_seen_by(session, user=user, workspace_id=workspace.id),
    )


def page_response(
    request: Request, template: str, page: WorkspacePage, **more: Any
) -> HTMLResponse:
    response = templates.TemplateResponse(request, template, page.context(**more))
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(_request: Request, error: Exception) -> Response:
    assert isinstance(error, PageRefusal)
    return error.response


def install_page_refusals(app: FastAPI) -> None:
    """Answer a refused page with its redirect or 404 page."""
    app.add_exception_handler(PageRefusal, _refused)
