"""`carelane migrate`, `workspaces`, `serve` and `demo`."""

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from carelane.cli.ingest import run_replay
from carelane.cli.terminal import (
    USAGE_ERROR,
    fail,
    one_line_errors,
    open_database,
    out,
    safe_url,
    settings_of,
)
from carelane.cli.users import add_demo_accounts, print_demo_sign_in
from carelane.config import Settings
from carelane.deadlines.scheduler import AlarmScheduler
from carelane.domain.errors import DomainError
from carelane.ingest.runs import ALL_SOURCES
from carelane.store.database import create_database_engine
from carelane.store.migrate import upgrade_database

if TYPE_CHECKING:
    from carelane.workspaces.schemas import TriageSettingsOut

Host = Annotated[str | None, typer.Option(help="Address to listen on [default: 127.0.0.1]")]
Port = Annotated[int | None, typer.Option(min=1, max=65535, help="Port [default: 8000]")]


def migrate_database(settings: Settings) -> None:
    """Bring the database's schema to the latest version and say so."""
    engine = create_database_engine(settings.database_url)
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    out().print(f"Database {safe_url(settings.database_url)} is at the latest schema.")


def migrate(ctx: typer.Context) -> None:
    """Create or upgrade the database schema to the latest version."""
    settings = settings_of(ctx)
    with one_line_errors(settings):
        migrate_database(settings)


def workspaces_add(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Short name used in posts, e.g. `united`.")],
    name: Annotated[str | None, typer.Option(help="The brand's name [default: SLUG]")] = None,
) -> None:
    """Create a workspace for a brand."""
    from carelane.workspaces.service import do_create_workspace

    settings = settings_of(ctx)
    with one_line_errors(settings):
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                workspace = do_create_workspace(
                    session=session, slug=slug, name=name or slug, now=datetime.now(UTC)
                )
        finally:
            engine.dispose()
        out().print(f"Created workspace {workspace.slug} ({workspace.name}).")


def workspaces_list(ctx: typer.Context) -> None:
    """List the workspaces."""
    from carelane.workspaces.service import get_workspaces

    settings = settings_of(ctx)
    with one_line_errors(settings):
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                workspaces = get_workspaces(session=session)
        finally:
            engine.dispose()
        table = Table("slug", "name", "created (UTC)", box=None, pad_edge=False)
        for workspace in workspaces:
            created = workspace.created_at.astimezone(UTC)
            table.add_row(workspace.slug, workspace.name, f"{created:%Y-%m-%d %H:%M}")
        out().print(table if workspaces else "No workspaces yet.")


class ShippedLanes(StrEnum):
    """The lanes files that ship with carelane."""

    EXAMPLE = "example"
    AIRLINE = "airline"


def _lanes_file_text(path: Path) -> str:
    """A lanes file's text; exit 2 if it cannot be read, 1 with each problem printed as
    FILE:LINE:COL: field: message if it is not a valid lanes file."""
    from carelane.config_files.decoding import config_text
    from carelane.triage.lane_config import LaneConfigError
    from carelane.triage.lane_file import load_lane_config

    if not path.is_file():
        fail(f"no such file: {path}", USAGE_ERROR)
    try:
        data = path.read_bytes()
    except OSError as error:
        fail(f"{path}: {error.strerror or error}", USAGE_ERROR)
    try:
        text = config_text(data, str(path), error=LaneConfigError)
        load_lane_config(text, source=str(path))
    except LaneConfigError as error:
        console = out()
        for problem in error.problems:
            console.print(str(problem))
        raise typer.Exit(1) from None
    return text


def _print_triage_configuration(configured: "TriageSettingsOut") -> None:
    console = out()
    settings = configured.settings
    source = "the shipped example lanes" if configured.lanes_yaml is None else "its own lanes"
    console.print(f"Workspace {configured.workspace} triages with {source}:")
    for lane in configured.lanes.lanes:
        default = " (default)" if lane.name == configured.lanes.default_lane else ""
        categories = ", ".join(lane.categories) or "no categories"
        console.print(f"  {lane.name}{default}: {categories}")
    handles = ", ".join(f"@{h}" for h in settings.brand_handles) or "none"
    console.print(f"Brand handles: {handles}")
    console.print(f"Airline reasons as topics: {'on' if settings.reason_topics else 'off'}")


