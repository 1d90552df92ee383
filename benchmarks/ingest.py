"""Ingest benchmark: how fast carelane stores the real data sets, next to the raw floor.

For each backend (a fresh SQLite file and a fresh PostgreSQL database of its own):

  (a)  full ingest of every row of the data folder: validate/normalise, triage, dedupe,
       thread, persist, through the standard pipeline stages in batches of Settings' batch
       size; (a') the same with triage in a worker process beside this one (as `carelane
       import` and `replay --speed max` run long inputs; the worker's start, a second or
       two, is not timed); (a0) the same without the triage stage;
  (b1) floor: the post rows the ingest stored, re-inserted into a fresh database with one
       executemany per batch (their workspaces, channels, authors and conversations are
       put in first, untimed, so the foreign keys hold);
  (b2) floor: every row the ingest wrote (workspaces, channels, authors, conversations,
       posts, triage, messages, events), re-inserted with one executemany per table per
       batch; (b2') the same without the triage rows, the floor of (a0);
  (c)  the same full ingest again into the same database: every row a duplicate;
  (d)  peak resident memory of `carelane replay all --speed max` in a child process and
       its triage worker together, measured first, while this process is still small.

Rows are read into memory before any timing. Each rate is the best of `--repeat` runs (3),
each on fresh databases. The last line times a fixed Python loop: the machine's own speed,
which moves from day to day and moves every figure with it. Figures are printed; nothing
about time is asserted.
Run with `make bench`, or `python benchmarks/ingest.py [--backends sqlite,postgresql]`.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, Table, select

from carelane.config import Settings
from carelane.ingest.pipeline import (
    Batch,
    Stage,
    TriageStage,
    batches,
    ingest_stages,
    run_pipeline,
)
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.sources import SOURCES, read_source
from carelane.ingest.results import IngestSummary
from carelane.ingest.triage_worker import TriageWorker
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.migrate import upgrade_database
from carelane.store.models import Base
from timing import machine_speed

POSTGRES_SERVER = os.environ.get("CARELANE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
BENCH_DATABASE = "carelane_bench"
MEMORY_TARGET_MB = 500
post_t: Table = Base.metadata.tables["post"]


def now() -> datetime:
    return datetime.now(UTC)


def read_everything(data_dir: Path) -> list[RawItem]:
    """Every row of every real data set, in memory."""
    return [item for name in SOURCES for item in read_source(name, data_dir)]


@dataclass(slots=True)
class TimedStage:
    """A stage that adds the time it spends to `seconds`."""

    stage: Stage
    seconds: float = 0.0

    def __call__(self, batch: Batch) -> Batch:
        start = time.perf_counter()
        batch = self.stage(batch)
        self.seconds += time.perf_counter() - start
        return batch


@dataclass(slots=True)
class IngestRun:
    seconds: float
    summary: IngestSummary
    stage_seconds: dict[str, float] = field(default_factory=dict)


def ingest(
    engine: Engine,
    items: Iterable[RawItem],
    settings: Settings,
    *,
    triage: bool = True,
    worker: bool = False,
) -> IngestRun:
    """Run `items` through the standard pipeline (without its triage stage unless
    `triage`; with triage in a worker process beside this one if `worker`) into `engine`'s
    database."""
    url = engine.url.render_as_string(hide_password=False)
    with TriageWorker(url) if worker else nullcontext() as triage_worker:
        if triage_worker is not None:
            triage_worker.wait_ready()  # started, models loaded: not timed
        stages = [
            stage if isinstance(stage, TriageWorker) else TimedStage(stage)
            for stage in ingest_stages(
                create_session_factory(engine),
                clock=now,
                max_clock_skew=timedelta(seconds=settings.max_clock_skew_seconds),
                create_workspaces=True,
                triage=triage_worker,
            )
            if triage or not isinstance(stage, TriageStage | TriageWorker)
        ]
        summary = IngestSummary()
        start = time.perf_counter()
        for batch in run_pipeline(stages, batches(items, settings.ingest_batch_size)):
            summary.add(batch.results())
        seconds = time.perf_counter() - start
    timed = {type(s.stage).__name__: s.seconds for s in stages if isinstance(s, TimedStage)}
    return IngestRun(seconds, summary, timed)


def chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def copy_out(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every non-empty table's rows, as the store reads them back, in foreign-key order;
    columns the database computes are left out (it computes them again)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            stored = [column for column in table.columns if column.computed is None]
            rows = [dict(row) for row in connection.execute(select(*stored)).mappings()]
            if rows:
                tables[table.name] = rows
    return tables


def insert_rows(engine: Engine, table: Table, rows: Sequence[dict[str, Any]], size: int) -> float:
    """Seconds to insert `rows` with one executemany and one transaction per batch."""
    start = time.perf_counter()
    for chunk in chunks(rows, size):
        with engine.begin() as connection:
            connection.execute(table.insert(), chunk)
    return time.perf_counter() - start


class Backend:
    """Fresh, migrated databases of one kind, removed afterwards."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder
        self.created: list[str] = []

    def url(self, label: str) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.folder / f'{label}.db'}"
        server = POSTGRES_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
        return f"{server}/{BENCH_DATABASE}_{label}"

    @contextmanager
    def fresh(self, label: str) -> Iterator[Engine]:
        if self.name == "postgresql":
            database = f"{BENCH_DATABASE}_{label}"
            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{database}"')
            self.created.append(database)
        else:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / f"{label}.db{suffix}").unlink(missing_ok=True)
        engine = create_database_engine(self.url(label))
        upgrade_database(engine)
        try:
            yield engine
        finally:
            engine.dispose()

    def drop_all(self) -> None:
        if not self.created:
            return
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            for database in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@dataclass(slots=True)
class Figures:
    rows: int = 0
    created: int = 0
    duplicate: int = 0
    rejected: int = 0
    full: float = 0.0
    full_worker: float = 0.0
    untriaged: float = 0.0
    validate: float = 0.0
    triage: float = 0.0
    persist: float = 0.0
    floor_posts: float = 0.0
    floor_all: float = 0.0
    floor_untriaged: float = 0.0
    all_rows: int = 0
    again: float = 0.0
    peak_mb: float = 0.0


