"""Creating workspaces and finding them by slug (the start of every scoped read), and
setting their triage: lanes and triage settings."""

import re
from collections.abc import Collection, Sequence
from datetime import datetime
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carelane.domain.errors import ConflictError, FieldError, InvalidInputError, NotFoundError
from carelane.domain.events import EventType
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Workspace
from carelane.triage.lane_config import LaneConfig, LaneConfigError
from carelane.triage.lane_file import load_lane_config
from carelane.triage.lanes import SHIPPED_CONFIGS, shipped_lane_config
from carelane.workspaces.config_uploads import file_problems, uploaded_text
from carelane.workspaces.schemas import (
    LanesSummary,
    LaneSummary,
    TriageSettingsOut,
    WorkspaceOut,
)
from carelane.workspaces.triage_settings import TriageSettings, do_configure_triage

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LANES_SOURCE = "lanes.yaml"
"""What problems of a lanes file sent over HTTP name as their file."""


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


def get_workspaces(*, session: Session, only: Collection[int] | None = None) -> list[WorkspaceOut]:
    """Every workspace, or those of ids `only`, by slug."""
    query = select(Workspace).order_by(Workspace.slug)
    if only is not None:
        query = query.where(Workspace.id.in_(list(only)))
    return [WorkspaceOut.model_validate(w) for w in session.scalars(query)]


def get_workspace_slugs(*, session: Session, ids: Collection[int]) -> set[str]:
    """The slugs of the workspaces of `ids`."""
    return set(session.scalars(select(Workspace.slug).where(Workspace.id.in_(list(ids)))))


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


def shipped_lanes_text(name: str) -> str:
    """The text of a lanes file that ships with carelane (`example` or `airline`);
    InvalidInputError for another name."""
    if name not in SHIPPED_CONFIGS:
        raise InvalidInputError(
            [
                FieldError(
                    "lanes",
                    f"no shipped lanes named {name!r}; there are " + ", ".join(SHIPPED_CONFIGS),
                )
            ]
        )
    return (files("carelane.triage") / f"lanes_{name}.yaml").read_text(encoding="utf-8")


def _workspace_row(session: Session, slug: str) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if workspace is None:
        raise NotFoundError(f"no workspace {slug!r}")
    return workspace


def _lanes_summary(config: LaneConfig, *, shipped_example: bool) -> LanesSummary:
    return LanesSummary(
        shipped_example=shipped_example,
        default_lane=config.default_lane,
        lanes=[
            LaneSummary(name=lane.name, categories=[c.name for c in lane.categories])
            for lane in config.lanes
        ],
    )


def get_triage_configuration(*, session: Session, slug: str) -> TriageSettingsOut:
    """Workspace `slug`'s lanes file as saved (None: the shipped example lanes apply), its
    triage settings, and the lanes in effect; NotFoundError if there is no such workspace."""
    workspace = _workspace_row(session, slug)
    lanes_yaml = workspace.lanes_yaml
    settings = TriageSettings.model_validate(workspace.triage_settings or {})
    if lanes_yaml is None:
        lanes = _lanes_summary(shipped_lane_config("example"), shipped_example=True)
    else:
        lanes = _lanes_summary(
            load_lane_config(lanes_yaml, source=LANES_SOURCE), shipped_example=False
        )
    return TriageSettingsOut(workspace=slug, lanes_yaml=lanes_yaml, settings=settings, lanes=lanes)


def do_set_lanes(
    *, session: Session, slug: str, lanes_file: bytes, now: datetime
) -> TriageSettingsOut:
    """Make a lanes file (YAML, UTF-8) workspace `slug`'s lanes, from the next batch of
    posts on, and log `workspace.triage_configured`.

    InvalidInputError names every problem of a bad file, each field as
    `lanes.yaml:LINE:COL: field.path`; NotFoundError for an unknown workspace.
    """
    text = uploaded_text(lanes_file, LANES_SOURCE)
    try:
        load_lane_config(text, source=LANES_SOURCE)
    except LaneConfigError as error:
        raise file_problems(error, LANES_SOURCE) from None
    do_configure_triage(session=session, slug=slug, now=now, lanes_yaml=text)
    return get_triage_configuration(session=session, slug=slug)


def do_set_triage_settings(
    *, session: Session, slug: str, settings: TriageSettings, now: datetime
) -> TriageSettingsOut:
    """Replace workspace `slug`'s triage settings (brand handles, reason topics, priority
    weights), from the next batch of posts on; NotFoundError for an unknown workspace."""
    do_configure_triage(session=session, slug=slug, now=now, settings=settings)
    return get_triage_configuration(session=session, slug=slug)


def do_configure_workspace_triage(
    *,
    session: Session,
    slug: str,
    now: datetime,
    lanes_yaml: str | None = None,
    reason_topics: bool | None = None,
    brand_handles: Sequence[str] | None = None,
) -> TriageSettingsOut:
    """Change what is given of workspace `slug`'s triage (lanes, reason topics, brand
    handles) and keep the rest. InvalidInputError for a bad lanes file or handle."""
    current = get_triage_configuration(session=session, slug=slug).settings
    changes: dict[str, object] = {}
    if reason_topics is not None:
        changes["reason_topics"] = reason_topics
    if brand_handles is not None:
        handles = tuple(h.strip().removeprefix("@") for h in brand_handles)
        if not all(handles):
            raise InvalidInputError([FieldError("brand_handles", "must not be empty")])
        changes["brand_handles"] = handles
    settings = current.model_copy(update=changes) if changes else None
    if lanes_yaml is not None:
        try:
            load_lane_config(lanes_yaml, source=LANES_SOURCE)
        except LaneConfigError as error:
            raise file_problems(error, LANES_SOURCE) from None
    if lanes_yaml is not None or settings is not None:
        do_configure_triage(
            session=session, slug=slug, now=now, lanes_yaml=lanes_yaml, settings=settings
        )
    return get_triage_configuration(session=session, slug=slug)
