"""Who a request comes from, and the checks every API call passes: signed in (session
cookie or API token), the session's CSRF token on unsafe methods, membership of the
path's workspace, and the role's permission."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from carelane.accounts.errors import CsrfError, ForbiddenError, NotSignedInError
from carelane.accounts.passwords import Passwords
from carelane.accounts.roles import Permission
from carelane.accounts.schemas import SignedIn
from carelane.accounts.service import (
    SessionLifetime,
    get_signed_in_by_api_token,
    get_signed_in_by_session,
)
from carelane.accounts.tokens import same_secret
from carelane.config import Settings
from carelane.domain.errors import NotFoundError
from carelane.web.dependencies import get_sessions, get_settings, utc_now
from carelane.workspaces.service import get_workspace_id

SESSION_COOKIE = "carelane_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def session_lifetime(settings: Settings) -> SessionLifetime:
    return SessionLifetime(
        idle=timedelta(minutes=settings.session_idle_minutes),
        longest=timedelta(hours=settings.session_longest_hours),
    )


def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


def find_signed_in(request: Request) -> SignedIn | None:
    """Who sent the request: the user of its `Authorization: Bearer` API token, else of its
    session cookie; None when neither is there or the cookie's session has ended.
    NotSignedInError for an Authorization header that is not a valid bearer token."""
    if hasattr(request.state, "signed_in"):
        cached: SignedIn | None = request.state.signed_in
        return cached
    signed_in = None
    authorization = request.headers.get("authorization")
    with get_sessions(request)() as session:
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotSignedInError("send the API token as 'Authorization: Bearer TOKEN'")
            signed_in = get_signed_in_by_api_token(
                session=session, token=token.strip(), now=utc_now()
            )
        elif cookie := request.cookies.get(SESSION_COOKIE):
            try:
                signed_in = get_signed_in_by_session(
                    session=session,
                    token=cookie,
                    lifetime=session_lifetime(get_settings(request)),
                    now=utc_now(),
                )
            except NotSignedInError:
                signed_in = None
    request.state.signed_in = signed_in
    return signed_in


def get_signed_in(request: Request) -> SignedIn:
    """The signed-in user; NotSignedInError (401) when there is none."""
    signed_in = find_signed_in(request)
    if signed_in is None:
        raise NotSignedInError(
            "sign in first: a session cookie from /signin, or 'Authorization: Bearer TOKEN'"
        )
    return signed_in


SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]


async def check_csrf(request: Request, user: SignedInDep) -> None:
    """CsrfError (403) for an unsafe request of a session without the session's CSRF
    token, as header `X-CSRF-Token` or form field `csrf_token`. API tokens need none: a
    browser never sends them on its own."""
    if request.method not in UNSAFE_METHODS or user.csrf_token is None:
        return
    given = request.headers.get(CSRF_HEADER)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given is None and media_type in _FORM_TYPES:
        field = (await request.form()).get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if given is None or not same_secret(given, user.csrf_token):
        raise CsrfError(
            f"the request needs this session's CSRF token, as header {CSRF_HEADER} "
            f"or form field {CSRF_FIELD}"
        )


def check_workspace_member(request: Request, user: SignedInDep) -> None:
    """NotFoundError (404, the answer for a workspace that does not exist) when the path
    names a `{workspace}` the user is not a member of. A workspace that does not exist is
    left to the route, which answers 404 once the rest of the request is valid."""
    slug = request.path_params.get("workspace")
    if slug is None or user.all_workspaces:
        return
    with get_sessions(request)() as session:
        try:
            workspace_id = get_workspace_id(session=session, slug=slug)
        except NotFoundError:
            return
    if not user.sees(workspace_id):
        raise NotFoundError(f"no workspace {slug!r}")


API_GUARDS: list[Any] = [
    Depends(get_signed_in),
    Depends(check_csrf),
    Depends(check_workspace_member),
]
"""What every `/api/v1` router is included with."""


def allowed(permission: Permission, what: str) -> Any:
    """A route dependency: ForbiddenError (403) unless the user's role may `permission`;
    `what` completes "a ROLE may not …"."""

    def check(user: SignedInDep) -> None:
        if not user.may(permission):
            raise ForbiddenError(f"a {user.role.value} may not {what}")

    return Depends(check)


def allowed_in_lanes(what: str) -> Any:
    """A route dependency: ForbiddenError (403) unless the user works conversations, of
    every lane or (the Marketing/PR team) of the marketing lanes only; what lies in which
    lane is left to `web.lane_access`. `what` completes "a ROLE may not …"."""

    def check(user: SignedInDep) -> None:
        if not (
            user.may(Permission.HANDLE_CONVERSATIONS) or user.may(Permission.READ_MARKETING_LANE)
        ):
            raise ForbiddenError(f"a {user.role.value} may not {what}")

    return Depends(check)


def check_own_agent(request: Request, user: SignedInDep) -> None:
    """ForbiddenError (403) when the path's `{agent_id}` is not the user's own agent row
    and their role may not act for others."""
    agent_id = request.path_params.get("agent_id")
    if agent_id is None or user.may(Permission.REASSIGN):
        return
    if not agent_id.isdigit() or int(agent_id) not in user.agent_ids:
        raise ForbiddenError(f"a {user.role.value} may act only as their own agent")


async def signed_in_or_none(request: Request) -> SignedIn | None:
    """For pages: the signed-in user, or None."""
    try:
        return await run_in_threadpool(find_signed_in, request)
    except NotSignedInError:
        return None
