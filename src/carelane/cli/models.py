"""`carelane train` and `carelane eval`: the triage models, built and measured."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.engine import make_url

from carelane.cli.terminal import USAGE_ERROR, fail, first_line, out, safe_url, settings_of
from carelane.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from carelane.triage.training import Correction

ModelsFolder = Annotated[
    Path | None,
    typer.Option(help="Folder of the models [default: the models that ship in the package]"),
]


@contextmanager
def _carelane_database(settings: Settings) -> "Iterator[sessionmaker[Session] | str]":
    """Sessions of the database the global options name, or why there is none to use: no
    database there yet (a SQLite file is never created just to look) or no carelane tables
    in it. Errors of the database itself are the caller's to report."""
    from sqlalchemy import inspect

    from carelane.store.database import create_database_engine, create_session_factory

    where = safe_url(settings.database_url)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and (
        not url.database or url.database == ":memory:" or not Path(url.database).is_file()
    ):
        yield f"no database at {where}"
        return
    engine = create_database_engine(settings.database_url)
    try:
        if not inspect(engine).has_table("triage_correction"):
            yield f"no carelane tables at {where}"
        else:
            yield create_session_factory(engine)
    finally:
        engine.dispose()


def _stored_corrections(settings: Settings) -> "tuple[list[Correction], str]":
    """The agents' corrections in the database the global options name, and a line saying
    where they came from, or why there are none: no database, no carelane tables in it,
    or no connection to it."""
    from sqlalchemy.exc import SQLAlchemyError

    from carelane.posts.corrections import load_corrections

    where = safe_url(settings.database_url)
    try:
        with _carelane_database(settings) as sessions:
            if isinstance(sessions, str):
                return [], f"Training from the data only: {sessions}."
            with sessions() as session:
                corrections = load_corrections(session)
    except SQLAlchemyError as error:
        return [], f"Training from the data only: database at {where}: {first_line(error)}"
    by_task = Counter(c.task for c in corrections)
    counts = ", ".join(f"{task} {by_task[task]:,}" for task in sorted(by_task)) or "none"
    return corrections, (
        f"Agents' corrections from {where}: {len(corrections):,} ({counts}); intent and "
        "sentiment ones train the models, lane and category ones teach the lanes."
    )


def _fold_lane_corrections(settings: Settings) -> str | None:
    """Teach each workspace's lanes the posts its agents placed in a category or moved to
    a lane (`do_fold_lane_corrections`); a line saying what was learned, or why nothing
    was, or None when there is no carelane database to teach."""
    from sqlalchemy.exc import SQLAlchemyError

    from carelane.posts.corrections import do_fold_lane_corrections

    try:
        with _carelane_database(settings) as sessions:
            if isinstance(sessions, str):
                return None
            with sessions() as session:
                folded = do_fold_lane_corrections(session=session, now=datetime.now(UTC))
    except SQLAlchemyError as error:
        where = safe_url(settings.database_url)
        return f"Lanes not taught: database at {where}: {first_line(error)}"
    return (
        f"Lanes of {folded.workspaces:,} workspace(s) learn from {folded.posts:,} post(s) "
        "agents placed in a category or lane."
    )


def train(
    ctx: typer.Context,
    output: ModelsFolder = None,
    cross_validate: Annotated[
        bool,
        typer.Option(
            "--cross-validate", help="Print 5-fold cross-validated figures instead; write nothing."
        ),
    ] = False,
) -> None:
    """Build every triage model from the data folder's labelled posts and the agents'
    corrections stored in the database (the latest of each post and field); the category
    and lane ones teach each workspace's lanes."""
    from carelane.triage.models import load_models, shipped_models_folder
    from carelane.triage.training import TrainingUnavailableError, train_models

    settings = settings_of(ctx)
    if cross_validate:
        try:
            _print_cross_validation(settings.data_dir)
        except TrainingUnavailableError as error:
            fail(str(error), USAGE_ERROR)
        except FileNotFoundError as error:
            fail(f"{error.filename}: no such file (data folder {settings.data_dir})", USAGE_ERROR)
        return
    folder = output or shipped_models_folder()
    corrections, source = _stored_corrections(settings)
    out().print(source)
    try:
        manifest = train_models(settings.data_dir, folder, corrections)
    except TrainingUnavailableError as error:
        fail(str(error), USAGE_ERROR)
    except FileNotFoundError as error:
        fail(f"{error.filename}: no such file (data folder {settings.data_dir})", USAGE_ERROR)
    models = load_models(folder)
    counts = ", ".join(f"{task} {n:,}" for task, n in manifest["examples"].items())
    out().print(f"Trained {models.version} in {folder} on {counts} examples.")
    taught = _fold_lane_corrections(settings)
    if taught is not None:
        out().print(taught)


def evaluate(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A labelled CSV (airline tweets or intent labels).")],
    models: ModelsFolder = None,
) -> None:
    """Measure triage on a labelled file: a summary line per task, then per-class figures."""
    from carelane.triage.evaluation import evaluate_file
    from carelane.triage.labelled import LabelledFileError
    from carelane.triage.models import ModelsMissingError, load_models, shipped_models

    if not file.is_file():
        fail(f"no such file: {file}", USAGE_ERROR)
    try:
        loaded = load_models(models) if models else shipped_models()
        reports = evaluate_file(file, loaded)
    except (LabelledFileError, ModelsMissingError) as error:
        fail(str(error), USAGE_ERROR)
    console = out()
    for report in reports:
        console.print(report.summary())
    for report in reports:
        console.print(f"\n{report.task} ({loaded.version}):")
        for line in report.details():
            console.print(line)


def _print_cross_validation(data_dir: Path) -> None:
    from carelane.triage.metrics import score
    from carelane.triage.training import (
        cross_validate,
        read_training_posts,
        read_unlabelled_texts,
    )

    results = cross_validate(
        read_training_posts(data_dir), unlabelled=read_unlabelled_texts(data_dir)
    )
    reports = [score(task, gold, predicted) for task, (gold, predicted) in results.items()]
    console = out()
    for report in reports:
        console.print(report.summary() + " (5-fold cross-validation)")
    for report in reports:
        console.print(f"\n{report.task}:")
        for line in report.details():
            console.print(line)
