"""`carelane retriage`: triage the stored history again with other models, behind a
progress bar, closing with what changed."""

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from carelane.cli.terminal import (
    USAGE_ERROR,
    fail,
    one_line_errors,
    open_database,
    out,
    progress_bar,
    settings_of,
)


def _since(text: str) -> datetime:
    from carelane.ingest.retriage import parse_since

    try:
        return parse_since(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--since") from None


def retriage(
    ctx: typer.Context,
    *,
    since: Annotated[
        str,
        typer.Option(
            help="Posts created at or after this ISO date or date-time, e.g. 2015-02-20 "
            "(without a zone: UTC)"
        ),
    ],
    workspace: Annotated[
        str | None, typer.Option(help="Only this workspace's posts (a slug) [default: all]")
    ] = None,
    models: Annotated[
        Path | None,
        typer.Option(help="Folder of the models [default: the models that ship in the package]"),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, max=50_000, help="Posts triaged per transaction")
    ] = 500,
) -> None:
    """Triage stored posts again with the given models, keeping agents' corrections.

    Each triage then records the new models' version; conversations follow suit.
    """
    from carelane.ingest.retriage import RetriageSummary, count_posts_to_retriage, do_retriage
    from carelane.triage.models import ModelsMissingError, load_models, shipped_models
    from carelane.web.dependencies import utc_now

    moment = _since(since)
    settings = settings_of(ctx)
    try:
        loaded = load_models(models) if models else shipped_models()
    except ModelsMissingError as error:
        fail(str(error), USAGE_ERROR)
    console = out()
    with one_line_errors(settings):
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                total = count_posts_to_retriage(session=session, since=moment, workspace=workspace)
            scope = f"workspace {workspace}" if workspace else "all workspaces"
            console.print(
                f"Retriaging {total:,} posts of {scope} created since "
                f"{moment:%Y-%m-%d %H:%M} UTC with models {loaded.version}"
            )
            started = time.perf_counter()
            progress = progress_bar(console)
            with progress:
                task = progress.add_task("Retriaging", total=total, rate=0.0)

                def advance(size: int, totals: RetriageSummary) -> None:
                    rate = totals.retriaged / max(time.perf_counter() - started, 1e-9)
                    progress.update(task, advance=size, rate=rate)

                summary = do_retriage(
                    sessions=sessions,
                    models=loaded,
                    since=moment,
                    workspace=workspace,
                    batch_size=batch_size,
                    clock=utc_now,
                    on_batch=advance,
                )
        finally:
            engine.dispose()
    seconds = time.perf_counter() - started
    console.print(f"Retriaged {summary.retriaged:,} posts in {seconds:.1f} s with {loaded.version}")
    for name, count in (
        ("triaged the first time", summary.first_time),
        ("intent changed", summary.changed_intent),
        ("sentiment changed", summary.changed_sentiment),
        ("lane changed", summary.changed_lane),
        ("conversations updated", summary.conversations),
    ):
        console.print(f"  {name:<24}{count:>9,}")