def workspaces_configure(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The workspace, e.g. `united`.")],
    *,
    lanes: Annotated[
        Path | None, typer.Option("--lanes", help="A lanes file (YAML) to triage with.")
    ] = None,
    lanes_shipped: Annotated[
        ShippedLanes | None,
        typer.Option("--lanes-shipped", help="Lanes that ship with carelane instead of a file."),
    ] = None,
    reason_topics: Annotated[
        bool | None,
        typer.Option(
            "--reason-topics/--no-reason-topics",
            help="Airline reasons as topics of complaints [default: unchanged]",
        ),
    ] = None,
    brand_handles: Annotated[
        list[str] | None,
        typer.Option(
            "--brand-handle",
            help="The brand's own account (repeat for each); replaces the ones set.",
        ),
    ] = None,
    teams: Annotated[
        Path | None,
        typer.Option(
            "--teams", help="A teams file (YAML): teams, lane policies and agents to route to."
        ),
    ] = None,
    service_levels: Annotated[
        Path | None,
        typer.Option(
            "--service-levels", help="A service-levels file (YAML): calendars and policies."
        ),
    ] = None,
) -> None:
    """Set a workspace's swim lanes, triage settings, teams and service levels; what is not
    given stays.

    Without options, show its triage. Triage uses its settings from the next batch of posts
    on; a teams file creates or updates the workspace's agents and teams at once.
    """
    from carelane.cli.routing import checked_file, print_routing, print_service_levels
    from carelane.routing.config_file import load_team_config_file
    from carelane.sla.config_file import load_service_levels_file
    from carelane.workspaces.service import (
        do_configure_workspace_triage,
        get_triage_configuration,
        shipped_lanes_text,
    )
    from carelane.workspaces.service_levels import do_set_service_levels
    from carelane.workspaces.teams import do_set_teams

    settings = settings_of(ctx)
    if lanes is not None and lanes_shipped is not None:
        fail("give --lanes or --lanes-shipped, not both", USAGE_ERROR)
    lanes_yaml = _lanes_file_text(lanes) if lanes is not None else None
    teams_file = checked_file(teams, load_team_config_file) if teams is not None else None
    levels_file = (
        checked_file(service_levels, load_service_levels_file)
        if service_levels is not None
        else None
    )
    triage_given = lanes_yaml is not None or lanes_shipped is not None
    triage_given = triage_given or reason_topics is not None or brand_handles is not None
    with one_line_errors(settings):
        if lanes_shipped is not None:
            lanes_yaml = shipped_lanes_text(lanes_shipped.value)
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                now = datetime.now(UTC)
                configured = None
                if triage_given:
                    configured = do_configure_workspace_triage(
                        session=session,
                        slug=slug,
                        now=now,
                        lanes_yaml=lanes_yaml,
                        reason_topics=reason_topics,
                        brand_handles=brand_handles,
                    )
                elif teams_file is None and levels_file is None:
                    configured = get_triage_configuration(session=session, slug=slug)
                routing = (
                    do_set_teams(session=session, slug=slug, teams_file=teams_file, now=now)
                    if teams_file is not None
                    else None
                )
                levels = (
                    do_set_service_levels(
                        session=session, slug=slug, service_levels_file=levels_file, now=now
                    )
                    if levels_file is not None
                    else None
                )
        finally:
            engine.dispose()
        if configured is not None:
            _print_triage_configuration(configured)
        if routing is not None:
            print_routing(routing)
        if levels is not None:
            print_service_levels(levels)


def serve_app(settings: Settings, host: str | None, port: int | None) -> None:
    """Run the web app on `host`:`port` until interrupted."""
    import uvicorn

    try:
        from carelane.web.app import create_app
    except ImportError as error:
        raise DomainError(f"the web app cannot be loaded: {error}") from error
    engine, _ = open_database(settings)
    # The service-level scheduler fires warnings and breaches beside the app, on an engine
    # of its own, unless it runs apart (`carelane sla-scheduler`).
    scheduler = AlarmScheduler(engine).start() if settings.sla_scheduler else None
    try:
        uvicorn.run(
            create_app(settings),
            host=host or settings.host,
            port=port or settings.port,
            # Open live streams never end on their own: give them a few seconds, then stop.
            timeout_graceful_shutdown=5,
        )
    finally:
        if scheduler is not None:
            scheduler.stop()
        engine.dispose()


def serve(ctx: typer.Context, host: Host = None, port: Port = None) -> None:
    """Serve the web app and API (docs at /docs)."""
    settings = settings_of(ctx)
    with one_line_errors(settings):
        serve_app(settings, host, port)


def _print_loaded(settings: Settings) -> None:
    from carelane.workspaces.overview import get_overview

    engine, sessions = open_database(settings)
    try:
        with sessions() as session:
            overview = get_overview(session=session)
    finally:
        engine.dispose()
    table = Table("workspace", box=None, pad_edge=False)
    for column in ("posts", "conversations", "authors"):
        table.add_column(column, justify="right")
    for entry in overview:
        table.add_row(
            entry.workspace.slug,
            f"{entry.posts:,}",
            f"{entry.conversation_total:,}",
            f"{entry.authors:,}",
        )
    console = out()
    total = sum(entry.posts for entry in overview)
    console.print(f"Loaded {total:,} posts in {len(overview)} workspaces:")
    console.print(table)


