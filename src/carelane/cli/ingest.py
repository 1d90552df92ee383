"""`carelane import` and `carelane replay`: posts from files and data sets into the
pipeline, behind a progress bar, closing with a summary and the rejected rows' file."""

import time
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Annotated

import typer

from carelane.cli.terminal import one_line_errors, open_database, out, progress_bar, settings_of
from carelane.config import Settings
from carelane.ingest.pipeline import Batch, batches, numbered_batches
from carelane.ingest.readers.base import RawItem
from carelane.ingest.rejects import RejectsFile
from carelane.ingest.replay import order_by_time, paced_batches, parse_speed
from carelane.ingest.results import IngestSummary
from carelane.ingest.runs import InputPlan, plan_input, run_ingest
from carelane.ingest.triage_worker import WORTH_IT_FROM, WORTH_IT_FROM_BYTES, TriageWorker

LOCAL_DIR = Path("var")
"""Where the rejected rows of named data sets go, relative to the working directory."""

BatchSize = Annotated[
    int | None,
    typer.Option(min=1, max=50_000, help="Posts stored per transaction [default: 1000]"),
]
RejectsPath = Annotated[
    Path | None,
    typer.Option(
        help="JSON Lines file for rejected rows [default: FILE.rejected.jsonl, or "
        "var/SOURCE.rejected.jsonl for data sets]"
    ),
]


@dataclass(frozen=True, slots=True)
class IngestRun:
    """What a run stored, and how long it took."""

    summary: IngestSummary
    seconds: float

    @property
    def rate(self) -> float:
        return self.summary.total / self.seconds if self.seconds > 0 else 0.0


def _plan(name_or_path: str, settings: Settings, rejects: Path | None) -> InputPlan:
    return plan_input(
        name_or_path, data_dir=settings.data_dir, local_dir=LOCAL_DIR, rejects=rejects
    )


def _ingest(
    *,
    settings: Settings,
    stream: Iterable[Batch],
    total: int | None,
    rejects: RejectsFile,
    create_workspaces: bool,
    label: str,
    triage_worker: bool,
) -> IngestRun:
    """Run the batches through the standard stages behind a progress bar; with
    `triage_worker`, triage runs in a second process while this one stores."""
    engine, sessions = open_database(settings)
    started = time.perf_counter()
    try:
        with progress_bar(out()) as progress:
            task = progress.add_task(label, total=total, rate=0.0)

            def advance(batch: Batch, summary: IngestSummary) -> None:
                rate = summary.total / max(time.perf_counter() - started, 1e-9)
                progress.update(task, advance=len(batch.items), rate=rate)

            if triage_worker:
                out().print("Triage runs in a second process, beside the one storing posts.")
            worker = TriageWorker(settings.database_url) if triage_worker else nullcontext()
            with worker as triage:
                summary = run_ingest(
                    sessions=sessions,
                    stream=stream,
                    rejects=rejects,
                    max_clock_skew=timedelta(seconds=settings.max_clock_skew_seconds),
                    create_workspaces=create_workspaces,
                    on_batch=advance,
                    triage=triage,
                )
    finally:
        engine.dispose()
    return IngestRun(summary, time.perf_counter() - started)


def _print_summary(run: IngestRun, rejects: RejectsFile, label: str) -> None:
    summary, console = run.summary, out()
    console.print(
        f"{label}: {summary.total:,} rows in {run.seconds:.1f} s ({run.rate:,.0f} posts/s)"
    )
    for name, count in (
        ("created", summary.created),
        ("duplicates", summary.duplicate),
        ("rejected", summary.rejected),
        ("conversations opened", summary.conversations_opened),
    ):
        console.print(f"  {name:<22}{count:>9,}")
    if summary.created == 0 and summary.duplicate:
        console.print(f"Nothing new: all {summary.duplicate:,} valid posts were already stored.")
    if rejects.count:
        console.print(f"Rejected rows with their reasons: {rejects.path}")
        for reason in rejects.common_reasons():
            console.print(
                f"  {reason.count:>6,} x {reason.field}: {reason.message} "
                f"(first at {reason.first_where})"
            )


