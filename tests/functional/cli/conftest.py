"""Running the `carelane` command in-process against the test's database."""

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from carelane.cli import app
from carelane.config import Settings

RunCli = Callable[..., Result]


@pytest.fixture
def run_cli(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """`carelane --database-url ... --data-dir ... ARGS` in the test's own working folder;
    fails the test on a traceback, which the command must never show."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str) -> Result:
        result = runner.invoke(
            app,
            [
                "--database-url",
                settings.database_url,
                "--data-dir",
                str(settings.data_dir),
                *args,
            ],
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert "Traceback" not in result.output
        return result

    return run


def words(text: str) -> str:
    """`text` with every run of white space made one space, for matching summaries."""
    return " ".join(text.split())
