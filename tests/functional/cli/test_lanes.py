"""`carelane lanes check` and `carelane lanes show`, run as a user runs them (no database)."""

from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from carelane.cli import app

BROKEN = """\
version: 1
default_lane: Customer Service
lanes:
  - name: Customer Service
    categories:
      - name: Lost Luggage
        match:
          keyword: [lost bag]
          intents: [complain]
          query: lost AND
"""


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def shipped(tmp_path: Path) -> dict[str, Path]:
    """The shipped lane files, copied where an admin would keep theirs."""
    paths = {}
    for name in ("example", "airline"):
        path = tmp_path / f"lanes_{name}.yaml"
        path.write_text((files("carelane.triage") / path.name).read_text(encoding="utf-8"))
        paths[name] = path
    return paths


def test_check_a_valid_file(shipped: dict[str, Path]) -> None:
    example = run("lanes", "check", str(shipped["example"]))
    airline = run("lanes", "check", str(shipped["airline"]))

    assert example.exit_code == 0
    assert (
        example.stdout == f"{shipped['example']}: OK — 2 lanes, 12 categories (6 with examples)\n"
    )
    assert airline.exit_code == 0
    assert (
        airline.stdout == f"{shipped['airline']}: OK — 2 lanes, 17 categories (15 with examples)\n"
    )


def test_check_lists_every_problem_with_line_column_and_field(tmp_path: Path) -> None:
    path = tmp_path / "lanes.yaml"
    path.write_text(BROKEN)

    result = run("lanes", "check", str(path))

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:8:11: lanes[0].categories[0].match.keyword: unknown field; "
        "did you mean 'keywords'?",
        f"{path}:9:21: lanes[0].categories[0].match.intents[0]: 'complain' is not one of "
        "complaint, question, compliment, suggestion, sales_lead, other",
        f"{path}:10:26: lanes[0].categories[0].match.query: ends after AND; expected a word, "
        "phrase or '(' (at character 9)",
    ]


def test_check_a_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "lanes.yaml"
    path.write_text("version: 1\nlanes: [\n")
    result = run("lanes", "check", str(path))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{path}:3:1: yaml: expected the node content, but found '<stream end>' "
        "(while parsing a flow node)\n"
    )


@pytest.mark.parametrize("name", ["missing.yaml", "."])
def test_check_a_missing_file_is_one_line_and_exit_2(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    result = run("lanes", "check", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: no such file: {path}\n"


def test_show_gives_the_lane_categories_and_why(shipped: dict[str, Path]) -> None:
    result = run(
        "lanes",
        "show",
        str(shipped["airline"]),
        "--text",
        "@united my bag is lost and the flight was delayed 3 hours",
        "--intent",
        "complaint",
        "--sentiment",
        "negative",
        "--author",
        "ana",
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Lane: Customer Service",
        "Categories:",
        "  1. Lost Luggage (Customer Service), score 1.00: query (bag AND lost)",
        '  2. Late Flight (Customer Service), score 1.00: keyword "delay*"',
        "Why: Customer Service because it matches Lost Luggage (query (bag AND lost)); "
        "it also matches Late Flight.",
    ]


def test_show_uses_the_facts_given(shipped: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "lanes.yaml"
    path.write_text(
        "version: 1\ndefault_lane: Care\nlanes:\n  - name: Care\n  - name: Press\n"
        "    categories:\n      - name: Influencers\n        match:\n"
        "          min_followers: 10000\n          networks: [twitter]\n"
    )
    big = run(
        "lanes", "show", str(path), "--text", "hi", "--followers", "20000", "--network", "twitter"
    )
    small = run("lanes", "show", str(path), "--text", "hi", "--followers", "20")
    assert big.stdout.splitlines()[0] == "Lane: Press"
    assert "network is twitter; 20,000 followers (at least 10,000)" in big.stdout
    assert small.stdout.splitlines() == [
        "Lane: Care",
        "Categories: none",
        "Why: Care, the default lane: no category matches.",
    ]


def test_show_refuses_unknown_values_and_broken_files(
    shipped: dict[str, Path], tmp_path: Path
) -> None:
    wrong = run("lanes", "show", str(shipped["example"]), "--text", "x", "--intent", "complain")
    assert wrong.exit_code == 2
    assert wrong.stderr == (
        "error: --intent 'complain' is not one of complaint, question, compliment, "
        "suggestion, sales_lead, other\n"
    )
    path = tmp_path / "lanes.yaml"
    path.write_text(BROKEN)
    broken = run("lanes", "show", str(path), "--text", "my bag is lost")
    assert broken.exit_code == 1
    assert broken.stdout == ""
    assert len(broken.stderr.splitlines()) == 3
    missing = run("lanes", "show", str(tmp_path / "nope.yaml"), "--text", "x")
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"error: no such file: {tmp_path / 'nope.yaml'}\n",
    )


def test_lanes_without_a_command_shows_help() -> None:
    result = run("lanes")
    assert result.exit_code == 2
    assert "check" in result.output
    assert "show" in result.output
