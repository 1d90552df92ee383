"""`carelane retriage` and `carelane train` over a replayed history: new models' version on
every row behind a progress bar, agents' corrections kept and learnt from."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from carelane.cli import app
from carelane.config import Settings
from carelane.posts.corrections import do_correct_triage
from carelane.store.models import Post, PostTriage, Workspace
from carelane.triage.models import load_models
from carelane.triage.training import train_models
from carelane.workspaces.service import get_workspace_id
from tests.functional.cli.conftest import RunCli, words
from tests.training_subset import write_training_subset

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def subset(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_training_subset(data_dir, tmp_path_factory.mktemp("data"), rows=200)


@pytest.fixture(scope="module")
def new_models(subset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Models of another version than the shipped ones: trained on a slice of the data."""
    folder = tmp_path_factory.mktemp("models")
    train_models(subset, folder)
    return folder


def _replay(run_cli: RunCli) -> None:
    result = run_cli("replay", "airline", "--speed", "max", "--limit", "40")
    assert result.exit_code == 0, result.output


def _correct_first_post(session: Session, field: str, value: str) -> Post:
    post = session.scalars(select(Post).order_by(Post.id)).first()
    assert post is not None
    do_correct_triage(
        session=session,
        workspace_id=post.workspace_id,
        post_id=post.id,
        field=field,
        new_value=value,
        now=NOW,
    )
    return post


def test_retriage_stamps_the_new_version_behind_a_progress_bar(
    run_cli: RunCli, session: Session, new_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _replay(run_cli)
    corrected = _correct_first_post(session, "sentiment", "neutral")
    since = datetime(2015, 2, 17, 12, tzinfo=UTC)
    expected = session.scalar(
        select(func.count()).select_from(Post).where(Post.created_at >= since)
    )
    assert expected
    session.commit()
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # the bar shows only on a terminal

    result = run_cli(
        "retriage", "--since", "2015-02-17T04:00-08:00", "--models", str(new_models),
        "--batch-size", "7",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    version = load_models(new_models).version
    output = words(result.stdout)
    assert (
        f"Retriaging {expected} posts of all workspaces created since 2015-02-17 12:00 UTC "
        f"with models {version}"
    ) in output
    assert f"{expected}/{expected}" in output  # the progress bar, done
    assert "posts/s" in output
    assert f"Retriaged {expected} posts in" in output
    assert "intent changed" in output
    assert "sentiment changed" in output
    versions = dict(
        session.execute(
            select(PostTriage.model_version, func.count()).group_by(PostTriage.model_version)
        ).all()
    )
    assert versions[version] == expected
    assert sum(versions.values()) == 40
    row = session.get(PostTriage, corrected.id)
    assert row is not None
    assert row.sentiment == "neutral"  # corrected before, kept (whatever its version)


def test_retriage_of_one_workspace_without_a_terminal_prints_the_summary(
    run_cli: RunCli, session: Session, new_models: Path
) -> None:
    _replay(run_cli)
    jetblue = get_workspace_id(session=session, slug="jetblue")
    count = session.scalar(
        select(func.count()).select_from(Post).where(Post.workspace_id == jetblue)
    )
    session.commit()

    result = run_cli(
        "retriage", "--since", "2015-02-17", "--workspace", "jetblue", "--models", str(new_models)
    )

    assert result.exit_code == 0, result.output
    assert f"Retriaged {count} posts" in words(result.stdout)
    version = load_models(new_models).version
    stamped = session.scalars(
        select(PostTriage.workspace_id).where(PostTriage.model_version == version)
    ).all()
    assert set(stamped) == {jetblue}
    assert len(stamped) == count


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--since", "last tuesday"], 2, "'last tuesday' is not an ISO date or date-time"),
        (["--since", "2015-02-20", "--workspace", "nowhere"], 1, "no workspace 'nowhere'"),
        (["--since", "2015-02-20", "--models", "missing"], 2, "no trained models in missing"),
    ],
)
def test_retriage_refuses_bad_input_in_one_line(
    run_cli: RunCli, args: list[str], code: int, message: str
) -> None:
    result = run_cli("retriage", *args)
    assert result.exit_code == code, result.output
    assert message in words(result.output)


def test_train_folds_in_the_corrections_stored_in_the_database(
    run_cli: RunCli, session: Session, settings: Settings, subset: Path, tmp_path: Path
) -> None:
    _replay(run_cli)
    _correct_first_post(session, "intent", "compliment")
    first = _correct_first_post(session, "category", "Crisis Communications")
    _correct_first_post(session, "intent", "question")  # the latest of a field wins
    session.commit()

    result = CliRunner().invoke(
        app,
        [
            "--database-url",
            settings.database_url,
            "--data-dir",
            str(subset),
            "train",
            "--output",
            str(tmp_path / "models"),
        ],
    )

    assert result.exit_code == 0, result.output
    output = words(result.stdout)
    assert "Agents' corrections from" in output
    assert ": 2 (category 1, intent 1);" in output
    manifest = json.loads((tmp_path / "models" / "manifest.json").read_text())
    assert manifest["corrections"] == 2
    # The category correction teaches the workspace's lanes.
    assert "Lanes of 1 workspace(s) learn from 1 post(s) agents placed" in output
    workspace = session.get(Workspace, first.workspace_id)
    assert workspace is not None
    session.refresh(workspace)
    assert workspace.learned_lane_examples == {
        "categories": {"Crisis Communications": [first.text]},
        "lanes": {},
    }


def test_train_without_a_database_says_it_trains_from_the_data_only(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = CliRunner().invoke(
        app,
        [
            "--database-url",
            f"sqlite:///{missing}",
            "--data-dir",
            str(tmp_path / "no-data"),
            "train",
            "--output",
            str(tmp_path / "models"),
        ],
    )
    assert "Training from the data only: no database at" in words(result.stdout)
    assert result.exit_code == 2  # and then no data: nothing trained
    assert not missing.exists()
