"""One run of the pipeline over a file or data set, as `carelane import` and `carelane
replay` do it: find the input, run its batches through the standard stages, count the
outcomes and write rejected rows with their reasons."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.errors import DomainError
from carelane.ingest.pipeline import Batch, Stage, ingest_stages, run_pipeline
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.normalised import read_normalised
from carelane.ingest.readers.sources import SOURCES
from carelane.ingest.rejects import RejectsFile
from carelane.ingest.results import IngestSummary, ItemStatus

ALL_SOURCES = "all"
"""The name that stands for every data set, merged in time order when replayed."""

NORMALISED_SUFFIXES = frozenset({".csv", ".jsonl", ".ndjson", ".json"})


class UnreadableInputError(DomainError):
    """The input named does not exist or is of a format carelane cannot read."""

    code = "unreadable_input"


@dataclass(frozen=True, slots=True)
class InputPlan:
    """What to read (lazily), the files it comes from, where its rejected rows go."""

    label: str
    files: list[Path]
    items: Iterable[RawItem]
    rejects: Path


def plan_input(
    name_or_path: str, *, data_dir: Path, local_dir: Path, rejects: Path | None = None
) -> InputPlan:
    """The items of a named data set in `data_dir`, of all of them (`all`), or of a file
    in the normalised format (CSV or JSON Lines). Rejected rows go to `rejects`, by default
    beside the file (`FILE.rejected.jsonl`) or, for data sets, to
    `local_dir/NAME.rejected.jsonl`. UnreadableInputError when the input is not there."""
    names = list(SOURCES) if name_or_path == ALL_SOURCES else [name_or_path]
    if all(name in SOURCES for name in names):
        files = [data_dir / SOURCES[name].file_name for name in names]
        for file in files:
            if not file.is_file():
                raise UnreadableInputError(f"data set file {file} not found; check --data-dir")
        items = chain.from_iterable(
            SOURCES[name].read(file) for name, file in zip(names, files, strict=True)
        )
        default_rejects = local_dir / f"{name_or_path}.rejected.jsonl"
        return InputPlan(name_or_path, files, items, rejects or default_rejects)
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join([*SOURCES, ALL_SOURCES])
        raise UnreadableInputError(f"no such file: {path} (data sets: {known})")
    if path.suffix.lower() not in NORMALISED_SUFFIXES:
        raise UnreadableInputError(f"{path}: unknown format; name it .csv or .jsonl")
    rejects = rejects or path.with_name(f"{path.name}.rejected.jsonl")
    if rejects.resolve() == path.resolve():
        raise UnreadableInputError("the rejects file must not be the input file")
    return InputPlan(path.name, [path], read_normalised(path), rejects)


def run_ingest(
    *,
    sessions: sessionmaker[Session],
    stream: Iterable[Batch],
    rejects: RejectsFile,
    max_clock_skew: timedelta,
    create_workspaces: bool,
    on_batch: Callable[[Batch, IngestSummary], None] | None = None,
    triage: Stage | None = None,
) -> IngestSummary:
    """Run every batch through the standard stages, each batch in its own transaction, and
    count what became of each item; rejected rows go to `rejects`. A post's received time
    is the real time its batch is stored. `on_batch` sees each finished batch with the
    counts so far. `triage` replaces the standard triage stage (a `TriageWorker`)."""
    stages = ingest_stages(
        sessions,
        clock=lambda: datetime.now(UTC),
        max_clock_skew=max_clock_skew,
        create_workspaces=create_workspaces,
        triage=triage,
    )
    summary = IngestSummary()
    for batch in run_pipeline(stages, stream):
        for entry in batch.items:
            result = entry.result
            if result is not None and result.status is ItemStatus.REJECTED:
                rejects.write(entry.item, result.errors)
        summary.add(batch.results())
        if on_batch is not None:
            on_batch(batch, summary)
    return summary