def configure_airline_workspaces(settings: Settings) -> list[str]:
    """Make sure each airline of the airline tweets has its workspace, and give those that
    have no lanes of their own the shipped airline lanes, the airline reasons as topics
    and the airline's account as brand handle; the slugs configured now."""
    from carelane.ingest.readers.airline import AIRLINE_HANDLES
    from carelane.ingest.readers.twitter import workspace_slug
    from carelane.workspaces.service import (
        do_configure_workspace_triage,
        do_create_workspace,
        get_triage_configuration,
        get_workspaces,
        shipped_lanes_text,
    )

    airline_lanes = shipped_lanes_text(ShippedLanes.AIRLINE.value)
    handles = {workspace_slug(handle): handle for handle in AIRLINE_HANDLES.values()}
    configured = []
    engine, sessions = open_database(settings)
    try:
        with sessions() as session:
            existing = {workspace.slug for workspace in get_workspaces(session=session)}
            for slug, handle in sorted(handles.items()):
                now = datetime.now(UTC)
                if slug not in existing:
                    do_create_workspace(session=session, slug=slug, name=handle, now=now)
                elif get_triage_configuration(session=session, slug=slug).lanes_yaml is not None:
                    continue  # an admin's lanes stay
                do_configure_workspace_triage(
                    session=session,
                    slug=slug,
                    now=now,
                    lanes_yaml=airline_lanes,
                    reason_topics=True,
                    brand_handles=[handle],
                )
                configured.append(slug)
    finally:
        engine.dispose()
    return configured


DEMO_LEVELS = (
    ("chloe.martin@example.com", "trainee", "her replies wait for a supervisor's approval"),
    ("ben.okafor@example.com", "probation", "his replies are reviewed after sending"),
)
"""Certification levels the demo gives two of the example agents where none is set."""


def add_demo_quality(settings: Settings) -> None:
    """Give each airline workspace the shipped airline canned responses it lacks, and two
    demo agents their certification levels where none is set; say what was done."""
    from sqlalchemy import func, select

    from carelane.ingest.readers.airline import AIRLINE_HANDLES
    from carelane.ingest.readers.twitter import workspace_slug
    from carelane.qa.certification import do_set_certification_level, get_certification_levels
    from carelane.qa.levels import CertificationLevel
    from carelane.responses.service import do_add_missing_canned_responses
    from carelane.responses.shipped import shipped_canned_responses
    from carelane.store.models import Agent
    from carelane.workspaces.service import get_workspaces

    airline_slugs = {workspace_slug(handle) for handle in AIRLINE_HANDLES.values()}
    responses = shipped_canned_responses("airline")
    added: dict[str, int] = {}
    levels_set = 0
    engine, sessions = open_database(settings)
    try:
        with sessions() as session:
            for workspace in get_workspaces(session=session):
                now = datetime.now(UTC)
                if workspace.slug in airline_slugs:
                    added[workspace.slug] = do_add_missing_canned_responses(
                        session=session, workspace_id=workspace.id, responses=responses, now=now
                    )
                for email, level, _why in DEMO_LEVELS:
                    agent_id = session.scalar(
                        select(Agent.id).where(
                            Agent.workspace_id == workspace.id, func.lower(Agent.email) == email
                        )
                    )
                    session.rollback()
                    if agent_id is None:
                        continue
                    (current,) = get_certification_levels(
                        session=session, workspace_id=workspace.id, agent_ids=[agent_id]
                    )
                    session.rollback()
                    if current.since is None:
                        do_set_certification_level(
                            session=session,
                            workspace_id=workspace.id,
                            agent_id=agent_id,
                            level=CertificationLevel(level),
                            user_id=None,
                            now=now,
                            note="demo",
                        )
                        levels_set += 1
    finally:
        engine.dispose()
    console = out()
    if any(added.values()):
        slugs = ", ".join(slug for slug, count in sorted(added.items()) if count)
        console.print(f"Airline canned responses added for {slugs}.")
    if levels_set:
        for email, level, why in DEMO_LEVELS:
            console.print(f"Demo agent {email} is {level}: {why}.")


def demo(
    ctx: typer.Context,
    host: Host = None,
    port: Port = None,
    then_serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve once loaded.")
    ] = True,
) -> None:
    """Migrate, load the real data sets and serve carelane.

    Loading again stores nothing twice.
    """
    settings = settings_of(ctx)
    with one_line_errors(settings):
        migrate_database(settings)
        configured = configure_airline_workspaces(settings)
        if configured:
            out().print(f"Airline lanes and reason topics set for {', '.join(configured)}.")
        run_replay(settings=settings, source=ALL_SOURCES, speed=None)
        accounts = add_demo_accounts(settings)
        add_demo_quality(settings)
        _print_loaded(settings)
        address = f"http://{host or settings.host}:{port or settings.port}"
        print_demo_sign_in(address, accounts)
        out().print(f"Serving carelane on {address} — API docs at /docs")
        if then_serve:
            serve_app(settings, host, port)
