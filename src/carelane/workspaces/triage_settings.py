"""A workspace's triage settings: its swim lanes, priority weights, brand handles and
whether the airline reasons are its topics; and the `WorkspaceTriage` triage runs with.

Lanes are a lanes file (YAML) stored as written, so that an admin gets back exactly what
they saved; a workspace without one uses the example lanes that ship with carelane.
A lanes file is read once per text, and compiled once per text and the posts its lanes
learned from agents (`lane_learning`), so a pipeline that reads the settings for every
batch compiles each workspace's lanes once.
"""

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.domain.errors import NotFoundError
from carelane.domain.events import EventType
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Workspace
from carelane.triage.engine import WorkspaceTriage
from carelane.triage.lane_config import LaneConfig
from carelane.triage.lane_file import load_lane_config
from carelane.triage.lane_learning import LearnedExamples, with_learned
from carelane.triage.lanes import CompiledLanes, compile_lanes, shipped_lane_config
from carelane.triage.priority import PriorityWeights


class TriageSettings(BaseModel):
    """What a workspace sets about triage besides its lanes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    brand_handles: tuple[str, ...] = Field(
        (), description="The brand's own accounts (their posts are never actionable)."
    )
    reason_topics: bool = Field(False, description="Airline reasons as topics of complaints.")
    priority: PriorityWeights = Field(default_factory=PriorityWeights)


NOTHING_LEARNED = LearnedExamples()


@lru_cache(maxsize=64)
def workspace_lane_config(lanes_yaml: str | None) -> LaneConfig:
    """The lanes of a workspace whose lanes file is `lanes_yaml` (None: the shipped
    example lanes), read once per text; as the file says, without learned posts."""
    if lanes_yaml is None:
        return shipped_lane_config("example")
    return load_lane_config(lanes_yaml, source="workspace lanes")


@lru_cache(maxsize=64)
def _compiled(lanes_yaml: str | None, learned: LearnedExamples) -> CompiledLanes:
    return compile_lanes(with_learned(workspace_lane_config(lanes_yaml), learned))


def workspace_triage(
    lanes_yaml: str | None,
    settings: TriageSettings,
    learned: LearnedExamples = NOTHING_LEARNED,
) -> WorkspaceTriage:
    """The triage settings of a workspace with these lanes and settings, its lanes also
    comparing posts with the `learned` ones (`lane_learning`)."""
    lanes = _compiled(lanes_yaml, learned)
    return WorkspaceTriage(
        brand_handles=frozenset(h.lower().lstrip("@") for h in settings.brand_handles),
        lanes=lanes,
        weights=settings.priority,
        reason_topics=settings.reason_topics,
        default_lane=lanes.config.default_lane,
    )


def load_workspace_triage(session: Session, slugs: Iterable[str]) -> dict[str, WorkspaceTriage]:
    """Each existing workspace's triage settings, by slug."""
    rows = session.execute(
        select(
            Workspace.slug,
            Workspace.lanes_yaml,
            Workspace.triage_settings,
            Workspace.learned_lane_examples,
        ).where(Workspace.slug.in_(sorted(set(slugs))))
    ).all()
    return {
        slug: workspace_triage(
            lanes,
            TriageSettings.model_validate(settings or {}),
            LearnedExamples.from_json(learned),
        )
        for slug, lanes, settings, learned in rows
    }


def do_configure_triage(
    *,
    session: Session,
    slug: str,
    now: datetime,
    lanes_yaml: str | None = None,
    settings: TriageSettings | None = None,
) -> None:
    """Set a workspace's lanes (a lanes file's text) and/or triage settings; what is not
    given stays. InvalidInputError (LaneConfigError) names every problem of a bad file."""
    if lanes_yaml is not None:
        load_lane_config(lanes_yaml, source="lanes")  # raises with every problem's line
    with unit_of_work(session):
        workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
        if workspace is None:
            raise NotFoundError(f"no workspace {slug!r}")
        changed = []
        if lanes_yaml is not None:
            workspace.lanes_yaml = lanes_yaml
            changed.append("lanes")
        if settings is not None:
            workspace.triage_settings = settings.model_dump(mode="json")
            changed.append("settings")
        append_events(
            session,
            [
                EventRow(
                    workspace.id,
                    EventType.WORKSPACE_TRIAGE_CONFIGURED,
                    now,
                    data={"changed": changed},
                )
            ],
            now=now,
        )
