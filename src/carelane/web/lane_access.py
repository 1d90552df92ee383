"""What a request may see of a workspace's lanes: every lane for those who work every
conversation, the marketing lanes only for the Marketing/PR team.

`check_rows_in_lanes` runs before every `/api/v1` call: a path naming a conversation,
post, reply, author or customer outside the reader's lanes is a 404, as if it did not
exist. Listings take `LanesSeenDep` and show only what lies in those lanes.
"""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from carelane.accounts.roles import Permission
from carelane.accounts.schemas import SignedIn
from carelane.conversations.lane_scope import LanesSeen, check_in_lanes, get_marketing_lanes
from carelane.domain.errors import NotFoundError
from carelane.web.auth import SignedInDep
from carelane.web.dependencies import get_sessions
from carelane.web.row_ids import MAX_ROW_ID
from carelane.workspaces.service import get_workspace_id

_ROW_PARAMS = ("conversation_id", "post_id", "reply_id", "author_id", "customer_id")
"""Path parameters that name a row lying in lanes, as `check_in_lanes` takes them."""


def lanes_seen_by(session: Session, *, user: SignedIn, workspace_id: int) -> LanesSeen:
    """The lanes `user` sees of the workspace: None (every lane) for whoever works every
    conversation, else the workspace's marketing lanes (none for a role with neither)."""
    if user.may(Permission.HANDLE_CONVERSATIONS):
        return None
    if not user.may(Permission.READ_MARKETING_LANE):
        return frozenset()
    return get_marketing_lanes(session=session, workspace_id=workspace_id)


def _path_workspace_id(request: Request, session: Session) -> int | None:
    slug = request.path_params.get("workspace")
    if slug is None:
        return None
    try:
        return get_workspace_id(session=session, slug=slug)
    except NotFoundError:
        return None


def get_lanes_seen(request: Request, user: SignedInDep) -> LanesSeen:
    """The lanes the user sees of the path's `{workspace}` (None: every lane). A
    workspace that does not exist is left to the route, which answers 404."""
    if user.may(Permission.HANDLE_CONVERSATIONS):
        return None
    with get_sessions(request)() as session:
        workspace_id = _path_workspace_id(request, session)
        if workspace_id is None:
            return frozenset()
        return lanes_seen_by(session, user=user, workspace_id=workspace_id)


LanesSeenDep = Annotated[LanesSeen, Depends(get_lanes_seen)]


def _row_id(value: str) -> int | None:
    """A path's row id as a number, or None when the route will refuse it anyway."""
    if not value.isdigit() or len(value) > 20 or not 1 <= int(value) <= MAX_ROW_ID:
        return None
    return int(value)


def check_rows_in_lanes(request: Request, user: SignedInDep) -> None:
    """NotFoundError (404) when the path names a conversation, post, reply, author or
    customer of its workspace that lies outside the lanes the user sees."""
    if user.may(Permission.HANDLE_CONVERSATIONS):
        return
    named = {
        name: _row_id(request.path_params[name])
        for name in _ROW_PARAMS
        if name in request.path_params
    }
    if not any(row_id is not None for row_id in named.values()):
        return
    with get_sessions(request)() as session:
        workspace_id = _path_workspace_id(request, session)
        if workspace_id is None:
            return
        check_in_lanes(
            session=session,
            workspace_id=workspace_id,
            lanes=lanes_seen_by(session, user=user, workspace_id=workspace_id),
            **named,
        )
