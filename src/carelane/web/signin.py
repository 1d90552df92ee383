"""Signing in and out of the web pages: a form, a session cookie, a redirect back."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from carelane.accounts.errors import CsrfError, SignInFailedError, SignInThrottledError
from carelane.accounts.passwords import Passwords
from carelane.accounts.schemas import SignedIn
from carelane.accounts.service import do_sign_in, do_sign_out
from carelane.accounts.throttling import SignInThrottle
from carelane.accounts.tokens import new_secret, same_secret
from carelane.web.auth import (
    SESSION_COOKIE,
    check_csrf,
    get_passwords,
    session_lifetime,
    signed_in_or_none,
)
from carelane.web.dependencies import ClockDep, SessionsDep, SettingsDep, utc_now

SIGNIN_COOKIE = "carelane_signin"
"""The sign-in form's own CSRF token (no session exists yet): the form must send back
what this cookie holds, so another site cannot sign a browser into an account of its own."""

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """`target` if it is a path of this site, else `/`: never a redirect elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 32 for c in target):
        return "/"
    return target


def _signin_page(
    request: Request,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    token = new_secret()
    response = templates.TemplateResponse(
        request,
        "signin.html",
        {"signin_token": token, "next": next_path, "email": email, "error": error},
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    settings = request.app.state.settings
    response.set_cookie(
        SIGNIN_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/signin",
    )
    return response


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form; straight on to `next` for someone already signed in."""
    if await signed_in_or_none(request) is not None:
        return RedirectResponse(safe_next(next), status_code=status.HTTP_303_SEE_OTHER)
    return _signin_page(request, next_path=safe_next(next))


@router.post("/signin", response_class=HTMLResponse)
async def signin(  # noqa: PLR0917 - FastAPI passes them by name
    request: Request,
    sessions: SessionsDep,
    settings: SettingsDep,
    passwords: Annotated[Passwords, Depends(get_passwords)],
    clock: ClockDep,
    email: Annotated[str, Form(max_length=2000)] = "",
    password: Annotated[str, Form(max_length=5000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Check the email and password, open a session and go on to `next`; the form again
    with a message otherwise."""
    next_path = safe_next(next)
    expected = request.cookies.get(SIGNIN_COOKIE)
    if not expected or not same_secret(csrf_token, expected):
        return _signin_page(
            request,
            next_path=next_path,
            email=email,
            error="The sign-in form had expired. Please sign in again.",
            status_code=status.HTTP_403_FORBIDDEN,
        )

    throttle: SignInThrottle = request.app.state.sign_in_throttle
    client_address = request.client.host if request.client is not None else ""

    def sign_in() -> str:
        with sessions() as session:
            opened = do_sign_in(
                session=session,
                email=email,
                password=password,
                passwords=passwords,
                lifetime=session_lifetime(settings),
                now=clock(),
                client_address=client_address,
                throttle=throttle,
            )
        return opened.token

    try:
        token = await run_in_threadpool(sign_in)
    except SignInThrottledError as throttled:
        refused = _signin_page(
            request,
            next_path=next_path,
            email=email,
            error=f"{str(throttled).capitalize()}.",
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
        )
        refused.headers["Retry-After"] = str(throttled.retry_after_seconds)
        return refused
    except SignInFailedError:
        return _signin_page(
            request,
            next_path=next_path,
            email=email,
            error="The email or the password is wrong.",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    response = RedirectResponse(next_path, status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


@router.post("/signout")
async def signout(request: Request, sessions: SessionsDep) -> Response:
    """End this browser's session (with its CSRF token) and go back to the sign-in form."""
    user: SignedIn | None = await signed_in_or_none(request)
    token = request.cookies.get(SESSION_COOKIE)
    if user is not None and token is not None:
        if user.csrf_token is None:
            raise CsrfError("sign out ends a browser session: send its cookie, not an API token")
        await check_csrf(request, user)

        def sign_out() -> None:
            with sessions() as session:
                do_sign_out(session=session, token=token, now=utc_now())

        await run_in_threadpool(sign_out)
    response = RedirectResponse("/signin", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
