"""`carelane dispatch --workspace SLUG [--limit N]`: the waiting queue drained on demand."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.assignments.rehearsal import REHEARSAL_WORKSPACE, stage_rehearsal
from carelane.store.models import Conversation
from tests.functional.cli.conftest import RunCli, words


def test_the_command_line_dispatches_the_queue(
    run_cli: RunCli, session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(session=session, agents=1, waiting=3, capacity=2, now=now)
    [agent] = staged.agent_ids
    first, second, third = staged.conversation_ids

    refused = run_cli("dispatch", "--workspace", REHEARSAL_WORKSPACE, "--limit", "0")
    unknown = run_cli("dispatch", "--workspace", "nowhere")
    result = run_cli("dispatch", "--workspace", REHEARSAL_WORKSPACE)

    assert refused.exit_code == 2
    assert "limit is 0; a dispatch takes 1 to 5,000" in refused.output
    assert unknown.exit_code == 1
    assert "nowhere" in unknown.output
    assert result.exit_code == 0, result.output
    printed = words(result.stdout)
    assert (
        f"Workspace {REHEARSAL_WORKSPACE}: 2 of 3 waiting conversations assigned to 1 agents; "
        "1 still wait." in printed
    )
    assert f"conversation {first} -> agent {agent}" in printed
    assert "1 wait: nobody may take it now: no available agent has a free twitter slot" in printed
    session.rollback()
    held = dict(session.execute(select(Conversation.id, Conversation.assignee_id)).all())
    assert held == {first: agent, second: agent, third: None}