def measure(
    backend: Backend, items: list[RawItem], settings: Settings, repeat: int, peak_mb: float
) -> Figures:
    """Every figure for one backend; rates are the best of `repeat` runs on fresh databases."""
    figures = Figures(rows=len(items), peak_mb=peak_mb)
    size = settings.ingest_batch_size
    written: dict[str, list[dict[str, Any]]] = {}
    for _ in range(repeat):
        with backend.fresh("ingest") as engine:
            print(f"  {backend.name}: (a) full ingest ...", flush=True)
            run = ingest(engine, items, settings)
            if len(items) / run.seconds > figures.full:
                figures.full = len(items) / run.seconds
                figures.validate = run.stage_seconds.get("ValidateStage", 0.0)
                figures.triage = run.stage_seconds.get("TriageStage", 0.0)
                figures.persist = run.stage_seconds.get("PersistStage", 0.0)
            figures.created = run.summary.created
            figures.duplicate = run.summary.duplicate
            figures.rejected = run.summary.rejected
            written = copy_out(engine)
            assert len(written["post"]) == run.summary.created, "every stored post is copied"

            print(f"  {backend.name}: (c) second ingest, all duplicates ...", flush=True)
            again = ingest(engine, items, settings)
            assert again.summary.created == 0, "a second ingest stores nothing new"
            figures.again = max(figures.again, len(items) / again.seconds)
        with backend.fresh("worker") as engine:
            print(f"  {backend.name}: (a') full ingest, triage in a worker process ...", flush=True)
            run = ingest(engine, items, settings, worker=True)
            assert run.summary.created == figures.created, "the worker stores what (a) stores"
            figures.full_worker = max(figures.full_worker, len(items) / run.seconds)
        with backend.fresh("untriaged") as engine:
            print(f"  {backend.name}: (a0) full ingest without triage ...", flush=True)
            run = ingest(engine, items, settings, triage=False)
            figures.untriaged = max(figures.untriaged, len(items) / run.seconds)

    posts = written["post"]
    without_ids = [{k: v for k, v in row.items() if k != "id"} for row in posts]
    figures.all_rows = sum(len(rows) for rows in written.values())
    for _ in range(repeat):
        print(f"  {backend.name}: (b1) floor, post rows ...", flush=True)
        with backend.fresh("floor_posts") as engine:
            for name, rows in written.items():
                if name in {"workspace", "channel", "author", "conversation"}:
                    insert_rows(engine, Base.metadata.tables[name], rows, size)
            seconds = insert_rows(engine, post_t, without_ids, size)
            figures.floor_posts = max(figures.floor_posts, len(posts) / seconds)

        print(f"  {backend.name}: (b2) floor, every row written ...", flush=True)
        with backend.fresh("floor_all") as engine:
            seconds = sum(
                insert_rows(engine, Base.metadata.tables[name], rows, size)
                for name, rows in written.items()
            )
            figures.floor_all = max(figures.floor_all, len(posts) / seconds)

        print(f"  {backend.name}: (b2') floor, every row but triage ...", flush=True)
        with backend.fresh("floor_untriaged") as engine:
            seconds = sum(
                insert_rows(engine, Base.metadata.tables[name], rows, size)
                for name, rows in written.items()
                if name != "post_triage"
            )
            figures.floor_untriaged = max(figures.floor_untriaged, len(posts) / seconds)

    return figures


