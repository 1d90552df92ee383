"""What a request handler gets from the app: settings, sessions, the clock."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from carelane.config import Settings
from carelane.workspaces.service import get_workspace_id


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, closed when the response is done."""
    with get_sessions(request)() as session:
        yield session


def utc_now() -> datetime:
    """The real time, in UTC: what the web layer passes services as `now`."""
    return datetime.now(UTC)


Clock = Callable[[], datetime]


def get_clock(request: Request) -> Clock:
    """The app's clock: `utc_now`, unless a test gave the app another as `state.clock`."""
    clock: Clock = getattr(request.app.state, "clock", utc_now)
    return clock


SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_workspace_id_of_path(workspace: str, request: Request) -> int:
    """The id of the path's `{workspace}`, looked up in a short session of its own, so the
    write that follows starts its own transaction. NotFoundError if there is none."""
    with get_sessions(request)() as session:
        return get_workspace_id(session=session, slug=workspace)


WorkspaceIdDep = Annotated[int, Depends(get_workspace_id_of_path)]
