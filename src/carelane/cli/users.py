"""`carelane users add`, `list`, `token` and `deactivate`: the people who sign in, and
machine clients' API tokens."""

import os
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from carelane.cli.terminal import (
    USAGE_ERROR,
    fail,
    one_line_errors,
    open_database,
    out,
    settings_of,
)
from carelane.config import Settings

PASSWORD_ENV = "CARELANE_USER_PASSWORD"  # noqa: S105 - the variable's name, not a secret


def _password(given: str | None) -> str:
    """The password from the option, else the environment, else asked for (twice)."""
    if given is not None:
        return given
    if from_env := os.environ.get(PASSWORD_ENV):
        return from_env
    if not os.isatty(0):
        fail(f"give the password with --password or {PASSWORD_ENV}", USAGE_ERROR)
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def users_add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="What they sign in with.")],
    *,
    name: Annotated[str, typer.Option(help="Their name as the pages show it.")],
    role: Annotated[str, typer.Option(help="agent, supervisor, marketing or admin.")] = "agent",
    workspace: Annotated[
        list[str] | None,
        typer.Option("--workspace", "-w", help="A workspace they are a member of (repeatable)."),
    ] = None,
    all_workspaces: Annotated[
        bool, typer.Option("--all-workspaces", help="An admin of every workspace, also later ones.")
    ] = False,
    password: Annotated[
        str | None,
        typer.Option(help=f"The password [default: {PASSWORD_ENV}, else asked for]"),
    ] = None,
) -> None:
    """Add a user who signs in with EMAIL; the first admin too (`--role admin
    --all-workspaces`). In each workspace, the agent with the same email becomes them."""
    from carelane.accounts.passwords import Passwords
    from carelane.accounts.service import do_add_user

    settings = settings_of(ctx)
    with one_line_errors(settings):
        secret = _password(password)
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                user = do_add_user(
                    session=session,
                    email=email,
                    display_name=name,
                    role=role,
                    password=secret,
                    passwords=Passwords(),
                    now=datetime.now(UTC),
                    workspaces=workspace or [],
                    all_workspaces=all_workspaces,
                )
        finally:
            engine.dispose()
        where = (
            "every workspace"
            if user.all_workspaces
            else ", ".join(user.workspaces) or "no workspace yet"
        )
        out().print(f"Added {user.role.value} {user.email} ({user.display_name}): {where}.")


def users_list(ctx: typer.Context) -> None:
    """List the users: role, workspaces, last sign-in."""
    from carelane.accounts.service import get_users

    settings = settings_of(ctx)
    with one_line_errors(settings):
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                users = get_users(session=session)
        finally:
            engine.dispose()
        if not users:
            out().print("No users yet: add the first admin with `carelane users add`.")
            return
        table = Table("email", "name", "role", "workspaces", "active", "last sign-in")
        for user in users:
            table.add_row(
                user.email,
                user.display_name,
                user.role.value,
                "all" if user.all_workspaces else ", ".join(user.workspaces) or "-",
                "yes" if user.active else "no",
                user.last_signed_in_at.isoformat(timespec="seconds")
                if user.last_signed_in_at
                else "never",
            )
        out().print(table)


def users_token(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for, unique per user.")] = "api",
) -> None:
    """Issue an API token acting as EMAIL, for machine clients such as ingestion
    (`Authorization: Bearer TOKEN`). It is printed once; only its hash is kept."""
    from carelane.accounts.service import do_issue_api_token

    settings = settings_of(ctx)
    with one_line_errors(settings):
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                token = do_issue_api_token(
                    session=session, email=email, name=name, now=datetime.now(UTC)
                )
        finally:
            engine.dispose()
        print(token)


def users_deactivate(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The user to deactivate.")],
) -> None:
    """Deactivate EMAIL: they can no longer sign in, and their sessions and API tokens
    stop working at once."""
    from carelane.accounts.administration import do_deactivate_user, user_id_of_email

    settings = settings_of(ctx)
    with one_line_errors(settings):
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                user = do_deactivate_user(
                    session=session,
                    workspace_id=None,
                    user_id=user_id_of_email(session=session, email=email),
                    now=datetime.now(UTC),
                )
        finally:
            engine.dispose()
        out().print(
            f"Deactivated {user.role.value} {user.email}: their sessions and API tokens "
            "are revoked."
        )


DEMO_SUPERVISOR = ("supervisor@demo.carelane.dev", "Demo Supervisor", "demo-supervisor")
DEMO_AGENTS = (
    ("ana.ruiz@example.com", "Ana Ruiz"),
    ("ben.okafor@example.com", "Ben Okafor"),
    ("chloe.martin@example.com", "Chloe Martin"),
)
"""Agents of the shipped example teams file, which the demo gives its workspaces."""
DEMO_AGENT_PASSWORD = "demo-agent-pass"  # noqa: S105 - the demo's published password
DEMO_MARKETING = ("grace.lee@example.com", "Grace Lee", "demo-marketing")
"""Of the example teams file's Marketing/PR team: she sees and works the Marketing/PR lane
only."""


def add_demo_accounts(settings: Settings) -> list[tuple[str, str, str]]:
    """Give every workspace without a teams file the shipped example's teams and agents,
    and add the demo supervisor, agents and Marketing/PR member (members of every
    workspace, linked to the agents of their email) unless they exist; (email, password,
    role) of each."""
    from importlib.resources import files

    from carelane.accounts.passwords import Passwords
    from carelane.accounts.roles import Role
    from carelane.accounts.service import do_add_user, get_users
    from carelane.workspaces.service import get_workspaces
    from carelane.workspaces.teams import do_set_teams, get_routing

    teams_file = (files("carelane.routing") / "teams_example.yaml").read_bytes()
    email, name, supervisor_password = DEMO_SUPERVISOR
    accounts = [(email, name, supervisor_password, Role.SUPERVISOR)]
    accounts += [(e, n, DEMO_AGENT_PASSWORD, Role.AGENT) for e, n in DEMO_AGENTS]
    accounts.append((*DEMO_MARKETING, Role.MARKETING))
    engine, sessions = open_database(settings)
    try:
        with sessions() as session:
            slugs = [workspace.slug for workspace in get_workspaces(session=session)]
            for slug in slugs:
                if get_routing(session=session, slug=slug).teams_yaml is None:
                    do_set_teams(
                        session=session, slug=slug, teams_file=teams_file, now=datetime.now(UTC)
                    )
            existing = {user.email for user in get_users(session=session)}
            passwords = Passwords()
            for email, name, password, role in accounts:
                if email in existing:
                    continue
                do_add_user(
                    session=session,
                    email=email,
                    display_name=name,
                    role=role,
                    password=password,
                    passwords=passwords,
                    now=datetime.now(UTC),
                    workspaces=slugs,
                )
    finally:
        engine.dispose()
    return [(email, password, role.value) for email, _name, password, role in accounts]


def print_demo_sign_in(address: str, accounts: list[tuple[str, str, str]]) -> None:
    """How to sign in to the demo: where, and each account's email and password."""
    console = out()
    console.print(f"Sign in at {address}/signin as:")
    for email, password, role in accounts:
        console.print(f"  {role:<10} {email}  password: {password}", highlight=False)
