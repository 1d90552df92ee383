"""Decisions while another transaction holds a row they want, on PostgreSQL (SQLite's one
writer at a time cannot meet one): a push passes over an agent being given a conversation
for the next best, and waits for them only when nobody else may take it; a pull takes
the next conversation when another is taking the first; a dispatch leaves both to the
transaction holding them and waits for neither.

PostgreSQL only: runs on the server the suite uses, never skipped.
"""

import threading
from datetime import UTC, datetime

from sqlalchemy import Engine, select, text

from carelane.assignments.dispatch import do_dispatch_waiting
from carelane.assignments.next_conversation import do_next_conversation
from carelane.assignments.rehearsal import stage_rehearsal
from carelane.assignments.schemas import AssignmentOut
from carelane.assignments.service import do_assign, do_set_agent_state
from carelane.routing.agents import AgentState
from carelane.store.database import create_session_factory
from carelane.store.models import Agent, Conversation

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
WAITING_FOR_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def test_a_push_passes_over_an_agent_being_given_a_conversation(pg_engine: Engine) -> None:
    sessions = create_session_factory(pg_engine)
    with sessions() as session:
        staged = stage_rehearsal(session=session, agents=2, waiting=3, capacity=5, now=NOW)
    best, next_best = staged.agent_ids  # equal in all but id

    with pg_engine.connect() as other:
        other.execute(select(Agent.id).where(Agent.id == best).with_for_update())
        with sessions() as session:
            meanwhile = do_assign(
                session=session,
                workspace_id=staged.workspace_id,
                conversation_id=staged.conversation_ids[0],
                now=NOW,
            )
        other.rollback()
    with sessions() as session:
        after = do_assign(
            session=session,
            workspace_id=staged.workspace_id,
            conversation_id=staged.conversation_ids[1],
            now=NOW,
        )

    assert meanwhile.agent_id == next_best
    assert meanwhile.assigned is True
    assert after.agent_id == best


def test_a_push_waits_for_the_only_agent_who_may_take_it(pg_engine: Engine) -> None:
    sessions = create_session_factory(pg_engine)
    with sessions() as session:
        staged = stage_rehearsal(session=session, agents=2, waiting=2, capacity=5, now=NOW)
        only, away = staged.agent_ids
        do_set_agent_state(
            session=session,
            workspace_id=staged.workspace_id,
            agent_id=away,
            state=AgentState.AWAY,
            now=NOW,
        )
    pushed: list[AssignmentOut] = []

    def push() -> None:
        with sessions() as session:
            pushed.append(
                do_assign(
                    session=session,
                    workspace_id=staged.workspace_id,
                    conversation_id=staged.conversation_ids[0],
                    now=NOW,
                )
            )

    with pg_engine.connect() as other, pg_engine.connect() as watcher:
        other.execute(select(Agent.id).where(Agent.id == only).with_for_update())
        pushing = threading.Thread(target=push)
        pushing.start()
        for _ in range(10_000):  # until the push waits for the lock, or is done
            if watcher.execute(WAITING_FOR_A_LOCK).scalar() or not pushing.is_alive():
                break
            watcher.rollback()
            pushing.join(0.01)
        waited = not pushed
        other.rollback()
        pushing.join()

    assert waited
    assert [p.agent_id for p in pushed] == [only]
    assert pushed[0].assigned is True


def test_a_pull_takes_the_next_conversation_when_another_is_taking_the_first(
    pg_engine: Engine,
) -> None:
    sessions = create_session_factory(pg_engine)
    with sessions() as session:
        staged = stage_rehearsal(session=session, agents=2, waiting=3, capacity=5, now=NOW)
    first, second, third = staged.conversation_ids  # the oldest first in the queue
    ana, ben = staged.agent_ids

    with pg_engine.connect() as other:
        other.execute(select(Conversation.id).where(Conversation.id == first).with_for_update())
        with sessions() as session:
            meanwhile = do_next_conversation(
                session=session, workspace_id=staged.workspace_id, agent_id=ana, now=NOW
            )
        other.rollback()
    with sessions() as session:
        after = do_next_conversation(
            session=session, workspace_id=staged.workspace_id, agent_id=ben, now=NOW
        )

    assert meanwhile.conversation_id == second
    assert meanwhile.explanation.startswith(f"conversation {second}:")
    assert after.conversation_id == first
    assert third not in (meanwhile.conversation_id, after.conversation_id)


def test_a_dispatch_passes_over_a_conversation_and_an_agent_others_hold_locked(
    pg_engine: Engine,
) -> None:
    sessions = create_session_factory(pg_engine)
    with sessions() as session:
        staged = stage_rehearsal(session=session, agents=3, waiting=4, capacity=5, now=NOW)
    first, *others = staged.conversation_ids
    busy, *free = staged.agent_ids

    with pg_engine.connect() as other:
        other.execute(select(Conversation.id).where(Conversation.id == first).with_for_update())
        other.execute(select(Agent.id).where(Agent.id == busy).with_for_update())
        with sessions() as session:
            meanwhile = do_dispatch_waiting(
                session=session, workspace_id=staged.workspace_id, now=NOW
            )
        other.rollback()
    with sessions() as session:
        after = do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=NOW)

    assert [d.conversation_id for d in meanwhile.decisions] == others
    assert {d.agent_id for d in meanwhile.decisions} == set(free)
    assert meanwhile.agents_passed_over == 1
    assert [(d.conversation_id, d.agent_id) for d in after.decisions] == [(first, busy)]
