"""The ingestion pipeline: stages over batches, behind one interface.

A stage takes a batch and returns it with its own part done. Stages keep no state
between batches and a batch holds only plain values, so the in-process runner here and a
broker between processes can carry the same stages. Stages now: validate -> known posts
(stored duplicates settled early) -> triage -> persist -> route (each conversation a new
actionable customer message waits in is pushed to the best agent on duty). One stage
may run beside the runner's process (a `BackgroundStage`, such as
`triage_worker.TriageWorker`): the runner then keeps one batch there while the stages
after it finish the batch before.
"""

import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Protocol, cast

from sqlalchemy.orm import Session, sessionmaker

from carelane.assignments.arrivals import do_push_arrivals
from carelane.domain.channels import Direction, Visibility
from carelane.domain.posts import NormalisedPost
from carelane.ingest.known_posts import stored_post_ids
from carelane.ingest.readers.base import RawItem
from carelane.ingest.results import ItemResult, ItemStatus
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.triage.engine import PostToTriage, Triage, triage_posts
from carelane.triage.models import TriageModels, shipped_models
from carelane.workspaces.triage_settings import (
    TriageSettings,
    load_workspace_triage,
    workspace_triage,
)

Clock = Callable[[], datetime]


@dataclass(slots=True)
class BatchItem:
    """One input item on its way through the stages."""

    index: int
    item: RawItem
    post: NormalisedPost | None = None
    triage: Triage | None = None
    triage_detail: str | None = None  # its stored detail, when written by a worker
    result: ItemResult | None = None


@dataclass(slots=True)
class Batch:
    items: list[BatchItem] = field(default_factory=list)

    def results(self) -> list[ItemResult]:
        return [i.result for i in self.items if i.result is not None]


class Stage(Protocol):
    """One step of the pipeline."""

    def __call__(self, batch: Batch) -> Batch: ...


@dataclass(frozen=True, slots=True)
class ValidateStage:
    """Turns each raw item into a `NormalisedPost` or rejects it with every problem found."""

    clock: Clock
    max_clock_skew: timedelta

    def __call__(self, batch: Batch) -> Batch:
        now = self.clock()
        for entry in batch.items:
            if entry.result is not None:
                continue
            if entry.item.errors or entry.item.data is None:
                entry.result = ItemResult(
                    entry.index, ItemStatus.REJECTED, errors=list(entry.item.errors)
                )
                continue
            checked = validate_post(entry.item.data, now=now, max_clock_skew=self.max_clock_skew)
            if isinstance(checked, list):
                entry.result = ItemResult(entry.index, ItemStatus.REJECTED, errors=checked)
            else:
                entry.post = checked
        return batch


@dataclass(frozen=True, slots=True)
class KnownPostsStage:
    """Settles the posts stored already as duplicates, so that no later stage spends work
    on them (persist still catches one stored meanwhile by another ingester)."""

    sessions: sessionmaker[Session]

    def __call__(self, batch: Batch) -> Batch:
        pending = [e for e in batch.items if e.result is None and e.post is not None]
        keys = {
            e.index: (e.post.workspace, e.post.network.value, e.post.channel, e.post.external_id)
            for e in pending
            if e.post is not None
        }
        if not keys:
            return batch
        with self.sessions() as session:
            stored = stored_post_ids(session, keys.values())
        for entry in pending:
            post_id = stored.get(keys[entry.index])
            if post_id is not None:
                entry.result = ItemResult(entry.index, ItemStatus.DUPLICATE, post_id=post_id)
        return batch


def post_to_triage(post: NormalisedPost) -> PostToTriage:
    """What triage looks at in a normalised post."""
    return PostToTriage(
        text=post.text,
        network=post.network.value,
        channel=post.channel,
        channel_kind=post.channel_kind.value,
        author_handle=post.author.handle,
        author_followers=post.author.followers,
        author_verified=post.author.verified,
        outbound=post.direction is Direction.OUTBOUND,
        public=post.visibility is Visibility.PUBLIC,
        language=post.language,
    )


def triage_in_workspaces(
    sessions: sessionmaker[Session],
    models: TriageModels,
    posts: Sequence[PostToTriage],
    workspaces: Sequence[str],
) -> list[Triage]:
    """Each post's triage with the settings of its workspace (`workspaces[i]` is post i's),
    read now, so a change of lanes applies from the next batch on."""
    with sessions() as session:
        settings = load_workspace_triage(session, set(workspaces))
    default = workspace_triage(None, TriageSettings())
    return triage_posts(posts, [settings.get(w, default) for w in workspaces], models)


def posts_to_triage(batch: Batch) -> list[BatchItem]:
    """The items of a batch that still need their triage."""
    return [e for e in batch.items if e.result is None and e.post is not None]


