"""carelane's command line: migrate the database, manage workspaces, import and replay
posts, serve the web app, run the demo, check swim lanes, and train and evaluate the
triage models.

Global options name the database and the data sets' folder. Exit codes: 0 done; 1 done
but some rows were rejected, or the work failed; 2 the command was used wrongly (unknown
option, missing file). Errors are one line on standard error, never a traceback.
"""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from carelane.cli import admin, ingest, lanes, models, queue, retriage, simulate, sla, users
from carelane.cli.terminal import USAGE_ERROR, fail, first_line
from carelane.config import Settings

app = typer.Typer(
    help="Social customer care for contact centres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
workspaces_app = typer.Typer(help="Create, list and configure workspaces (one per brand).")
app.add_typer(workspaces_app, name="workspaces", no_args_is_help=True)
lanes_app = typer.Typer(help="Check and try swim-lane files (which team answers which post).")
app.add_typer(lanes_app, name="lanes", no_args_is_help=True)
users_app = typer.Typer(help="Add, list and deactivate the people who sign in; issue API tokens.")
app.add_typer(users_app, name="users", no_args_is_help=True)

app.command()(admin.migrate)
workspaces_app.command("add")(admin.workspaces_add)
workspaces_app.command("list")(admin.workspaces_list)
workspaces_app.command("configure")(admin.workspaces_configure)
users_app.command("add")(users.users_add)
users_app.command("list")(users.users_list)
users_app.command("token")(users.users_token)
users_app.command("deactivate")(users.users_deactivate)
lanes_app.command("check")(lanes.check)
lanes_app.command("show")(lanes.show)
app.command("import")(ingest.import_posts)
app.command()(ingest.replay)
app.command()(admin.serve)
app.command()(admin.demo)
app.command()(models.train)
app.command("eval")(models.evaluate)
app.command()(retriage.retriage)
app.command()(simulate.simulate)
app.command("sla-scheduler")(sla.sla_scheduler)
app.command()(queue.dispatch)


@app.callback()
def configure(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="SQLAlchemy database URL [default: CARELANE_DATABASE_URL or "
            "sqlite:///var/carelane.db]"
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder of the real data sets [default: CARELANE_DATA_DIR or ../shared/data]"
        ),
    ] = None,
) -> None:
    """Social customer care for contact centres."""
    overrides: dict[str, Any] = {}
    if database_url is not None:
        overrides["database_url"] = database_url
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    try:
        ctx.obj = Settings(**overrides)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        fail(f"settings: {problems}", USAGE_ERROR)


def main() -> None:
    """The `carelane` command."""
    try:
        app()
    except Exception as error:  # the last line of defence: one line, no traceback
        print(f"error: {type(error).__name__}: {first_line(error)}", file=sys.stderr)
        sys.exit(1)
