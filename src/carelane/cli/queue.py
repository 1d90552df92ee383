"""`carelane dispatch`: drain a workspace's waiting queue on demand, the most urgent first,
to the agents free now, as a supervisor does over `POST .../queue/dispatch`."""

from datetime import UTC, datetime
from typing import Annotated

import typer

from carelane.cli.terminal import one_line_errors, open_database, out, settings_of


def dispatch(
    ctx: typer.Context,
    workspace: Annotated[str, typer.Option("--workspace", help="The workspace, e.g. `acme`.")],
    limit: Annotated[
        int | None,
        typer.Option(help="How many waiting conversations to take up: 1 to 5,000 [default: 200]"),
    ] = None,
) -> None:
    """Give the most urgent waiting conversations of a workspace to the best agents free
    now; print who was given what, how many still wait, and why."""
    from carelane.assignments.queue import do_dispatch_queue
    from carelane.workspaces.service import get_workspace_id

    settings = settings_of(ctx)
    with one_line_errors(settings):
        engine, sessions = open_database(settings)
        try:
            with sessions() as session:
                done = do_dispatch_queue(
                    session=session,
                    workspace_id=get_workspace_id(session=session, slug=workspace),
                    workspace=workspace,
                    now=datetime.now(UTC),
                    limit=limit,
                )
        finally:
            engine.dispose()
    console = out()
    console.print(
        f"Workspace {done.workspace}: {done.assigned} of {done.taken_up} waiting conversations "
        f"assigned to {len(done.agent_ids)} agents; {done.waiting} still wait."
    )
    for given in done.assignments:
        console.print(f"  conversation {given.conversation_id} -> agent {given.agent_id}")
    for why in done.why_waiting:
        console.print(f"  {why.conversations} wait: {why.reason}")
    if done.agents_passed_over:
        console.print(
            f"  {done.agents_passed_over} available agents were being given a conversation "
            "at that moment and were passed over"
        )
