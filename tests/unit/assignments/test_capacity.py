"""Pushing to capacity as it appears, on SQLite and PostgreSQL: an agent set available is
pushed the most urgent waiting conversations up to their free slots; a slot freed by a
resolve, a transfer or a takeover is refilled at once; an agent away, busy or offline is
pushed nothing; a dispatch to some agents gives nothing to the others."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carelane.assignments.dispatch import do_dispatch_waiting
from carelane.assignments.next_conversation import do_next_conversation
from carelane.assignments.rehearsal import Rehearsal, stage_rehearsal
from carelane.assignments.schemas import AgentStateOut
from carelane.assignments.service import do_set_agent_state, do_take_over
from carelane.assignments.transfers import do_transfer
from carelane.conversations.status import do_set_status
from carelane.domain.conversations import ConversationStatus
from carelane.routing.agents import AgentState
from carelane.store.models import Conversation, Event


def _holders(session: Session) -> dict[int, int | None]:
    session.rollback()
    return dict(session.execute(select(Conversation.id, Conversation.assignee_id)).all())


def _set(
    session: Session, staged: Rehearsal, agent_id: int, state: AgentState, now: datetime
) -> AgentStateOut:
    return do_set_agent_state(
        session=session, workspace_id=staged.workspace_id, agent_id=agent_id, state=state, now=now
    )


def test_an_agent_set_available_is_pushed_the_most_urgent_up_to_their_slots(
    session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(
        session=session, agents=2, waiting=6, capacity=2, now=now, push_to_free_agents=True
    )
    first, second = staged.agent_ids
    conversations = staged.conversation_ids
    for agent_id in (first, second):
        _set(session, staged, agent_id, AgentState.AWAY, now)
    urgent = conversations[-1]
    session.execute(update(Conversation).where(Conversation.id == urgent).values(priority=5))
    session.commit()

    made_available = _set(session, staged, first, AgentState.AVAILABLE, now)

    assert made_available.changed
    assert made_available.assigned_conversation_ids == [urgent, conversations[0]]
    held = _holders(session)
    assert [c for c, agent in held.items() if agent == first] == sorted([urgent, conversations[0]])
    assert [c for c, agent in held.items() if agent is None] == conversations[1:-1]
    assigned = session.execute(
        select(Event.conversation_id, Event.agent_id).where(Event.type == "conversation.assigned")
    ).all()
    assert sorted(assigned) == sorted([(urgent, first), (conversations[0], first)])


def test_in_lanes_that_do_not_push_to_free_agents_an_agent_set_available_pulls(
    session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(session=session, agents=1, waiting=3, capacity=2, now=now)
    [agent_id] = staged.agent_ids
    first, second, third = staged.conversation_ids
    _set(session, staged, agent_id, AgentState.AWAY, now)

    made_available = _set(session, staged, agent_id, AgentState.AVAILABLE, now)
    pulled = do_next_conversation(
        session=session, workspace_id=staged.workspace_id, agent_id=agent_id, now=now
    )
    do_set_status(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=first,
        status=ConversationStatus.RESOLVED,
        now=now,
    )

    assert made_available.changed
    assert made_available.assigned_conversation_ids == []
    assert (pulled.conversation_id, pulled.assigned) == (first, True)
    held = _holders(session)
    assert (held[second], held[third]) == (None, None), "the freed slot is left for a pull"


def test_an_agent_set_away_busy_or_offline_is_pushed_nothing(
    session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(
        session=session, agents=1, waiting=2, capacity=5, now=now, push_to_free_agents=True
    )
    [agent_id] = staged.agent_ids

    answers = [
        _set(session, staged, agent_id, state, now)
        for state in (AgentState.AWAY, AgentState.BUSY, AgentState.OFFLINE)
    ]

    assert [a.assigned_conversation_ids for a in answers] == [[], [], []]
    assert set(_holders(session).values()) == {None}
    assert session.scalar(select(Event.id).where(Event.type == "conversation.assigned")) is None


def test_resolving_frees_a_slot_that_is_refilled_at_once(session: Session, now: datetime) -> None:
    staged = stage_rehearsal(
        session=session, agents=1, waiting=3, capacity=2, now=now, push_to_free_agents=True
    )
    [agent_id] = staged.agent_ids
    first, second, third = staged.conversation_ids
    do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now)
    assert _holders(session) == {first: agent_id, second: agent_id, third: None}

    resolved = do_set_status(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=first,
        status=ConversationStatus.RESOLVED,
        by_agent_id=agent_id,
        now=now,
    )

    assert resolved.changed
    assert _holders(session) == {first: None, second: agent_id, third: agent_id}
    assert (
        session.scalar(select(Conversation.previous_assignee_id).where(Conversation.id == first))
        == agent_id
    )


def test_a_transfer_refills_the_slot_but_never_with_what_was_given_away(
    session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(
        session=session, agents=1, waiting=2, capacity=1, now=now, push_to_free_agents=True
    )
    [agent_id] = staged.agent_ids
    first, second = staged.conversation_ids
    do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now)

    # The agent's team owns the target lane too: by stickiness alone it would come back.
    do_transfer(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=first,
        note="For the campaign team",
        to_lane="Marketing/PR",
        by_agent_id=agent_id,
        now=now,
    )

    assert _holders(session) == {first: None, second: agent_id}


def test_a_takeover_refills_the_slot_of_whom_it_was_taken_from(
    session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(
        session=session, agents=2, waiting=2, capacity=1, now=now, push_to_free_agents=True
    )
    holder, taker = staged.agent_ids
    first, second = staged.conversation_ids
    _set(session, staged, taker, AgentState.BUSY, now)
    do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now)
    assert _holders(session) == {first: holder, second: None}

    do_take_over(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=first,
        agent_id=taker,
        reason="the customer asked for the specialist",
        now=now,
    )

    assert _holders(session) == {first: taker, second: holder}


def test_a_dispatch_to_some_agents_gives_nothing_to_the_others(
    session: Session, now: datetime
) -> None:
    staged = stage_rehearsal(
        session=session, agents=2, waiting=3, capacity=2, now=now, push_to_free_agents=True
    )
    passed, chosen = staged.agent_ids
    first, second, third = staged.conversation_ids

    nobody = do_dispatch_waiting(
        session=session, workspace_id=staged.workspace_id, now=now, agents=[]
    )
    dispatched = do_dispatch_waiting(
        session=session, workspace_id=staged.workspace_id, now=now, agents=[chosen]
    )

    assert nobody.decisions == []
    assert [(d.conversation_id, d.agent_id) for d in dispatched.decisions] == [
        (first, chosen),
        (second, chosen),
        (third, None),
    ]
    assert dispatched.decisions[-1].explanation == (
        "nobody may take it now: no available agent has a free twitter slot"
    )
    assert passed not in _holders(session).values()
