"""`carelane train` and `carelane eval`: the triage models, built and measured."""

from pathlib import Path
from typing import Annotated

import typer

from carelane.cli.terminal import USAGE_ERROR, fail, out, settings_of

ModelsFolder = Annotated[
    Path | None,
    typer.Option(help="Folder of the models [default: the models that ship in the package]"),
]


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
    """Build every triage model from the data folder's labelled posts."""
    from carelane.triage.models import load_models, shipped_models_folder
    from carelane.triage.training import TrainingUnavailableError, train_models

    settings = settings_of(ctx)
    folder = output or shipped_models_folder()
    try:
        if cross_validate:
            _print_cross_validation(settings.data_dir)
            return
        manifest = train_models(settings.data_dir, folder)
    except TrainingUnavailableError as error:
        fail(str(error), USAGE_ERROR)
    except FileNotFoundError as error:
        fail(f"{error.filename}: no such file (data folder {settings.data_dir})", USAGE_ERROR)
    models = load_models(folder)
    counts = ", ".join(f"{task} {n:,}" for task, n in manifest["examples"].items())
    out().print(f"Trained {models.version} in {folder} on {counts} examples.")


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
    from carelane.triage.training import cross_validate, read_training_posts

    results = cross_validate(read_training_posts(data_dir))
    reports = [score(task, gold, predicted) for task, (gold, predicted) in results.items()]
    console = out()
    for report in reports:
        console.print(report.summary() + " (5-fold cross-validation)")
    for report in reports:
        console.print(f"\n{report.task}:")
        for line in report.details():
            console.print(line)