@dataclass(frozen=True, slots=True)
class TriageStage:
    """Triages each valid post with its workspace's settings."""

    sessions: sessionmaker[Session]
    models: TriageModels

    def __call__(self, batch: Batch) -> Batch:
        pending = posts_to_triage(batch)
        posts = [e.post for e in pending if e.post is not None]
        if posts:
            triages = triage_in_workspaces(
                self.sessions,
                self.models,
                [post_to_triage(p) for p in posts],
                [p.workspace for p in posts],
            )
            for entry, triage in zip(pending, triages, strict=True):
                entry.triage = triage
        return batch


@dataclass(frozen=True, slots=True)
class PersistStage:
    """Stores the batch's valid posts in one transaction (dedupe, threading, events)."""

    sessions: sessionmaker[Session]
    clock: Clock
    create_workspaces: bool = False

    def __call__(self, batch: Batch) -> Batch:
        pending = [e for e in batch.items if e.result is None and e.post is not None]
        if not pending:
            return batch
        with self.sessions() as session:
            results = do_ingest_posts(
                session=session,
                posts=[
                    PostToStore(e.index, e.post, e.triage, e.triage_detail)
                    for e in pending
                    if e.post is not None
                ],
                now=self.clock(),
                create_workspaces=self.create_workspaces,
            )
        for entry, result in zip(pending, results, strict=True):
            entry.result = result
        return batch


@dataclass(frozen=True, slots=True)
class RouteStage:
    """Pushes each stored conversation that a new actionable customer message of the batch
    waits in to the best agent on duty (`assignments.arrivals`); without a triage, every
    customer message counts as actionable."""

    sessions: sessionmaker[Session]
    clock: Clock

    def __call__(self, batch: Batch) -> Batch:
        arrivals = {
            entry.result.conversation_id
            for entry in batch.items
            if entry.result is not None
            and entry.result.status is ItemStatus.CREATED
            and entry.result.conversation_id is not None
            and entry.post is not None
            and entry.post.direction is Direction.INBOUND
            and (entry.triage is None or entry.triage.actionable)
        }
        if arrivals:
            with self.sessions() as session:
                do_push_arrivals(session=session, conversation_ids=arrivals, now=self.clock())
        return batch


def batches(items: Iterable[RawItem], size: int) -> Iterator[Batch]:
    """`items` cut into batches of `size`, numbered in input order."""
    iterator = iter(items)
    return numbered_batches(iter(lambda: list(islice(iterator, size)), []))


def numbered_batches(chunks: Iterable[list[RawItem]]) -> Iterator[Batch]:
    """Chunks of items (of any sizes) as batches, items numbered in order across them."""
    index = 0
    for chunk in chunks:
        yield Batch([BatchItem(index + offset, item) for offset, item in enumerate(chunk)])
        index += len(chunk)


class BackgroundStage(Stage, Protocol):
    """A stage that can work on a batch elsewhere while this process goes on: `start`
    hands the batch over and returns at once with what waits for it and gives it back."""

    def start(self, batch: Batch) -> Callable[[], Batch]: ...


def run_pipeline(stages: Sequence[Stage], stream: Iterable[Batch]) -> Iterator[Batch]:
    """Run each batch through every stage, yielding it when done, in input order.

    A `BackgroundStage` (the first one) runs beside this process: it works on batch n+1
    while the stages after it work on batch n here, so that two cores share the work.

    While it runs, the objects that were alive when it started (modules, models, settings,
    the caller's own data) are out of the cyclic garbage collector's sight (`gc.freeze`):
    a batch makes many objects, and every so many the collector would otherwise walk all
    of those again, a sixth of an ingest's time. They come back into sight at the end."""
    gc.freeze()
    try:
        yield from _run(stages, stream)
    finally:
        gc.unfreeze()


def _run(stages: Sequence[Stage], stream: Iterable[Batch]) -> Iterator[Batch]:
    split = next((i for i, stage in enumerate(stages) if hasattr(stage, "start")), None)
    if split is None:
        for batch in stream:
            yield _through(stages, batch)
        return
    background = cast(BackgroundStage, stages[split])
    before, after = stages[:split], stages[split + 1 :]
    waiting: deque[Callable[[], Batch]] = deque()
    for batch in stream:
        waiting.append(background.start(_through(before, batch)))
        if len(waiting) > 1:
            yield _through(after, waiting.popleft()())
    while waiting:
        yield _through(after, waiting.popleft()())


def _through(stages: Sequence[Stage], batch: Batch) -> Batch:
    for stage in stages:
        batch = stage(batch)
    return batch


def ingest_stages(
    sessions: sessionmaker[Session],
    *,
    clock: Clock,
    max_clock_skew: timedelta,
    create_workspaces: bool = False,
    models: TriageModels | None = None,
    triage: Stage | None = None,
) -> list[Stage]:
    """The standard stages, in order; triage uses `models` (default: the shipped ones), or
    is `triage` when given (such as a `TriageWorker`)."""
    return [
        ValidateStage(clock=clock, max_clock_skew=max_clock_skew),
        KnownPostsStage(sessions=sessions),
        triage or TriageStage(sessions=sessions, models=models or shipped_models()),
        PersistStage(sessions=sessions, clock=clock, create_workspaces=create_workspaces),
        RouteStage(sessions=sessions, clock=clock),
    ]
