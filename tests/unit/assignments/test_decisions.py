"""What the assignment service reads for a decision, on SQLite and PostgreSQL: the roster
it keeps is never older than the workspace's teams file, whoever applied it; pulls read
the head of the queue page by page in exactly the queue's order; a push counts the
agent's free slot in the statement that gives them the conversation."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carelane.assignments import next_conversation
from carelane.assignments.dispatch import do_dispatch_waiting
from carelane.assignments.holding import hold_if_room
from carelane.assignments.next_conversation import do_next_conversation
from carelane.assignments.queue import get_queue
from carelane.assignments.rehearsal import (
    REHEARSAL_WORKSPACE,
    Rehearsal,
    rehearsal_teams_file,
    stage_rehearsal,
)
from carelane.assignments.roster_store import RosterFrame
from carelane.assignments.service import do_assign, do_set_agent_state, locked_conversation
from carelane.routing.agents import AgentState
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.models import Agent, Conversation, Workspace
from carelane.workspaces.teams import do_set_teams


def _staged(session: Session, now: datetime, *, agents: int, waiting: int) -> Rehearsal:
    return stage_rehearsal(session=session, agents=agents, waiting=waiting, capacity=10, now=now)


def _only_the_last_agent_on_the_roster(url: str, now: datetime) -> None:
    """Another process applies a teams file keeping only the last of two agents."""
    engine = create_database_engine(url)
    try:
        with create_session_factory(engine)() as session:
            teams = rehearsal_teams_file(2, 10).decode()
            kept = teams.split("  - name: Agent 1\n")[1]
            do_set_teams(
                session=session,
                slug=REHEARSAL_WORKSPACE,
                teams_file=(
                    teams.split("  - name: Agent 0\n")[0] + "  - name: Agent 1\n" + kept
                ).encode(),
                now=now,
            )
    finally:
        engine.dispose()


def test_a_teams_file_another_process_applied_counts_from_the_next_decision(
    session: Session, database_url: str, now: datetime
) -> None:
    staged = _staged(session, now, agents=2, waiting=3)
    first_agent, last_agent = staged.agent_ids
    session.execute(update(Agent).where(Agent.id == last_agent).values(idle_since=now))
    session.commit()  # the first agent has waited longest: pushes go to them
    pushed = do_assign(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=staged.conversation_ids[0],
        now=now,
    )
    kept_before = RosterFrame.of(session, staged.workspace_id)
    session.commit()

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as other:
        other.submit(_only_the_last_agent_on_the_roster, database_url, now).result()
    after = do_assign(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=staged.conversation_ids[1],
        now=now,
    )
    kept_after = RosterFrame.of(session, staged.workspace_id)
    session.commit()

    assert pushed.agent_id == first_agent
    assert after.agent_id == last_agent
    assert kept_after is not kept_before
    assert set(kept_after.profiles) == {last_agent}
    version = session.scalar(select(Workspace.roster_version))
    assert version == 2


def test_the_same_roster_version_reads_the_roster_once(session: Session, now: datetime) -> None:
    staged = _staged(session, now, agents=2, waiting=2)

    first = RosterFrame.of(session, staged.workspace_id)
    again = RosterFrame.of(session, staged.workspace_id)
    session.commit()
    do_set_teams(
        session=session,
        slug=REHEARSAL_WORKSPACE,
        teams_file=rehearsal_teams_file(2, 10),
        now=now,
    )
    reapplied = RosterFrame.of(session, staged.workspace_id)
    session.commit()

    assert again is first
    assert reapplied is not first


def _set_queue(session: Session, staged: Rehearsal, now: datetime) -> None:
    """Priorities and deadlines that put the queue in an order unlike the ids': some at
    risk (due within 10 minutes or overdue), some not, some with no deadline."""
    due = {
        0: (10, now + timedelta(hours=2)),
        1: (50, now + timedelta(minutes=5)),  # at risk
        2: (90, None),
        3: (50, now - timedelta(minutes=1)),  # at risk, overdue
        4: (90, now + timedelta(hours=1)),
        5: (None, now + timedelta(minutes=9)),  # at risk
        6: (10, None),
        7: (90, now + timedelta(hours=1)),
    }
    for index, (priority, due_at) in due.items():
        session.execute(
            update(Conversation)
            .where(Conversation.id == staged.conversation_ids[index])
            .values(priority=priority, first_response_due_at=due_at, next_response_due_at=None)
        )
    session.commit()


@pytest.mark.parametrize("page", [2, 20])
def test_pulls_take_the_queue_in_its_order_page_after_page(
    session: Session, now: datetime, monkeypatch: pytest.MonkeyPatch, page: int
) -> None:
    monkeypatch.setattr(next_conversation, "PULL_PAGE", page)
    staged = _staged(session, now, agents=1, waiting=8)
    _set_queue(session, staged, now)
    queue = get_queue(
        session=session, workspace_id=staged.workspace_id, workspace=REHEARSAL_WORKSPACE, now=now
    )
    session.commit()
    [agent_id] = staged.agent_ids

    pulled = [
        do_next_conversation(
            session=session, workspace_id=staged.workspace_id, agent_id=agent_id, now=now
        )
        for _ in range(9)
    ]

    in_queue_order = [item.conversation_id for item in queue.items]
    assert [p.conversation_id for p in pulled[:8]] == in_queue_order
    assert in_queue_order[:3] == [staged.conversation_ids[i] for i in (3, 1, 5)]  # at risk
    assert in_queue_order[3:] == [staged.conversation_ids[i] for i in (4, 7, 2, 0, 6)]
    assert pulled[8].assigned is False
    assert "nothing waiting" in pulled[8].explanation


def test_a_pull_passes_over_lanes_networks_and_tiers_the_agent_does_not_take(
    session: Session, now: datetime
) -> None:
    staged = _staged(session, now, agents=1, waiting=4)
    ids = staged.conversation_ids
    session.execute(update(Conversation).where(Conversation.id == ids[0]).values(tier=2))
    session.execute(update(Conversation).where(Conversation.id == ids[1]).values(lane="Tier 3"))
    session.execute(update(Conversation).where(Conversation.id == ids[2]).values(priority=99))
    session.commit()
    [agent_id] = staged.agent_ids

    pulled = [
        do_next_conversation(
            session=session, workspace_id=staged.workspace_id, agent_id=agent_id, now=now
        ).conversation_id
        for _ in range(3)
    ]

    assert pulled == [ids[2], ids[3], None]


def test_a_push_holds_only_within_the_slots_counted_in_its_own_statement(
    session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(session=session, agents=1, waiting=3, capacity=1, now=now)
    [agent_id] = staged.agent_ids
    first, second, _ = staged.conversation_ids
    do_assign(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=first,
        agent_id=agent_id,
        now=now,
    )

    frame = RosterFrame.of(session, staged.workspace_id)
    conversation = locked_conversation(session, frame, second)
    agent = frame.snapshot(session.get(Agent, agent_id), {})  # a load read before it changed
    full = hold_if_room(session.connection(), conversation, agent, now)
    session.commit()
    held = session.scalar(select(Conversation.assignee_id).where(Conversation.id == second))

    assert full is False
    assert held is None
    pushed = do_assign(
        session=session, workspace_id=staged.workspace_id, conversation_id=second, now=now
    )
    assert pushed.assigned is False
    assert "no free twitter slot" in pushed.explanation or "nobody" in pushed.explanation


def test_an_agent_away_is_not_pushed_to_after_the_roster_was_kept(
    session: Session, now: datetime
) -> None:
    staged = _staged(session, now, agents=1, waiting=2)
    [agent_id] = staged.agent_ids
    do_assign(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=staged.conversation_ids[0],
        now=now,
    )
    do_set_agent_state(
        session=session,
        workspace_id=staged.workspace_id,
        agent_id=agent_id,
        state=AgentState.AWAY,
        now=now,
    )

    pushed = do_assign(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=staged.conversation_ids[1],
        now=now,
    )

    assert pushed.assigned is False
    assert "1 is away" in pushed.explanation


def test_a_push_a_pull_and_a_dispatch_each_mark_their_agent_busy_since_the_decision(
    session: Session, now: datetime
) -> None:
    staged = _staged(session, now, agents=3, waiting=4)
    agents = staged.agent_ids
    pusher, puller, dispatched_to = agents
    earlier = now - timedelta(hours=1)
    session.execute(update(Agent).values(idle_since=earlier))
    session.commit()
    times = [now + timedelta(minutes=minute) for minute in range(3)]

    def only_available(agent_id: int, at: datetime) -> None:
        for other in agents:
            state = AgentState.AVAILABLE if other == agent_id else AgentState.AWAY
            do_set_agent_state(
                session=session,
                workspace_id=staged.workspace_id,
                agent_id=other,
                state=state,
                now=at,
                push_waiting=False,
            )

    only_available(pusher, now)
    pushed = do_assign(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=staged.conversation_ids[0],
        now=times[0],
    )
    only_available(puller, now)
    pulled = do_next_conversation(
        session=session, workspace_id=staged.workspace_id, agent_id=puller, now=times[1]
    )
    only_available(dispatched_to, now)
    dispatched = do_dispatch_waiting(
        session=session, workspace_id=staged.workspace_id, now=times[2], limit=1
    )

    assert [pushed.agent_id, pulled.agent_id, dispatched.decisions[0].agent_id] == agents
    idle = dict(session.execute(select(Agent.id, Agent.idle_since)).all())
    assert idle == dict(zip(agents, times, strict=True))
