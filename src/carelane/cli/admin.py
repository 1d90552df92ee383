"""`carelane migrate`, `workspaces`, `serve` and `demo`."""

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from carelane.cli.ingest import run_replay
from carelane.cli.terminal import one_line_errors, open_database, out, safe_url, settings_of
from carelane.config import Settings
from carelane.domain.errors import DomainError
from carelane.ingest.runs import ALL_SOURCES
from carelane.store.database import create_database_engine
from carelane.store.migrate import upgrade_database

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


def serve_app(settings: Settings, host: str | None, port: int | None) -> None:
    """Run the web app on `host`:`port` until interrupted."""
    import uvicorn

    try:
        from carelane.web.app import create_app
    except ImportError as error:
        raise DomainError(f"the web app cannot be loaded: {error}") from error
    engine, _ = open_database(settings)
    engine.dispose()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port)


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
        run_replay(settings=settings, source=ALL_SOURCES, speed=None)
        _print_loaded(settings)
        address = f"http://{host or settings.host}:{port or settings.port}"
        out().print(f"Serving carelane on {address} — API docs at /docs")
        if then_serve:
            serve_app(settings, host, port)
