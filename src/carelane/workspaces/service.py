"""Creating workspaces and finding them by slug: the start of every scoped read."""

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carelane.domain.errors import ConflictError, FieldError, InvalidInputError, NotFoundError
from carelane.domain.events import EventType
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Workspace
from carelane.workspaces.schemas import WorkspaceOut

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def do_create_workspace(*, session: Session, slug: str, name: str, now: datetime) -> WorkspaceOut:
    """Create the brand `slug` and log `workspace.created`, or raise ConflictError if the
    slug is taken (also when a concurrent request took it first)."""
    problems = []
    if not _SLUG.match(slug):
        problems.append(FieldError("slug", "must be 1-64 lower-case letters, digits, '-' or '_'"))
    if not name.strip() or len(name) > 255:
        problems.append(FieldError("name", "must be 1-255 characters"))
    if problems:
        raise InvalidInputError(problems)
    try:
        with unit_of_work(session):
            if session.scalar(select(Workspace.id).where(Workspace.slug == slug)) is not None:
                raise ConflictError(f"workspace {slug!r} already exists")
            workspace = Workspace(slug=slug, name=name, created_at=now)
            session.add(workspace)
            session.flush()
            append_events(
                session,
                [EventRow(workspace.id, EventType.WORKSPACE_CREATED, now, data={"slug": slug})],
                now=now,
            )
    except IntegrityError as error:
        raise ConflictError(f"workspace {slug!r} already exists") from error
    return WorkspaceOut.model_validate(workspace)


def get_workspaces(*, session: Session) -> list[WorkspaceOut]:
    """Every workspace, by slug."""
    return [
        WorkspaceOut.model_validate(w)
        for w in session.scalars(select(Workspace).order_by(Workspace.slug))
    ]


def get_workspace(*, session: Session, slug: str) -> WorkspaceOut:
    """The workspace `slug`; NotFoundError if there is none."""
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if workspace is None:
        raise NotFoundError(f"no workspace {slug!r}")
    return WorkspaceOut.model_validate(workspace)


def get_workspace_id(*, session: Session, slug: str) -> int:
    """The id of workspace `slug`, which every scoped read filters on; NotFoundError if none."""
    workspace_id = session.scalar(select(Workspace.id).where(Workspace.slug == slug))
    if workspace_id is None:
        raise NotFoundError(f"no workspace {slug!r}")
    return workspace_id
