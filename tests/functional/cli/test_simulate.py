"""`carelane simulate` on a small slice of the real airline tweets."""

import csv
import json
from pathlib import Path

import pytest

from tests.functional.cli.conftest import RunCli, words
from tests.helpers import slice_of_real_data


@pytest.fixture
def small_data(data_dir: Path, tmp_path: Path) -> Path:
    into = tmp_path / "data"
    slice_of_real_data(data_dir, into, rows=300, airline_only=True)
    return into


def test_prints_the_table_and_writes_json(run_cli: RunCli, small_data: Path) -> None:
    result = run_cli(
        "simulate",
        "airline",
        "--agents",
        "2",
        "--data-dir",
        str(small_data),
        "--output",
        "figures.json",
        "--seed",
        "3",
    )
    assert result.exit_code == 0, result.output
    text = words(result.output)
    assert "airline: 300 rows" in text
    assert "2 agents from teams_example.yaml (all on duty)" in text
    assert "handle time lognormal, mean 6m, spread 0.75; patience exponential, mean 2h" in text
    assert "Interval (UTC) Arrivals Answered Abandoned SLA Avg FRT P90 FRT Occupancy" in text
    assert "contacts/s" in text
    document = json.loads(Path("figures.json").read_text(encoding="utf-8"))
    total = document["total"]
    assert total["arrivals"] == sum(row["arrivals"] for row in document["intervals"]) > 200
    assert total["answered"] + total["abandoned"] + total["waiting"] == total["arrivals"]
    assert 0 < total["sla_attainment"] <= 1
    assert document["parameters"]["seed"] == 3
    total_line = next(line for line in result.output.splitlines() if line.startswith("Total"))
    assert f"{total['arrivals']:,}" in total_line
    run_cli(
        "simulate",
        "airline",
        "--agents",
        "2",
        "--data-dir",
        str(small_data),
        "--output",
        "again.json",
        "--seed",
        "3",
    )
    assert json.loads(Path("again.json").read_text(encoding="utf-8"))["total"] == total


def test_a_plan_and_fixed_times_in_csv(run_cli: RunCli, small_data: Path) -> None:
    Path("plan.csv").write_text("start,agents\n2015-02-17T00:00:00Z,1\n", encoding="utf-8")
    result = run_cli(
        "simulate",
        "airline",
        "--plan",
        "plan.csv",
        "--data-dir",
        str(small_data),
        "--handle-time",
        "fixed:5m",
        "--patience",
        "none",
        "--interval",
        "1d",
        "--output",
        "figures.csv",
    )
    assert result.exit_code == 0, result.output
    assert "1 agents from teams_example.yaml (plan plan.csv)" in words(result.output)
    rows = list(csv.DictReader(Path("figures.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[-1]["interval_start"] == "total"
    assert rows[-1]["abandoned"] == "0"
    assert float(rows[-1]["occupancy"]) > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["airlines"], "no data set 'airlines'"),
        (["airline", "--handle-time", "gamma:5m"], "'gamma' is not a distribution"),
        (["airline", "--handle-time", "none"], "cannot be none"),
        (["airline", "--interval", "soon"], "not a duration"),
        (["airline", "--output", "figures.txt"], "must end in .csv or .json"),
        (["airline", "--plan", "missing.yaml"], "no such file"),
    ],
)
def test_wrong_use_is_one_line_and_exit_2(
    run_cli: RunCli, small_data: Path, args: list[str], message: str
) -> None:
    result = run_cli("simulate", *args, "--data-dir", str(small_data))
    assert result.exit_code == 2
    assert message in result.output