def peak_replay_mb(database_url: str, data_dir: Path, folder: Path) -> float:
    """Peak resident memory (MB) of `carelane replay all --speed max` in a child process,
    with its triage worker: the largest sum of the processes' resident sets, sampled
    every 20 ms."""
    command = [
        str(Path(sys.executable).with_name("carelane")),
        "--database-url",
        database_url,
        "--data-dir",
        str(data_dir),
        "replay",
        "all",
        "--speed",
        "max",
        "--rejects",
        str(folder / "replay.rejected.jsonl"),
    ]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak_kb = 0
    while child.poll() is None:
        peak_kb = max(peak_kb, _tree_rss_kb(child.pid))
        time.sleep(0.02)
    # Exit code 1 only says some rows were rejected, as the data sets' bad rows are.
    if child.returncode not in {0, 1}:
        raise subprocess.CalledProcessError(child.returncode, command)
    return peak_kb / 1024


def _tree_rss_kb(pid: int) -> int:
    """The resident set (kB) of a process and all its descendants, now (0 once gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    rss = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
    )
    return rss + sum(_tree_rss_kb(int(child)) for child in children)


def report(figures: dict[str, Figures], settings: Settings, data_dir: Path, repeat: int) -> None:
    first = next(iter(figures.values()))
    print()
    print(
        f"carelane ingest benchmark: {first.rows:,} rows of {data_dir} "
        f"({first.created:,} stored, {first.duplicate:,} duplicates, "
        f"{first.rejected:,} rejected), batches of {settings.ingest_batch_size:,}, "
        f"best of {repeat} runs"
    )
    names = list(figures)
    rows: list[tuple[str, Callable[[Figures], str]]] = [
        ("(a)  full ingest with triage, posts/s", lambda f: f"{f.full:,.0f}"),
        (
            "     validate s / triage s / persist s",
            lambda f: f"{f.validate:.2f} / {f.triage:.2f} / {f.persist:.2f}",
        ),
        ("(a') full ingest, triage in a worker process", lambda f: f"{f.full_worker:,.0f}"),
        ("(a0) full ingest without triage, posts/s", lambda f: f"{f.untriaged:,.0f}"),
        ("(b1) floor: post rows only, posts/s", lambda f: f"{f.floor_posts:,.0f}"),
        ("(b2) floor: every row written, posts/s", lambda f: f"{f.floor_all:,.0f}"),
        ("     rows written per post (b2)", lambda f: f"{f.all_rows / f.created:.2f}"),
        ("     full / floor b1", lambda f: f"{f.full / f.floor_posts:.2f}"),
        ("     full / floor b2", lambda f: f"{f.full / f.floor_all:.2f}"),
        ("(b2') floor: every row but triage, posts/s", lambda f: f"{f.floor_untriaged:,.0f}"),
        (
            "     without triage (a0) / floor b2'",
            lambda f: f"{f.untriaged / f.floor_untriaged:.2f}",
        ),
        ("(c)  second ingest (all duplicates), posts/s", lambda f: f"{f.again:,.0f}"),
        ("(d)  replay all: peak resident memory, MB", lambda f: f"{f.peak_mb:,.0f}"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"{'':<{width}}  " + "  ".join(f"{n:>12}" for n in names))
    for label, value in rows:
        print(f"{label:<{width}}  " + "  ".join(f"{value(figures[n]):>12}" for n in names))
    print(
        "targets: >= 5,000 posts/s on SQLite; full >= 0.5 x floor; "
        f"replay < {MEMORY_TARGET_MB} MB resident"
    )
    print(machine_speed())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; best is shown")
    args = parser.parse_args()
    settings = Settings()
    data_dir: Path = args.data_dir or settings.data_dir
    figures: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="carelane-bench-") as folder:
        backends = [Backend(name, Path(folder)) for name in args.backends.split(",")]
        try:
            # Memory first, while no other work of this process competes with the replay.
            peaks = {}
            for backend in backends:
                print(f"  {backend.name}: (d) replay all, in a child process ...", flush=True)
                with backend.fresh("replay"):
                    peaks[backend.name] = peak_replay_mb(
                        backend.url("replay"), data_dir, backend.folder
                    )
            start = time.perf_counter()
            items = read_everything(data_dir)
            seconds = time.perf_counter() - start
            print(f"read {len(items):,} rows in {seconds:.1f} s (not timed below)")
            for backend in backends:
                figures[backend.name] = measure(
                    backend, items, settings, args.repeat, peaks[backend.name]
                )
        finally:
            for backend in backends:
                backend.drop_all()
    report(figures, settings, data_dir, args.repeat)


if __name__ == "__main__":
    main()
