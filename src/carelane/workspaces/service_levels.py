"""A workspace's service levels: its service-levels file saved as written (None: the ones
shipped with carelane apply), read once per text for every batch that needs them."""

from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.domain.errors import NotFoundError
from carelane.domain.events import EventType
from carelane.sla.config_file import (
    ServiceLevelConfigError,
    load_service_levels,
    shipped_service_levels,
)
from carelane.sla.durations import format_duration
from carelane.sla.policies import ServiceLevels
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Workspace
from carelane.workspaces.config_uploads import file_problems, uploaded_text
from carelane.workspaces.schemas import ServiceLevelPolicyOut, ServiceLevelsOut

SERVICE_LEVELS_SOURCE = "service-levels.yaml"
"""What problems of a service-levels file sent to carelane name as their file."""


@lru_cache(maxsize=64)
def workspace_service_levels(service_levels_yaml: str | None) -> ServiceLevels:
    """The service levels of a saved file (checked when saved), or the shipped ones."""
    if service_levels_yaml is None:
        return shipped_service_levels()
    return load_service_levels(service_levels_yaml, source=SERVICE_LEVELS_SOURCE)


def read_service_levels_file(data: bytes) -> str:
    """A service-levels file's text once it is known good; InvalidInputError naming every
    problem as `service-levels.yaml:LINE:COL: field.path`."""
    text = uploaded_text(data, SERVICE_LEVELS_SOURCE)
    try:
        load_service_levels(text, source=SERVICE_LEVELS_SOURCE)
    except ServiceLevelConfigError as error:
        raise file_problems(error, SERVICE_LEVELS_SOURCE) from None
    return text


def do_set_service_levels(
    *, session: Session, slug: str, service_levels_file: bytes, now: datetime
) -> ServiceLevelsOut:
    """Make a service-levels file (YAML, UTF-8) workspace `slug`'s calendars and policies,
    for each conversation from its next change on, and log
    `workspace.service_levels_configured`. InvalidInputError names every problem of a bad
    file; NotFoundError for an unknown workspace."""
    text = read_service_levels_file(service_levels_file)
    with unit_of_work(session):
        workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
        if workspace is None:
            raise NotFoundError(f"no workspace {slug!r}")
        workspace.service_levels_yaml = text
        append_events(
            session,
            [EventRow(workspace.id, EventType.WORKSPACE_SERVICE_LEVELS_CONFIGURED, now)],
            now=now,
        )
    return get_service_levels(session=session, slug=slug)


def get_service_levels(*, session: Session, slug: str) -> ServiceLevelsOut:
    """Workspace `slug`'s service-levels file as saved (None: the shipped ones apply) and
    the policies in effect; NotFoundError for an unknown workspace."""
    text = session.scalar(select(Workspace.service_levels_yaml).where(Workspace.slug == slug))
    if text is None and session.scalar(select(Workspace.id).where(Workspace.slug == slug)) is None:
        raise NotFoundError(f"no workspace {slug!r}")
    levels = workspace_service_levels(text)
    return ServiceLevelsOut(
        workspace=slug,
        service_levels_yaml=text,
        shipped_default=text is None,
        calendars=[calendar.name for calendar in levels.calendars],
        policies=[
            ServiceLevelPolicyOut(
                name=policy.name,
                calendar=policy.calendar,
                networks=sorted(policy.networks),
                channel_kinds=sorted(policy.channel_kinds),
                min_priority=policy.min_priority,
                max_priority=policy.max_priority,
                first_response=format_duration(policy.first_response),
                next_response=format_duration(policy.next_response),
                resolution=(
                    format_duration(policy.resolution) if policy.resolution is not None else None
                ),
                warning_fraction=policy.warning_fraction,
            )
            for policy in levels.policies
        ],
    )
