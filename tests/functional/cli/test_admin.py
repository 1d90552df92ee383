"""`carelane migrate`, `workspaces`, `demo` and `serve`, and how commands report errors."""

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from carelane.cli import app
from carelane.config import Settings
from carelane.store.models import Conversation, Event, Post, PostTriage, Workspace
from tests.functional.cli.conftest import RunCli, words
from tests.helpers import slice_of_real_data


def test_migrate_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'carelane.db'}"
    runner = CliRunner()

    before = runner.invoke(app, ["--database-url", url, "workspaces", "list"])
    first = runner.invoke(app, ["--database-url", url, "migrate"])
    again = runner.invoke(app, ["--database-url", url, "migrate"])
    after = runner.invoke(app, ["--database-url", url, "workspaces", "list"])

    assert before.exit_code == 2
    assert "has no carelane tables; run `carelane migrate` first" in before.stderr
    assert (first.exit_code, again.exit_code, after.exit_code) == (0, 0, 0)
    assert "is at the latest schema" in again.stdout
    assert "No workspaces yet." in after.stdout


def test_migrate_on_a_migrated_database(run_cli: RunCli) -> None:
    result = run_cli("migrate")
    assert result.exit_code == 0
    assert "is at the latest schema" in result.stdout


def test_workspaces_add_and_list(run_cli: RunCli, session: Session) -> None:
    added = run_cli("workspaces", "add", "united", "--name", "United Airlines")
    also = run_cli("workspaces", "add", "delta")
    taken = run_cli("workspaces", "add", "united", "--name", "Again")
    invalid = run_cli("workspaces", "add", "Not A Slug")
    listed = run_cli("workspaces", "list")

    assert added.exit_code == also.exit_code == listed.exit_code == 0
    assert "Created workspace united (United Airlines)." in added.stdout
    assert taken.exit_code == 1
    assert taken.stderr.strip() == "error: workspace 'united' already exists"
    assert invalid.exit_code == 2
    assert invalid.stderr.startswith("error: slug must be")
    rows = [words(line) for line in listed.stdout.splitlines()[1:]]
    assert [row.split()[:3] for row in rows] == [
        ["delta", "delta", rows[0].split()[2]],
        ["united", "United", "Airlines"],
    ]
    assert set(session.scalars(select(Workspace.slug))) == {"united", "delta"}
    created = session.scalar(
        select(func.count()).select_from(Event).where(Event.type == "workspace.created")
    )
    assert created == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "missing.jsonl"), "error: no such file: missing.jsonl"),
        (("import", "."), "error: no such file: ."),
        (("replay", "nowhere.csv"), "error: no such file: nowhere.csv"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    run_cli: RunCli, args: tuple[str], message: str
) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_format_and_missing_data_sets_are_usage_errors(
    run_cli: RunCli, tmp_path: Path
) -> None:
    (tmp_path / "posts.txt").write_text("hello\n", encoding="utf-8")
    unknown = run_cli("import", "posts.txt")
    no_data = run_cli("--data-dir", str(tmp_path), "replay", "airline")

    assert unknown.exit_code == no_data.exit_code == 2
    assert "posts.txt: unknown format; name it .csv or .jsonl" in unknown.stderr
    assert "airline_tweets.csv not found; check --data-dir" in no_data.stderr


def test_an_unreachable_database_is_one_line_not_a_traceback() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens once the probe is closed
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/carelane"
    result = CliRunner().invoke(app, ["--database-url", url, "workspaces", "list"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: database at {url}:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_migrates_loads_once_and_says_where_it_serves(
    run_cli: RunCli, settings: Settings, tmp_path: Path, session: Session
) -> None:
    small = tmp_path / "data"
    slice_of_real_data(settings.data_dir, small, rows=25)

    first = run_cli("--data-dir", str(small), "demo", "--no-serve")
    stored = session.scalar(select(func.count()).select_from(Post))
    session.rollback()
    again = run_cli("--data-dir", str(small), "demo", "--no-serve")

    assert first.exit_code == again.exit_code == 0, first.output
    assert stored is not None
    assert stored > 50
    assert f"Loaded {stored} posts in" in first.stdout
    assert "Nothing new" not in first.stdout
    assert "Nothing new: all" in again.stdout
    assert f"Loaded {stored} posts in" in again.stdout
    assert "Serving carelane on http://127.0.0.1:8000 — API docs at /docs" in again.stdout
    assert session.scalar(select(func.count()).select_from(Post)) == stored
    assert "spotify" in again.stdout


def test_the_demo_stores_and_triages_every_real_post(run_cli: RunCli, session: Session) -> None:
    # The quickstart's first command over the whole data folder, airline lanes and all:
    # every post the readers accept is stored with its triage, and every priority a post
    # or a conversation gets is within 0..100 (a category's negative boost included).
    result = run_cli("demo", "--no-serve")

    assert result.exit_code == 0, result.output
    created = re.search(r"created +([\d,]+)", result.stdout)
    assert created is not None, result.stdout
    stored = session.scalar(select(func.count()).select_from(Post))
    assert stored == int(created[1].replace(",", "")) > 25_000
    triaged, lowest, highest = session.execute(
        select(func.count(), func.min(PostTriage.priority), func.max(PostTriage.priority))
    ).one()
    assert triaged == stored
    assert 0 <= lowest < highest <= 100
    conversations = session.execute(
        select(func.min(Conversation.priority), func.max(Conversation.priority))
    ).one()
    assert 0 <= conversations[0] < conversations[1] <= 100


def test_serve_answers_http(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = Path(sys.executable).with_name("carelane")
    with subprocess.Popen(
        [str(command), "--database-url", settings.database_url, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as server:
        try:
            response = None
            for _ in range(200):
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=2)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.stderr.read() if server.stderr else ""
                    time.sleep(0.1)
            assert response is not None
            assert response.status_code == 200
            assert "swagger" in response.text.lower()
        finally:
            server.terminate()
            server.wait(timeout=30)
