"""Simulated agents dealt from a teams file, and staffing plans."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from carelane.routing.config_file import example_team_config
from carelane.simulation.staffing import (
    StaffingPlan,
    StaffingPlanError,
    read_staffing_plan,
    simulated_agents,
)

EIGHT = datetime(2015, 2, 17, 8, tzinfo=UTC)
TWENTY = datetime(2015, 2, 17, 20, tzinfo=UTC)


def test_agents_are_dealt_round_robin_from_the_teams_file() -> None:
    config = example_team_config()
    agents = simulated_agents(config, 10)
    assert [a.name for a in agents[:2]] == ["Ana Ruiz", "Ben Okafor"]
    assert [a.name for a in agents[8:]] == ["Ana Ruiz #2", "Ben Okafor #2"]
    assert agents[8].skills == config.agents[0].skills
    assert agents[8].capacity == config.agents[0].capacity
    assert agents[8].teams == config.agents[0].teams
    assert simulated_agents(config, 0) == ()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("plan.yaml", "2015-02-17T20:00:00Z: 3\n2015-02-17T08:00:00+00:00: 6\n"),
        ("plan.csv", "start,agents\n2015-02-17T08:00:00Z,6\n2015-02-17T20:00:00Z,3\n"),
    ],
)
def test_a_plan_is_read_from_yaml_or_csv(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    plan = read_staffing_plan(path)
    assert plan.changes() == ((EIGHT, 6), (TWENTY, 3))
    assert plan.most == 6
    assert plan.on_duty(datetime(2015, 2, 17, 7, 59, tzinfo=UTC)) == 0
    assert plan.on_duty(EIGHT) == 6
    assert plan.on_duty(datetime(2015, 3, 1, tzinfo=UTC)) == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2015-02-17T08:00:00: 6\n", "has no offset"),
        ("tuesday: 6\n", "not an ISO 8601 time"),
        ("2015-02-17T08:00:00Z: many\n", "not a whole number"),
        ("- 6\n", "a mapping of interval start"),
        ("2015-02-17T08:00:00Z: -1\n", "is not 0 to"),
    ],
)
def test_a_bad_plan_is_refused_with_its_row(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StaffingPlanError, match=problem):
        read_staffing_plan(path)


def test_a_constant_plan_holds_for_ever() -> None:
    plan = StaffingPlan.constant(4)
    assert (plan.initial, plan.changes(), plan.on_duty(EIGHT)) == (4, (), 4)
