"""The ingestion pipeline: stages over batches, behind one interface.

A stage takes a batch and returns it with its own part done. Stages keep no state
between batches and a batch holds only plain values, so the in-process runner here and a
broker between processes can carry the same stages. Stages now: validate -> persist;
triage and routing take their places between them.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.posts import NormalisedPost
from carelane.ingest.readers.base import RawItem
from carelane.ingest.results import ItemResult, ItemStatus
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts

Clock = Callable[[], datetime]


@dataclass(slots=True)
class BatchItem:
    """One input item on its way through the stages."""

    index: int
    item: RawItem
    post: NormalisedPost | None = None
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
                posts=[PostToStore(e.index, e.post) for e in pending if e.post is not None],
                now=self.clock(),
                create_workspaces=self.create_workspaces,
            )
        for entry, result in zip(pending, results, strict=True):
            entry.result = result
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


def run_pipeline(stages: Sequence[Stage], stream: Iterable[Batch]) -> Iterator[Batch]:
    """Run each batch through every stage in this process, yielding it when done."""
    for batch in stream:
        done = batch
        for stage in stages:
            done = stage(done)
        yield done


def ingest_stages(
    sessions: sessionmaker[Session],
    *,
    clock: Clock,
    max_clock_skew: timedelta,
    create_workspaces: bool = False,
) -> list[Stage]:
    """The standard stages, in order."""
    return [
        ValidateStage(clock=clock, max_clock_skew=max_clock_skew),
        PersistStage(sessions=sessions, clock=clock, create_workspaces=create_workspaces),
    ]
