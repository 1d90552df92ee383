"""`carelane workspaces configure`: a workspace's lanes and triage settings from the
command line; and the demo giving the airline workspaces the airline lanes."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.config import Settings
from carelane.ingest.readers.airline import AIRLINE_HANDLES
from carelane.ingest.readers.twitter import workspace_slug
from carelane.store.models import Post, PostTriage, Workspace
from carelane.workspaces.service import shipped_lanes_text
from tests.functional.cli.conftest import RunCli
from tests.helpers import BAGGAGE_LANES, BROKEN_LANES, slice_of_real_data


def _workspace(session: Session, slug: str) -> Workspace:
    session.rollback()  # see what the command committed
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    assert workspace is not None
    return workspace


def test_configure_with_shipped_lanes_and_settings(run_cli: RunCli, session: Session) -> None:
    run_cli("workspaces", "add", "united")

    result = run_cli(
        "workspaces",
        "configure",
        "united",
        "--lanes-shipped",
        "airline",
        "--reason-topics",
        "--brand-handle",
        "@united",
        "--brand-handle",
        "UnitedHelp",
    )

    assert result.exit_code == 0, result.output
    assert "Workspace united triages with its own lanes:" in result.stdout
    assert "Customer Service (default): Damaged Luggage, Lost Luggage" in result.stdout
    assert "Brand handles: @united, @UnitedHelp" in result.stdout
    assert "Airline reasons as topics: on" in result.stdout
    workspace = _workspace(session, "united")
    assert workspace.lanes_yaml == shipped_lanes_text("airline")
    assert workspace.triage_settings is not None
    assert workspace.triage_settings["reason_topics"] is True
    assert workspace.triage_settings["brand_handles"] == ["united", "UnitedHelp"]


def test_configure_changes_only_what_is_given(
    run_cli: RunCli, session: Session, tmp_path: Path
) -> None:
    lanes = tmp_path / "lanes.yaml"
    lanes.write_text(BAGGAGE_LANES, encoding="utf-8")
    run_cli("workspaces", "add", "acme")
    run_cli("workspaces", "configure", "acme", "--reason-topics", "--brand-handle", "AcmeHelp")

    with_lanes = run_cli("workspaces", "configure", "acme", "--lanes", str(lanes))
    topics_off = run_cli("workspaces", "configure", "acme", "--no-reason-topics")
    shown = run_cli("workspaces", "configure", "acme")

    assert with_lanes.exit_code == topics_off.exit_code == shown.exit_code == 0
    assert "Baggage: Lost Bags" in with_lanes.stdout
    assert "Airline reasons as topics: on" in with_lanes.stdout
    assert "Airline reasons as topics: off" in shown.stdout
    assert "Brand handles: @AcmeHelp" in shown.stdout
    assert "Customer Service (default): no categories" in shown.stdout
    workspace = _workspace(session, "acme")
    assert workspace.lanes_yaml == BAGGAGE_LANES
    assert workspace.triage_settings is not None
    assert workspace.triage_settings["reason_topics"] is False
    assert workspace.triage_settings["brand_handles"] == ["AcmeHelp"]


def test_an_unconfigured_workspace_shows_the_example_lanes(run_cli: RunCli) -> None:
    run_cli("workspaces", "add", "acme")

    shown = run_cli("workspaces", "configure", "acme")

    assert shown.exit_code == 0
    assert "Workspace acme triages with the shipped example lanes:" in shown.stdout
    assert "Brand handles: none" in shown.stdout


def test_a_bad_lanes_file_prints_each_problem_and_changes_nothing(
    run_cli: RunCli, session: Session, tmp_path: Path
) -> None:
    lanes = tmp_path / "lanes.yaml"
    lanes.write_text(BROKEN_LANES, encoding="utf-8")
    run_cli("workspaces", "add", "acme")

    result = run_cli("workspaces", "configure", "acme", "--lanes", str(lanes), "--reason-topics")

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{lanes}:2:15: default_lane: 'Nowhere' is not a lane; the lanes are Baggage" in lines
    assert any(
        line.startswith(f"{lanes}:8:11: lanes[0].categories[0].match.keywordz: unknown field")
        for line in lines
    )
    workspace = _workspace(session, "acme")
    assert workspace.lanes_yaml is None
    assert workspace.triage_settings is None


def test_configure_used_wrongly(run_cli: RunCli, tmp_path: Path) -> None:
    lanes = tmp_path / "lanes.yaml"
    lanes.write_text(BAGGAGE_LANES, encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes(b"version: 1\n# caf\xe9\n")
    run_cli("workspaces", "add", "acme")

    both = run_cli(
        "workspaces", "configure", "acme", "--lanes", str(lanes), "--lanes-shipped", "airline"
    )
    missing = run_cli("workspaces", "configure", "acme", "--lanes", "nowhere.yaml")
    unknown_shipped = run_cli("workspaces", "configure", "acme", "--lanes-shipped", "rail")
    unknown_workspace = run_cli("workspaces", "configure", "nobody", "--reason-topics")
    empty_handle = run_cli("workspaces", "configure", "acme", "--brand-handle", "@")
    not_utf8 = run_cli("workspaces", "configure", "acme", "--lanes", "latin1.yaml")

    assert both.exit_code == 2
    assert "give --lanes or --lanes-shipped, not both" in both.stderr
    assert missing.exit_code == 2
    assert "no such file: nowhere.yaml" in missing.stderr
    assert unknown_shipped.exit_code == 2
    assert unknown_workspace.exit_code == 1
    assert unknown_workspace.stderr.strip() == "error: no workspace 'nobody'"
    assert empty_handle.exit_code == 2
    assert "brand_handles must not be empty" in empty_handle.stderr
    assert not_utf8.exit_code == 1
    assert "latin1.yaml:2:6: file: is not valid UTF-8" in not_utf8.stdout  # as other problems


def test_demo_gives_the_airlines_their_lanes_before_replaying(
    run_cli: RunCli, settings: Settings, session: Session, tmp_path: Path
) -> None:
    small = tmp_path / "data"
    slice_of_real_data(settings.data_dir, small, rows=40, airline_only=True)
    run_cli("workspaces", "add", "united")
    run_cli("workspaces", "configure", "united", "--lanes-shipped", "example")

    first = run_cli("--data-dir", str(small), "demo", "--no-serve")
    again = run_cli("--data-dir", str(small), "demo", "--no-serve")

    assert first.exit_code == again.exit_code == 0, first.output
    airlines = {workspace_slug(handle): handle for handle in AIRLINE_HANDLES.values()}
    configured = sorted(set(airlines) - {"united"})
    assert f"Airline lanes and reason topics set for {', '.join(configured)}." in first.stdout
    assert "Airline lanes" not in again.stdout
    session.rollback()
    workspaces = {w.slug: w for w in session.scalars(select(Workspace))}
    for slug in configured:
        assert workspaces[slug].lanes_yaml == shipped_lanes_text("airline")
        assert workspaces[slug].triage_settings is not None
        assert workspaces[slug].triage_settings["reason_topics"] is True
        assert workspaces[slug].triage_settings["brand_handles"] == [airlines[slug]]
    assert workspaces["united"].lanes_yaml == shipped_lanes_text("example")
    lanes = session.execute(
        select(Workspace.slug, PostTriage.lane, PostTriage.detail)
        .join(Post, Post.workspace_id == Workspace.id)
        .join(PostTriage, PostTriage.post_id == Post.id)
    ).all()
    airline_lanes = {"Customer Service", "Marketing/PR"}
    triaged = [(slug, lane) for slug, lane, _ in lanes if slug in configured]
    assert triaged
    assert {lane for _, lane in triaged} <= airline_lanes
    reasons = [
        topic
        for slug, _, detail in lanes
        if slug in configured
        for topic in detail["topics"]
        if topic["source"] == "reason"
    ]
    assert reasons, "the airline reasons should be topics of some complaints"
