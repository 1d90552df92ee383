"""The contacts a simulation replays: a real data set's posts, triaged, each actionable
inbound post one contact arriving at its `created_at`.

Posts are read and validated as `carelane import` reads them, and triaged by the shipped
models with the shipped example lanes (the lanes the example teams own), as a workspace
without its own lanes triages them. Only inbound, actionable posts need an agent. Each
such post is a contact of its own: replies in a thread are not merged into one
conversation (the data sets' thread links mostly point at the brand's replies, which
are not in them), so a customer who writes three times is three contacts, as a queue
without threading would see them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from carelane.domain.channels import ChannelKind, Direction, Network
from carelane.domain.posts import NormalisedPost
from carelane.ingest.pipeline import post_to_triage
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.sources import SOURCES, read_source
from carelane.ingest.schema import validate_post
from carelane.triage.engine import WorkspaceTriage, triage_posts
from carelane.triage.lanes import compile_lanes, shipped_lane_config
from carelane.triage.models import TriageModels, shipped_models
from carelane.triage.priority import DEFAULT_WEIGHTS

ALL_SOURCES = "all"
TRIAGE_BATCH = 1024
_NO_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
"""Replayed posts are checked as imported ones are, but not against a wall clock."""


@dataclass(frozen=True, slots=True)
class Contact:
    """One actionable inbound post waiting for an agent, as the simulation sees it."""

    id: int
    arrived_at: datetime
    network: Network
    lane: str
    priority: int
    language: str | None = None
    categories: tuple[str, ...] = ()
    channel_kind: ChannelKind | None = ChannelKind.OWNED_ACCOUNT
    workspace: str = ""


@dataclass(frozen=True, slots=True)
class Arrivals:
    """A data set's contacts in arrival order, and what became of its other rows."""

    source: str
    contacts: tuple[Contact, ...]
    rows: int
    rejected: int
    outbound: int
    not_actionable: int

    @property
    def posts(self) -> int:
        return self.rows - self.rejected


def source_names(source: str) -> tuple[str, ...]:
    """The data sets `source` names: one of `SOURCES`, or `all` of them; ValueError else."""
    if source == ALL_SOURCES:
        return tuple(SOURCES)
    if source not in SOURCES:
        raise ValueError(f"no data set {source!r}; use one of {', '.join(SOURCES)} or all")
    return (source,)


def example_workspace_triage() -> WorkspaceTriage:
    """Triage settings of a workspace that set nothing: the shipped example lanes."""
    lanes = compile_lanes(shipped_lane_config("example"))
    return WorkspaceTriage(
        lanes=lanes, weights=DEFAULT_WEIGHTS, default_lane=lanes.config.default_lane
    )


def read_arrivals(
    source: str,
    data_dir: Path,
    *,
    models: TriageModels | None = None,
    workspace: WorkspaceTriage | None = None,
) -> Arrivals:
    """The contacts of a data set (or `all`) in `data_dir`; OSError if a file is missing."""
    items = [item for name in source_names(source) for item in read_source(name, data_dir)]
    return arrivals_from_items(source, items, models=models, workspace=workspace)


def arrivals_from_items(
    source: str,
    items: Iterable[RawItem],
    *,
    models: TriageModels | None = None,
    workspace: WorkspaceTriage | None = None,
) -> Arrivals:
    """The contacts of raw items: validated, triaged, the actionable inbound ones kept."""
    rows = rejected = 0
    posts: list[NormalisedPost] = []
    for item in items:
        rows += 1
        checked = (
            validate_post(item.data, now=_NO_FUTURE, max_clock_skew=timedelta(0))
            if item.data is not None and not item.errors
            else None
        )
        if checked is None or isinstance(checked, list):
            rejected += 1
        else:
            posts.append(checked)
    inbound = [post for post in posts if post.direction is Direction.INBOUND]
    contacts = contacts_from_posts(
        inbound,
        models=models or shipped_models(),
        workspace=workspace or example_workspace_triage(),
    )
    return Arrivals(
        source=source,
        contacts=contacts,
        rows=rows,
        rejected=rejected,
        outbound=len(posts) - len(inbound),
        not_actionable=len(inbound) - len(contacts),
    )


def contacts_from_posts(
    posts: Sequence[NormalisedPost], *, models: TriageModels, workspace: WorkspaceTriage
) -> tuple[Contact, ...]:
    """The actionable ones of inbound `posts` as contacts, in arrival order (ties keep the
    posts' order), numbered from 1."""
    kept: list[tuple[NormalisedPost, int, str, str | None, tuple[str, ...]]] = []
    for start in range(0, len(posts), TRIAGE_BATCH):
        batch = posts[start : start + TRIAGE_BATCH]
        triages = triage_posts([post_to_triage(post) for post in batch], workspace, models)
        for post, triage in zip(batch, triages, strict=True):
            if triage.actionable:
                categories = tuple(match.name for match in triage.categories)
                kept.append((post, triage.priority, triage.lane, triage.language, categories))
    kept.sort(key=lambda entry: entry[0].created_at)
    return tuple(
        Contact(
            id=number,
            arrived_at=post.created_at.astimezone(UTC),
            network=post.network,
            lane=lane,
            priority=priority,
            language=language,
            categories=categories,
            channel_kind=post.channel_kind,
            workspace=post.workspace,
        )
        for number, (post, priority, lane, language, categories) in enumerate(kept, start=1)
    )
