"""`carelane train --cross-validate` (make crossval) prints each task's 5-fold figures and
writes no model."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from carelane.cli import app
from tests.training_subset import write_training_subset


def test_cross_validation_prints_every_task_and_writes_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subset = write_training_subset(data_dir, tmp_path / "data", rows=80)
    monkeypatch.chdir(tmp_path)
    models = tmp_path / "models"
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(subset), "train", "--cross-validate", "--output", str(models)],
    )
    assert result.exit_code == 0, result.output
    summaries = [line for line in result.output.splitlines() if "5-fold" in line]
    assert [line.split()[0] for line in summaries] == ["sentiment", "reason", "intent"]
    for line in summaries:
        accuracy = float(line.split("accuracy=")[1].split()[0])
        assert 0.0 < accuracy <= 1.0
    assert "confusion (rows gold, columns predicted)" in result.output
    assert not models.exists()


def test_cross_validation_of_a_folder_without_the_data_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "nowhere"), "train", "--cross-validate"]
    )
    assert result.exit_code != 0
    assert "no such file" in result.output
    assert "Traceback" not in result.output
