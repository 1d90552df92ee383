"""Assigning conversations: push to the best agent (or the one given), pull the next one
for an agent, explicit takeovers, and agents' presence.

No collisions, on either database: a conversation is assigned under a lock on its row,
and an agent's load is counted under a lock on the agent's row, so two transactions never
give one conversation to two agents nor one agent more than their capacity. On
PostgreSQL these are `SELECT ... FOR UPDATE` (and `SKIP LOCKED` when pulling, so agents
pulling at once take different conversations instead of queueing behind each other); on
SQLite the write transaction (BEGIN IMMEDIATE) already holds the whole database. Locks are
always taken conversation first, then agent, except by a pull, which never waits for a
conversation's lock: no two transactions wait on each other in a cycle.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from carelane.assignments.roster_store import (
    ACTIVE,
    WAITING,
    RosterFrame,
    locked_agent,
    roster_agents,
    route_query,
    waiting_query,
)
from carelane.assignments.schemas import AgentStateOut, AssignmentOut
from carelane.domain.errors import ConflictError, NotFoundError
from carelane.domain.events import EventType
from carelane.routing.agents import AgentSnapshot, AgentState
from carelane.routing.assignment import check_assignment, take_over
from carelane.routing.lane_notices import owning_lane_notice
from carelane.routing.pull import WaitingQueue, next_conversation
from carelane.routing.push import PushOutcome, choose_agent
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Agent, Channel, Conversation

PULL_PAGE = 50
"""Waiting conversations a pull reads at a time, in queue order."""
PULL_PAGES = 20
"""Pages a pull reads at most before it says nothing fits (1,000 conversations)."""
PUSH_ATTEMPTS = 5
"""Agents a push tries when the one chosen filled up meanwhile."""


class ConversationClosedError(ConflictError):
    """The conversation is resolved or closed: nobody is assigned to it."""

    code = "conversation_closed"


def locked_conversation(
    session: Session, frame: RosterFrame, conversation_id: int
) -> ConversationToRoute:
    row = session.execute(
        route_query(frame.workspace_id)
        .where(Conversation.id == conversation_id)
        .with_for_update(of=Conversation)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no conversation {conversation_id} in this workspace")
    if row.status not in ACTIVE:
        raise ConversationClosedError(f"conversation {conversation_id} is {row.status}")
    return frame.to_route(row)


def _hold(
    session: Session,
    *,
    frame: RosterFrame,
    conversation: ConversationToRoute,
    snapshot: AgentSnapshot,
    outcome: str,
    explanation: str,
    now: datetime,
    by_agent_id: int | None,
    event: EventType = EventType.CONVERSATION_ASSIGNED,
    extra: dict[str, Any] | None = None,
) -> AssignmentOut:
    """Write that the agent of `snapshot` holds `conversation` from `now`, and its events."""
    holder = conversation.holder_id
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(
            assignee_id=snapshot.id,
            assigned_at=now,
            updated_at=now,
            previous_assignee_id=(
                holder if holder not in (None, snapshot.id) else Conversation.previous_assignee_id
            ),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Agent)
        .where(Agent.id == snapshot.id)
        .values(idle_since=now)
        .execution_options(synchronize_session=False)
    )
    roster = frame.roster([snapshot])
    notice = owning_lane_notice(conversation=conversation, agent=snapshot, roster=roster)
    events = [
        EventRow(
            frame.workspace_id,
            event,
            now,
            conversation_id=conversation.id,
            agent_id=snapshot.id,
            data={
                "outcome": outcome,
                "explanation": explanation,
                "by_agent_id": by_agent_id,
                "network": conversation.network.value,
                **(extra or {}),
            },
        )
    ]
    if notice is not None:
        events.append(
            EventRow(
                frame.workspace_id,
                EventType.LANE_NOTIFIED,
                now,
                conversation_id=conversation.id,
                agent_id=snapshot.id,
                data={
                    "lane": notice.lane,
                    "owning_teams": list(notice.owning_teams),
                    "message": notice.message,
                },
            )
        )
    append_events(session, events, now=now)
    return AssignmentOut(
        conversation_id=conversation.id,
        agent_id=snapshot.id,
        agent_name=snapshot.name,
        assigned=True,
        outcome=outcome,
        explanation=explanation,
        lane_notice=notice.message if notice is not None else None,
    )


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
        frame = RosterFrame.of(session, workspace_id)
        conversation = locked_conversation(session, frame, conversation_id)
        if agent_id is not None:
            name, snapshot = locked_agent(session, frame, agent_id)
            check_assignment(conversation, snapshot)
            if conversation.holder_id == snapshot.id:
                return _unchanged(conversation, snapshot, "already held by them")
            return _hold(
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
    agent now, never to one of `passing_over`; or say why nobody may take it."""
    agents = {
        snapshot.id: snapshot
        for snapshot in roster_agents(session, frame)
        if snapshot.id not in passing_over
    }
    for _ in range(PUSH_ATTEMPTS):
        decision = choose_agent(conversation, frame.roster(agents.values()), now=now)
        if decision.agent is None:
            return AssignmentOut(
                conversation_id=conversation.id,
                agent_id=conversation.holder_id,
                agent_name=None,
                assigned=False,
                outcome=decision.outcome.value,
                explanation=decision.explanation,
            )
        _, snapshot = locked_agent(session, frame, decision.agent.id)
        if snapshot.has_room_on(conversation.network):
            result = _hold(
                session,
                frame=frame,
                conversation=conversation,
                snapshot=snapshot,
                outcome=decision.outcome.value,
                explanation=decision.explanation,
                now=now,
                by_agent_id=by_agent_id,
                extra={"overflowing": decision.overflow.overflowing},
            )
            return result.model_copy(update={"runners_up": list(decision.runners_up)})
        agents[snapshot.id] = snapshot  # filled up meanwhile: choose again
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


