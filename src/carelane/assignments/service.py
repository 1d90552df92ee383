"""Assigning conversations: push to the best agent (or the one given), explicit
takeovers, and agents' presence; pulling the next one is `next_conversation`'s.

No collisions, on either database: a conversation is assigned under a lock on its row,
and an agent's load is counted after a lock on the agent's row (by the very statement
that gives them the conversation, when pushing), so two transactions never give one
conversation to two agents nor one agent more than their capacity. On PostgreSQL these
are `SELECT ... FOR UPDATE`, with `SKIP LOCKED` where waiting would only slow a decision
down: a pull passes over conversations other pulls are taking, a push over an agent
another push is giving a conversation to. On SQLite the write transaction (BEGIN
IMMEDIATE) already holds the whole database. Locks are always taken conversation first,
then agent, except by a pull, which never waits for a conversation's lock: no two
transactions wait on each other in a cycle.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.assignments.agent_reads import (
    agent_load,
    lock_agent,
    locked_agent,
    roster_agents,
)
from carelane.assignments.capacity import do_push_waiting_to_agents
from carelane.assignments.conversation_reads import LOCK_CONVERSATION
from carelane.assignments.holding import hold_if_room, record_hold
from carelane.assignments.roster_store import ACTIVE, RosterFrame
from carelane.assignments.schemas import AgentStateOut, AssignmentOut
from carelane.domain.errors import ConflictError, NotFoundError
from carelane.domain.events import EventType
from carelane.routing.agents import AgentSnapshot, AgentState
from carelane.routing.assignment import check_assignment, take_over
from carelane.routing.push import PushOutcome, choose_agent
from carelane.routing.requirements import ConversationToRoute
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Agent

PUSH_ATTEMPTS = 5
"""Agents a push tries when the one chosen filled up, or is being given another
conversation, meanwhile."""


class ConversationClosedError(ConflictError):
    """The conversation is resolved or closed: nobody is assigned to it."""

    code = "conversation_closed"


def locked_conversation(
    session: Session, frame: RosterFrame, conversation_id: int
) -> ConversationToRoute:
    """The conversation of the frame's workspace, its row locked until the transaction
    ends. NotFoundError outside the workspace; ConversationClosedError once resolved."""
    return _locked_conversation(session, frame.workspace_id, conversation_id)[1]


def _locked_conversation(
    session: Session, workspace_id: int, conversation_id: int
) -> tuple[RosterFrame, ConversationToRoute]:
    """The workspace's roster frame and the conversation, its row locked, in one
    statement."""
    row = (
        session.connection()
        .execute(
            LOCK_CONVERSATION, {"conversation_id": conversation_id, "workspace_id": workspace_id}
        )
        .one_or_none()
    )
    if row is None:
        RosterFrame.of(session, workspace_id)  # NotFoundError for an unknown workspace
        raise NotFoundError(f"no conversation {conversation_id} in this workspace")
    if row.status not in ACTIVE:
        raise ConversationClosedError(f"conversation {conversation_id} is {row.status}")
    frame = RosterFrame.at(session, workspace_id, row.roster_version, row.lanes_yaml)
    return frame, frame.to_route(row)


def do_assign(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    now: datetime,
    agent_id: int | None = None,
    by_agent_id: int | None = None,
) -> AssignmentOut:
    """Give a conversation to `agent_id`, or push it to the best agent now (sticky,
    skills, standing, tier, occupancy, idle time: `routing.push`), and log
    `conversation.assigned` (and `lane.notified` when the agent answers outside their lane).

    A push that finds nobody assigns nothing and says why. Raises ConversationHeldError
    when another agent holds it (take it over instead), CapacityExceededError when the
    agent given has no free slot on its network, ConversationClosedError, NotFoundError.
    """
    with unit_of_work(session):
        frame, conversation = _locked_conversation(session, workspace_id, conversation_id)
        if agent_id is not None:
            name, snapshot = locked_agent(session, frame, agent_id)
            check_assignment(conversation, snapshot)
            if conversation.holder_id == snapshot.id:
                return _unchanged(conversation, snapshot, "already held by them")
            return record_hold(
                session,
                frame=frame,
                conversation=conversation,
                snapshot=snapshot,
                outcome="chosen",
                explanation=f"assigned to {name} by hand",
                now=now,
                by_agent_id=by_agent_id,
            )
        return push_conversation(
            session, frame=frame, conversation=conversation, now=now, by_agent_id=by_agent_id
        )


def push_conversation(
    session: Session,
    *,
    frame: RosterFrame,
    conversation: ConversationToRoute,
    now: datetime,
    by_agent_id: int | None = None,
    passing_over: frozenset[int] = frozenset(),
) -> AssignmentOut:
    """Push `conversation` (locked by the caller, in the caller's transaction) to the best
    agent now, never to one of `passing_over`; or say why nobody may take it.

    An agent chosen whom another transaction is giving a conversation this very moment
    (their row locked, on PostgreSQL) is passed over for the next best, who ranks above
    them once that conversation is theirs; only when nobody else may take it does the
    push wait for such an agent."""
    connection = session.connection()
    agents = {
        snapshot.id: snapshot
        for snapshot in roster_agents(connection, frame)
        if snapshot.id not in passing_over
    }
    being_given: dict[int, AgentSnapshot] = {}
    for attempt in range(PUSH_ATTEMPTS):
        decision = choose_agent(conversation, frame.roster(agents.values()), now=now)
        wait = attempt == PUSH_ATTEMPTS - 1
        if decision.agent is None and being_given:
            agents.update(being_given)  # nobody else: wait for one of them
            being_given.clear()
            decision = choose_agent(conversation, frame.roster(agents.values()), now=now)
            wait = True
        if decision.agent is None:
            return AssignmentOut(
                conversation_id=conversation.id,
                agent_id=conversation.holder_id,
                agent_name=None,
                assigned=False,
                outcome=decision.outcome.value,
                explanation=decision.explanation,
            )
        chosen = decision.agent
        row = lock_agent(connection, frame.workspace_id, chosen.id, skip_locked=not wait)
        if row is None:
            being_given[chosen.id] = agents.pop(chosen.id)
            continue
        snapshot = frame.snapshot(row, chosen.load)
        if hold_if_room(connection, conversation, snapshot, now):
            result = record_hold(
                session,
                frame=frame,
                conversation=conversation,
                snapshot=snapshot,
                outcome=decision.outcome.value,
                explanation=decision.explanation,
                now=now,
                by_agent_id=by_agent_id,
                extra={"overflowing": decision.overflow.overflowing},
                claimed=True,
            )
            return result.model_copy(update={"runners_up": list(decision.runners_up)})
        # Filled up meanwhile: choose again, with the load counted now.
        agents[chosen.id] = frame.snapshot(row, agent_load(connection, chosen.id))
    return AssignmentOut(
        conversation_id=conversation.id,
        agent_id=None,
        agent_name=None,
        assigned=False,
        outcome=PushOutcome.NOBODY.value,
        explanation="every agent chosen filled up meanwhile; it waits in the queue",
    )


def _unchanged(conversation: ConversationToRoute, agent: AgentSnapshot, why: str) -> AssignmentOut:
    return AssignmentOut(
        conversation_id=conversation.id,
        agent_id=agent.id,
        agent_name=agent.name,
        assigned=False,
        outcome=PushOutcome.HELD.value,
        explanation=why,
    )


def do_take_over(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    agent_id: int,
    reason: str,
    now: datetime,
    by_agent_id: int | None = None,
) -> AssignmentOut:
    """Agent `agent_id` takes a conversation another agent holds, for `reason`; logged as
    `conversation.taken_over` naming who held it, who took it, when and why.

    The slot it frees is refilled at once from the waiting queue, once the takeover has
    committed (`assignments.capacity`).

    Raises NotHeldError when nobody holds it, CapacityExceededError when the taker has no
    free slot, InvalidInputError without a reason or when the taker holds it already.
    """
    with unit_of_work(session):
        frame, conversation = _locked_conversation(session, workspace_id, conversation_id)
        holder_id = conversation.holder_id
        holder = None
        if holder_id is not None:
            holder_row = session.execute(
                select(Agent.id, Agent.name, Agent.state, Agent.idle_since).where(
                    Agent.id == holder_id
                )
            ).one()
            holder = frame.snapshot(holder_row, {})
        _, snapshot = locked_agent(session, frame, agent_id)
        takeover = take_over(
            conversation=conversation,
            holder=holder or snapshot,
            taker=snapshot,
            reason=reason,
            now=now,
        )
        taken = record_hold(
            session,
            frame=frame,
            conversation=conversation,
            snapshot=snapshot,
            outcome="taken over",
            explanation=takeover.explanation,
            now=now,
            by_agent_id=by_agent_id or agent_id,
            event=EventType.CONVERSATION_TAKEN_OVER,
            extra={"from_agent_id": takeover.from_agent_id, "reason": takeover.reason},
        )
    do_push_waiting_to_agents(
        session=session, workspace_id=workspace_id, agent_ids=[takeover.from_agent_id], now=now
    )
    return taken


def do_set_agent_state(
    *,
    session: Session,
    workspace_id: int,
    agent_id: int,
    state: AgentState,
    now: datetime,
    push_waiting: bool = True,
) -> AgentStateOut:
    """Set an agent's presence and log `agent.state_changed` (nothing when it is the same).
    Becoming available starts their idle time if none runs; signing out ends it.

    An agent set available is pushed the most urgent waiting conversations they may take,
    up to their free slots, once their presence has committed (`assignments.capacity`);
    not when `push_waiting` is False (a roster being staged)."""
    out = _set_agent_state(session, workspace_id, agent_id, state, now)
    if state is not AgentState.AVAILABLE or not push_waiting:
        return out
    pushed = do_push_waiting_to_agents(
        session=session, workspace_id=workspace_id, agent_ids=[agent_id], now=now
    )
    return out.model_copy(
        update={
            "assigned_conversation_ids": [
                d.conversation_id
                for d in pushed.decisions
                if d.assigned and d.conversation_id is not None
            ]
        }
    )


def _set_agent_state(
    session: Session, workspace_id: int, agent_id: int, state: AgentState, now: datetime
) -> AgentStateOut:
    with unit_of_work(session):
        agent = session.scalar(
            select(Agent)
            .where(Agent.id == agent_id, Agent.workspace_id == workspace_id)
            .with_for_update()
        )
        if agent is None:
            raise NotFoundError(f"no agent {agent_id} in this workspace")
        before = AgentState(agent.state)
        changed = before is not state
        if changed:
            agent.state = state.value
            agent.state_changed_at = now
            if state is AgentState.OFFLINE:
                agent.idle_since = None
            elif agent.idle_since is None:
                agent.idle_since = now
            append_events(
                session,
                [
                    EventRow(
                        workspace_id,
                        EventType.AGENT_STATE_CHANGED,
                        now,
                        agent_id=agent.id,
                        data={"from": before.value, "to": state.value},
                    )
                ],
                now=now,
            )
        return AgentStateOut(
            agent_id=agent.id,
            name=agent.name,
            state=state,
            changed=changed,
            state_changed_at=agent.state_changed_at,
            idle_since=agent.idle_since,
        )
