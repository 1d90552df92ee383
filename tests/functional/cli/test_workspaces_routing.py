"""`carelane workspaces configure --teams FILE --service-levels FILE`."""

from importlib.resources import files
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.store.models import Agent, Workspace
from tests.functional.api.test_routing_configuration import BROKEN_TEAMS
from tests.functional.cli.conftest import RunCli

TEAMS = files("carelane.routing") / "teams_example.yaml"
LEVELS = files("carelane.sla") / "service_levels_default.yaml"


def test_configure_teams_and_service_levels_from_files(
    run_cli: RunCli, session: Session, tmp_path: Path
) -> None:
    teams = tmp_path / "teams.yaml"
    teams.write_text(TEAMS.read_text(encoding="utf-8"), encoding="utf-8")
    levels = tmp_path / "levels.yaml"
    levels.write_text(LEVELS.read_text(encoding="utf-8"), encoding="utf-8")
    run_cli("workspaces", "add", "acme")

    result = run_cli(
        "workspaces", "configure", "acme", "--teams", str(teams), "--service-levels", str(levels)
    )

    assert result.exit_code == 0, result.output
    assert "Workspace acme routes to 4 teams and 8 agents:" in result.stdout
    assert "Tier 3 (tier 3): Customer Service; backs up Marketing/PR" in result.stdout
    assert "Workspace acme answers to its own service levels:" in result.stdout
    assert "X/Twitter: first response 30m, next response 30m, resolution 2d (24/7)" in (
        result.stdout
    )
    assert "triages with" not in result.stdout
    session.rollback()
    workspace = session.scalar(select(Workspace).where(Workspace.slug == "acme"))
    assert workspace is not None
    assert workspace.teams_yaml == teams.read_text(encoding="utf-8")
    assert session.scalar(select(func.count()).select_from(Agent)) == 8


def test_a_broken_teams_file_prints_each_problem_and_changes_nothing(
    run_cli: RunCli, session: Session, tmp_path: Path
) -> None:
    teams = tmp_path / "teams.yaml"
    teams.write_text(BROKEN_TEAMS, encoding="utf-8")
    run_cli("workspaces", "add", "acme")

    result = run_cli("workspaces", "configure", "acme", "--teams", str(teams))

    assert result.exit_code == 1
    assert f"{teams}:7:13: agents[0].teams[0]: 'Car' is not a team" in result.stdout
    assert f"{teams}:8:16: agents[0].capacity.twiter:" in result.stdout
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Agent)) == 0


def test_a_missing_teams_file_is_wrong_use(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("workspaces", "configure", "acme", "--teams", str(tmp_path / "none.yaml"))

    assert result.exit_code == 2
    assert "no such file" in result.stderr