def do_next_conversation(
    *, session: Session, workspace_id: int, agent_id: int, now: datetime
) -> AssignmentOut:
    """Give agent `agent_id` the most urgent waiting conversation they may take
    (`routing.pull`) and log `conversation.assigned`; or say why there is none.

    Conversations another pull holds locked at this moment are passed over (on
    PostgreSQL), so concurrent pulls take different ones. NotFoundError for an agent
    outside the workspace.
    """
    with unit_of_work(session):
        frame = RosterFrame.of(session, workspace_id)
        _, snapshot = locked_agent(session, frame, agent_id)
        roster = frame.roster([snapshot])
        networks = [n.value for n in snapshot.profile.capacity if snapshot.has_room_on(n)]
        lanes = frame.agent_lanes(snapshot)
        candidates = waiting_query(workspace_id, now=now).where(
            Conversation.tier <= snapshot.profile.tier
        )
        if snapshot.state in (AgentState.AWAY, AgentState.OFFLINE) or not networks or not lanes:
            return _nothing(snapshot, roster, now)
        lane_filter: ColumnElement[bool] = Conversation.lane.in_(sorted(lanes))
        if frame.default_lane in lanes:
            lane_filter = lane_filter | Conversation.lane.is_(None)
        candidates = candidates.where(Channel.network.in_(networks), lane_filter)
        taken: set[int] = set()
        for page in range(PULL_PAGES):
            rows = session.execute(candidates.offset(page * PULL_PAGE).limit(PULL_PAGE)).all()
            queue = WaitingQueue([frame.to_route(row) for row in rows], roster=roster, now=now)
            while True:
                decision = next_conversation(snapshot, queue, exclude=taken)
                chosen = decision.conversation
                if chosen is None:
                    break
                if _lock_waiting(session, chosen.id):
                    return _hold(
                        session,
                        frame=frame,
                        conversation=chosen,
                        snapshot=snapshot,
                        outcome="pulled",
                        explanation=decision.explanation,
                        now=now,
                        by_agent_id=snapshot.id,
                        extra={"by_overflow": decision.by_overflow},
                    )
                taken.add(chosen.id)  # another agent is taking it right now
            if len(rows) < PULL_PAGE:
                break
        return _nothing(snapshot, roster, now)


def _lock_waiting(session: Session, conversation_id: int) -> bool:
    """Lock the conversation if it still waits for an agent and no one else has it locked
    (PostgreSQL re-reads a row changed since the candidates were read)."""
    locked = session.scalar(
        select(Conversation.id)
        .where(
            Conversation.id == conversation_id,
            Conversation.assignee_id.is_(None),
            Conversation.status.in_(WAITING),
        )
        .with_for_update(skip_locked=True)
    )
    return locked is not None


def _nothing(snapshot: AgentSnapshot, roster: Roster, now: datetime) -> AssignmentOut:
    decision = next_conversation(snapshot, WaitingQueue([], roster=roster, now=now))
    return AssignmentOut(
        conversation_id=None,
        agent_id=snapshot.id,
        agent_name=snapshot.name,
        assigned=False,
        outcome=PushOutcome.NOBODY.value,
        explanation=decision.explanation.replace("(0 waiting in all)", "").strip(),
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

    Raises NotHeldError when nobody holds it, CapacityExceededError when the taker has no
    free slot, InvalidInputError without a reason or when the taker holds it already.
    """
    with unit_of_work(session):
        frame = RosterFrame.of(session, workspace_id)
        conversation = locked_conversation(session, frame, conversation_id)
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
        return _hold(
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


def do_set_agent_state(
    *, session: Session, workspace_id: int, agent_id: int, state: AgentState, now: datetime
) -> AgentStateOut:
    """Set an agent's presence and log `agent.state_changed` (nothing when it is the same).
    Becoming available starts their idle time if none runs; signing out ends it."""
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