def import_posts(
    ctx: typer.Context,
    *,
    file: Annotated[
        str,
        typer.Argument(
            help="CSV or JSON Lines in the normalised format, or a data set: "
            "airline, spotify, conversations"
        ),
    ],
    create_workspaces: Annotated[
        bool, typer.Option(help="Create workspaces the posts name that do not exist yet.")
    ] = False,
    rejects: RejectsPath = None,
    batch_size: BatchSize = None,
) -> None:
    """Import posts from a file or data set.

    The good rows are stored even when others are rejected (then the exit code is 1).
    """
    settings = settings_of(ctx)
    with one_line_errors(settings):
        plan = _plan(file, settings, rejects)
        size = batch_size or settings.ingest_batch_size
        with RejectsFile(plan.rejects, inputs=plan.files) as rejected:
            run = _ingest(
                settings=settings,
                stream=batches(plan.items, size),
                total=None,
                rejects=rejected,
                create_workspaces=create_workspaces,
                label=f"Importing {plan.label}",
                triage_worker=sum(f.stat().st_size for f in plan.files) >= WORTH_IT_FROM_BYTES,
            )
        _print_summary(run, rejected, f"Imported {plan.label}")
    if run.summary.rejected:
        raise typer.Exit(1)


def _describe_replay(items: list[RawItem], speed: float | None) -> str:
    times = [item.at for item in items if item.at is not None and item.at.utcoffset() is not None]
    if not times:
        return f"{len(items):,} posts"
    first, last = times[0], times[-1]
    span = f"{first.astimezone(UTC):%Y-%m-%d %H:%M} to {last.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    if speed is None:
        return f"{len(items):,} posts ({span}) as fast as possible"
    lasts = timedelta(seconds=round((last - first).total_seconds() / speed))
    return f"{len(items):,} posts ({span}) at {speed:g}x their pace: about {lasts}"


def run_replay(
    *,
    settings: Settings,
    source: str,
    speed: float | None,
    limit: int | None = None,
    create_workspaces: bool = True,
    rejects: Path | None = None,
    batch_size: int | None = None,
) -> IngestRun:
    """Replay `source` in time order at `speed` (None: as fast as possible), print the
    plan and the summary, and say what was stored."""
    plan = _plan(source, settings, rejects)
    items = order_by_time(plan.items)[:limit]
    out().print(f"Replaying {plan.label}: {_describe_replay(items, speed)}")
    size = batch_size or settings.ingest_batch_size
    with RejectsFile(plan.rejects, inputs=plan.files) as rejected:
        run = _ingest(
            settings=settings,
            stream=numbered_batches(paced_batches(items, speed=speed, batch_size=size)),
            total=len(items),
            rejects=rejected,
            create_workspaces=create_workspaces,
            label=f"Replaying {plan.label}",
            triage_worker=speed is None and len(items) >= WORTH_IT_FROM,
        )
    _print_summary(run, rejected, f"Replayed {plan.label}")
    return run


def _speed(text: str) -> float | None:
    try:
        return parse_speed(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--speed") from None


def replay(
    ctx: typer.Context,
    *,
    source: Annotated[
        str,
        typer.Argument(
            help="airline, spotify, conversations, all (the three in time order), "
            "or a normalised CSV/JSON Lines file"
        ),
    ],
    speed: Annotated[
        str, typer.Option(help="How many times faster than the original pace, or max")
    ] = "60",
    limit: Annotated[
        int | None, typer.Option(min=1, help="Replay only the first N posts in time order")
    ] = None,
    create_workspaces: Annotated[
        bool, typer.Option(help="Create the workspaces the posts name.")
    ] = True,
    rejects: RejectsPath = None,
    batch_size: BatchSize = None,
) -> None:
    """Replay posts at their original pace, compressed by --speed.

    Posts are stored as they fall due, received now; exit code 1 when some were rejected.
    """
    settings = settings_of(ctx)
    pace = _speed(speed)
    with one_line_errors(settings):
        run = run_replay(
            settings=settings,
            source=source,
            speed=pace,
            limit=limit,
            create_workspaces=create_workspaces,
            rejects=rejects,
            batch_size=batch_size,
        )
    if run.summary.rejected:
        raise typer.Exit(1)
