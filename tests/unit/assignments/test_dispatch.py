"""Dispatching the waiting queue in batches, on SQLite and PostgreSQL: a batch decides as
one push after another would, in queue order; it never gives an agent more than their
free slots, nor anything to an agent away; it logs every assignment and puts the batch
on the live feed."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from carelane.assignments.dispatch import MAX_DISPATCH_BATCH, do_dispatch_waiting
from carelane.assignments.queue import get_queue
from carelane.assignments.rehearsal import REHEARSAL_WORKSPACE, stage_rehearsal
from carelane.assignments.service import do_assign, do_set_agent_state
from carelane.domain.errors import InvalidInputError, NotFoundError
from carelane.routing.agents import AgentState
from carelane.store.commit_notices import NoticeListener
from carelane.store.live_events import CHANNEL, decode_live_events
from carelane.store.models import Agent, Conversation, Event


def _assigned_events(session: Session) -> list[tuple[int | None, int | None]]:
    return [
        (conversation, agent)
        for conversation, agent in session.execute(
            select(Event.conversation_id, Event.agent_id)
            .where(Event.type == "conversation.assigned")
            .order_by(Event.id)
        )
    ]


def test_a_batch_decides_as_one_push_after_another_would(session: Session, now: datetime) -> None:
    staged = stage_rehearsal(session=session, agents=4, waiting=14, capacity=3, now=now)
    workspace_id, agents = staged.workspace_id, staged.agent_ids
    # Agents idle for different times, one back from a customer (sticky), one away.
    for minutes, agent_id in enumerate(agents):
        session.execute(
            update(Agent)
            .where(Agent.id == agent_id)
            .values(idle_since=now - timedelta(minutes=minutes))
        )
    session.execute(
        update(Conversation)
        .where(Conversation.id == staged.conversation_ids[5])
        .values(previous_assignee_id=agents[0])
    )
    session.commit()
    do_set_agent_state(
        session=session,
        workspace_id=workspace_id,
        agent_id=agents[1],
        state=AgentState.AWAY,
        now=now,
    )
    do_assign(  # one slot of the longest idle agent taken before
        session=session,
        workspace_id=workspace_id,
        conversation_id=staged.conversation_ids[-1],
        agent_id=agents[3],
        now=now,
    )
    idle = dict(session.execute(select(Agent.id, Agent.idle_since)).all())
    events_before = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))
    order = [
        item.conversation_id
        for item in get_queue(
            session=session, workspace_id=workspace_id, workspace=REHEARSAL_WORKSPACE, now=now
        ).items
    ]
    session.commit()

    pushed = [
        do_assign(session=session, workspace_id=workspace_id, conversation_id=c, now=now)
        for c in order
    ]
    # The same moment again, for the batch.
    session.execute(
        update(Conversation)
        .where(Conversation.id.in_(order))
        .values(assignee_id=None, assigned_at=None)
    )
    for agent_id, idle_since in idle.items():
        session.execute(update(Agent).where(Agent.id == agent_id).values(idle_since=idle_since))
    session.execute(delete(Event).where(Event.id > events_before))
    session.commit()
    dispatched = do_dispatch_waiting(session=session, workspace_id=workspace_id, now=now)

    assert [d.conversation_id for d in dispatched.decisions] == order
    # The same agents, outcomes and reasons; who waits, says why in the batch's words.
    assert [(d.agent_id, d.outcome) for d in dispatched.decisions] == [
        (p.agent_id, p.outcome) for p in pushed
    ]
    assert [d.explanation for d in dispatched.decisions if d.assigned] == [
        p.explanation for p in pushed if p.assigned
    ]
    assert [d.runners_up for d in dispatched.decisions] == [p.runners_up for p in pushed]
    assert dispatched.assigned == 3 + 3 + 2  # agents 0, 2 and 3's free slots; 1 is away
    assert {d.outcome for d in dispatched.decisions} >= {"sticky", "nobody"}
    assert dispatched.agents_passed_over == 0
    held = dict(session.execute(select(Conversation.id, Conversation.assignee_id)).all())
    assert [held.get(d.conversation_id or 0) for d in dispatched.decisions] == [
        d.agent_id for d in dispatched.decisions
    ]
    assert _assigned_events(session)[1:] == [
        (d.conversation_id, d.agent_id) for d in dispatched.decisions if d.assigned
    ]


def test_a_batch_takes_the_most_urgent_first_and_within_free_slots(
    session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(session=session, agents=2, waiting=7, capacity=2, now=now)
    urgent = staged.conversation_ids[-1]
    session.execute(update(Conversation).where(Conversation.id == urgent).values(priority=5))
    session.commit()

    first = do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now, limit=3)
    second = do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now)

    assert [d.conversation_id for d in first.decisions] == [urgent, *staged.conversation_ids[:2]]
    assert first.assigned == 3
    assert [d.conversation_id for d in second.decisions] == staged.conversation_ids[2:6]
    assert [d.assigned for d in second.decisions] == [True, False, False, False]
    assert second.decisions[-1].explanation == (
        "nobody may take it now: no available agent has a free twitter slot"
    )
    per_agent = (
        session.execute(
            select(Conversation.assignee_id)
            .where(Conversation.assignee_id.is_not(None))
            .order_by(Conversation.assignee_id)
        )
        .scalars()
        .all()
    )
    assert per_agent == [staged.agent_ids[0]] * 2 + [staged.agent_ids[1]] * 2
    assert len(_assigned_events(session)) == 4


def test_a_batch_only_of_the_conversations_given(session: Session, now: datetime) -> None:
    staged = stage_rehearsal(session=session, agents=2, waiting=5, capacity=5, now=now)
    given = staged.conversation_ids[3:]

    dispatched = do_dispatch_waiting(
        session=session, workspace_id=staged.workspace_id, now=now, among=given
    )
    nothing = do_dispatch_waiting(
        session=session, workspace_id=staged.workspace_id, now=now, among=[]
    )

    assert [d.conversation_id for d in dispatched.decisions] == given
    assert dispatched.assigned == 2
    assert nothing.decisions == []


def test_nothing_is_dispatched_to_agents_away(session: Session, now: datetime) -> None:
    staged = stage_rehearsal(session=session, agents=1, waiting=2, capacity=5, now=now)
    do_set_agent_state(
        session=session,
        workspace_id=staged.workspace_id,
        agent_id=staged.agent_ids[0],
        state=AgentState.AWAY,
        now=now,
    )

    dispatched = do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now)

    assert dispatched.assigned == 0
    assert [d.outcome for d in dispatched.decisions] == ["nobody", "nobody"]
    assert _assigned_events(session) == []


def test_the_batch_goes_on_the_live_feed(session: Session, engine: Engine, now: datetime) -> None:
    staged = stage_rehearsal(session=session, agents=3, waiting=5, capacity=5, now=now)
    listener = NoticeListener(CHANNEL, engine)
    try:
        dispatched = do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now)
        heard = []
        for _ in range(50):
            heard += [
                event
                for payload in listener.wait(0.2).payloads
                for event in decode_live_events(payload)
                if event.type == "conversation.assigned"
            ]
            if len(heard) >= 5:
                break
    finally:
        listener.close()

    assert sorted((e.conversation_id, e.agent_id) for e in heard) == sorted(
        (d.conversation_id, d.agent_id) for d in dispatched.decisions
    )


@pytest.mark.parametrize("limit", [0, MAX_DISPATCH_BATCH + 1])
def test_a_batch_size_out_of_bounds_is_refused(session: Session, now: datetime, limit: int) -> None:
    staged = stage_rehearsal(session=session, agents=1, waiting=1, capacity=5, now=now)

    with pytest.raises(InvalidInputError, match="limit"):
        do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now, limit=limit)


def test_an_unknown_workspace_is_not_found(session: Session, now: datetime) -> None:
    with pytest.raises(NotFoundError):
        do_dispatch_waiting(session=session, workspace_id=999_999, now=now)
