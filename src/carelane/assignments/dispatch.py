"""Dispatching the waiting queue in batches, as a call distributor does when a burst
arrives or agents free up: one transaction takes the most urgent waiting conversations,
gives each to the best free agent by the very policy a single push follows
(`routing.push.choose_agent`: sticky, skills, standing, tier, occupancy, idle time, free
slots), counting every agent's load up as it goes, and writes the assignments and their
events a statement per table, with one live-feed notice for the batch.

No collisions, as for a single push (see `assignments.service`): the batch's
conversations are locked first, then the available agents', and the agents' loads are
counted after their locks, so nobody else can give those conversations or add to those
loads until the batch commits. On PostgreSQL both locks are taken with `SKIP LOCKED`: a
conversation another transaction is deciding is left to it, and an agent someone is
giving a conversation this very moment is not offered any of the batch. A dispatch never
waits for a lock, so it never waits on another transaction in a cycle.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text, update
from sqlalchemy.orm import Session

from carelane.assignments.agent_reads import (
    LOCK_AVAILABLE_AGENTS,
    LOCK_AVAILABLE_AGENTS_AMONG,
    roster_agents,
)
from carelane.assignments.conversation_reads import DISPATCH_HEADS, OFFERED_DISPATCH_HEADS
from carelane.assignments.holding import hold_record
from carelane.assignments.roster_store import RosterFrame, agent_t, conversation_t
from carelane.assignments.schemas import AssignmentOut
from carelane.domain.channels import Network
from carelane.domain.errors import FieldError, InvalidInputError
from carelane.routing.agents import AgentSnapshot, AgentState, name_key
from carelane.routing.assignment import check_room
from carelane.routing.push import PushOutcome, choose_agent
from carelane.routing.queues import DEFAULT_BREACH_WINDOW
from carelane.routing.requirements import ConversationToRoute
from carelane.store.bulk_writes import update_rows
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.value_lists import is_one_of

DISPATCH_BATCH = 200
"""Waiting conversations a dispatch takes at a time, unless told otherwise."""
MAX_DISPATCH_BATCH = 5000
"""The most a dispatch takes at a time: its locks are held until it commits."""


@dataclass(frozen=True, slots=True)
class Dispatch:
    """What one dispatch decided, for each conversation it took up, in queue order; and
    how many available agents it passed over because another transaction was giving each
    of them a conversation at that moment (on PostgreSQL)."""

    decisions: list[AssignmentOut]
    agents_passed_over: int = 0

    @property
    def assigned(self) -> int:
        return sum(decision.assigned for decision in self.decisions)


def do_dispatch_waiting(
    *,
    session: Session,
    workspace_id: int,
    now: datetime,
    limit: int = DISPATCH_BATCH,
    among: Collection[int] | None = None,
    agents: Collection[int] | None = None,
    sparing: Collection[int] = (),
) -> Dispatch:
    """Push the `limit` most urgent conversations waiting for an agent (new or open, held
    by nobody; only those of `among`, when given) to the best free agents now, in queue
    order, in one transaction; log `conversation.assigned` for each (and `lane.notified`
    when the agent answers outside their lane), as a push does.

    With `agents`, only to those agents (the ones capacity just appeared for): the batch
    is then the most urgent of what they may be offered (their lanes whose policy pushes
    to free agents, networks with a free slot, tiers), never one of `sparing` (what they
    just gave away).

    What nobody may take waits in the queue, with the reason in its decision. A
    conversation another transaction holds locked is left out (on PostgreSQL).
    InvalidInputError for a `limit` outside 1 to 5,000; NotFoundError for an unknown
    workspace."""
    if not 1 <= limit <= MAX_DISPATCH_BATCH:
        raise InvalidInputError(
            [FieldError("limit", f"is {limit}; a dispatch takes 1 to {MAX_DISPATCH_BATCH:,}")]
        )
    if (among is not None and not among) or (agents is not None and not agents):
        return Dispatch([])
    if agents is not None:
        return _dispatch_to(
            session,
            workspace_id,
            now=now,
            limit=limit,
            among=among,
            agents=agents,
            sparing=sparing,
        )
    with unit_of_work(session):
        connection = session.connection()
        rows = _waiting_head(connection, workspace_id, now, limit, among)
        if not rows:
            RosterFrame.of(session, workspace_id)  # NotFoundError for an unknown workspace
            return Dispatch([])
        frame = RosterFrame.at(session, workspace_id, rows[0].roster_version, rows[0].lanes_yaml)
        locked = set(
            connection.execute(LOCK_AVAILABLE_AGENTS, {"workspace_id": workspace_id}).scalars()
        )
        everyone = roster_agents(connection, frame)  # loads counted after the locks
        free = {agent.id: agent for agent in everyone if agent.id in locked}
        passed_over = sum(
            agent.state is AgentState.AVAILABLE and agent.id not in locked for agent in everyone
        )
        decisions, holds, events = _decide(frame, [frame.to_route(row) for row in rows], free, now)
        if holds:
            _write_holds(session, holds, now)
            append_events(session, events, now=now)
        return Dispatch(decisions, passed_over)


_HOLD_ALL = text(
    "UPDATE conversation SET assignee_id = held.agent, assigned_at = :at, updated_at = :at"
    " FROM unnest(CAST(:conversations AS bigint[]), CAST(:agents AS bigint[]))"
    " AS held (conversation, agent) WHERE conversation.id = held.conversation"
).bindparams(bindparam("at", type_=conversation_t.c.assigned_at.type))
"""Each conversation of a batch held by its agent, in one statement (PostgreSQL)."""


def _write_holds(session: Session, holds: Sequence[tuple[int, int]], now: datetime) -> None:
    """Each (conversation, agent) pair held from `now`, and each agent busy since: a
    statement per table for the whole batch (an executemany of the conversations on
    SQLite, which has no arrays)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            _HOLD_ALL,
            {
                "conversations": [conversation for conversation, _ in holds],
                "agents": [agent for _, agent in holds],
                "at": now,
            },
        )
    else:
        update_rows(
            session,
            conversation_t,
            "id",
            [
                {"id": conversation, "assignee_id": agent, "assigned_at": now, "updated_at": now}
                for conversation, agent in holds
            ],
        )
    busy = {agent for _, agent in holds}
    session.execute(
        update(agent_t).where(is_one_of(session, agent_t.c.id, busy)).values(idle_since=now)
    )


def _dispatch_to(
    session: Session,
    workspace_id: int,
    *,
    now: datetime,
    limit: int,
    among: Collection[int] | None,
    agents: Collection[int],
    sparing: Collection[int],
) -> Dispatch:
    """`do_dispatch_waiting` to `agents` only: their rows locked first (none waits for a
    lock, as in a whole dispatch), then the most urgent of what they may be offered."""
    wanted = set(agents)
    with unit_of_work(session):
        connection = session.connection()
        frame = RosterFrame.of(session, workspace_id)
        locked = set(
            connection.execute(
                LOCK_AVAILABLE_AGENTS_AMONG,
                {"workspace_id": workspace_id, "agents": sorted(wanted)},
            ).scalars()
        )
        everyone = roster_agents(connection, frame)  # loads counted after the locks
        free = {agent.id: agent for agent in everyone if agent.id in locked}
        passed_over = sum(
            agent.id in wanted and agent.state is AgentState.AVAILABLE and agent.id not in locked
            for agent in everyone
        )
        offered = _offered_to(frame, free.values(), pushing_only=True)
        if offered is None:
            return Dispatch([], passed_over)
        offered["sparing"] = sorted(sparing)
        rows = _waiting_head(connection, workspace_id, now, limit, among, offered=offered)
        decisions, holds, events = _decide(frame, [frame.to_route(row) for row in rows], free, now)
        if holds:
            _write_holds(session, holds, now)
            append_events(session, events, now=now)
        return Dispatch(decisions, passed_over)


def _offered_to(
    frame: RosterFrame, agents: Iterable[AgentSnapshot], *, pushing_only: bool = False
) -> dict[str, Any] | None:
    """What `agents` may be offered, as `dispatch_head` asks it (`lanes`, `networks` with a
    free slot, `tier`), and whether the default lane is among their lanes; None when they
    may be offered nothing. `pushing_only`: only lanes whose policy pushes to free agents."""
    pushing = {name_key(p.name) for p in frame.lanes if p.push_to_free_agents}
    lanes: set[str] = set()
    networks: set[str] = set()
    tier = 0
    for agent in agents:
        with_room = [n.value for n in agent.profile.capacity if agent.has_room_on(n)]
        agent_lanes = frame.agent_lanes(agent)
        if pushing_only:
            agent_lanes = {lane for lane in agent_lanes if name_key(lane) in pushing}
        if with_room and agent_lanes:
            networks.update(with_room)
            lanes |= agent_lanes
            tier = max(tier, agent.profile.tier)
    if not lanes:
        return None
    return {
        "lanes": sorted(lanes),
        "networks": sorted(networks),
        "tier": tier,
        "default_lane_too": frame.default_lane in lanes,
    }


def _waiting_head(
    connection: Connection,
    workspace_id: int,
    now: datetime,
    limit: int,
    among: Collection[int] | None,
    *,
    offered: dict[str, Any] | None = None,
) -> list[Any]:
    """The batch's conversations, locked: those at risk first, then the others (only
    those `offered`, when given: see `_offered_to`)."""
    asked: dict[str, Any] = {
        "workspace_id": workspace_id,
        "at_risk_until": now + DEFAULT_BREACH_WINDOW,
    }
    if among is not None:
        asked["among"] = sorted(among)
    default_lane_too = False
    if offered is not None:
        asked.update(offered)
        default_lane_too = bool(asked.pop("default_lane_too"))
    rows: list[Any] = []
    for at_risk in (True, False):
        if len(rows) >= limit:
            break
        if offered is None:
            head = DISPATCH_HEADS[(at_risk, among is not None)]
        else:
            head = OFFERED_DISPATCH_HEADS[(at_risk, among is not None, default_lane_too)]
        rows += connection.execute(head, {**asked, "limit": limit - len(rows)}).all()
    return rows


def _decide(
    frame: RosterFrame,
    conversations: Sequence[ConversationToRoute],
    free: dict[int, AgentSnapshot],
    now: datetime,
) -> tuple[list[AssignmentOut], list[tuple[int, int]], list[EventRow]]:
    """Each conversation, in queue order, pushed to the best of the `free` agents (whose
    loads are counted up as they are given conversations); the decisions, the
    (conversation, agent) pairs to write and their events."""
    decisions: list[AssignmentOut] = []
    holds: list[tuple[int, int]] = []
    events: list[EventRow] = []
    with_room: dict[Network, int] = {}
    """Free agents with a slot left on each network: none, and nobody need be assessed."""
    roster = frame.roster(free.values())
    for conversation in conversations:
        network = conversation.network
        if network not in with_room:
            with_room[network] = sum(agent.has_room_on(network) for agent in free.values())
        if not with_room[network]:
            decisions.append(
                _waits(
                    conversation,
                    PushOutcome.NOBODY.value,
                    f"nobody may take it now: no available agent has a free {network} slot",
                )
            )
            continue
        decision = choose_agent(conversation, roster, now=now)
        chosen = decision.agent
        if chosen is None:
            decisions.append(_waits(conversation, decision.outcome.value, decision.explanation))
            continue
        check_room(chosen, conversation)  # the policy's promise, kept
        load = dict(chosen.load)
        load[network] = load.get(network, 0) + 1
        given = replace(chosen, load=load, idle_since=now)
        free[chosen.id] = given
        roster = roster.replacing(given)
        for other in with_room:
            if chosen.has_room_on(other) and not given.has_room_on(other):
                with_room[other] -= 1
        held_events, result = hold_record(
            frame=frame,
            conversation=conversation,
            snapshot=chosen,
            outcome=decision.outcome.value,
            explanation=decision.explanation,
            now=now,
            by_agent_id=None,
            extra={"overflowing": decision.overflow.overflowing},
        )
        holds.append((conversation.id, chosen.id))
        events += held_events
        decisions.append(result.model_copy(update={"runners_up": list(decision.runners_up)}))
    return decisions, holds, events


def _waits(conversation: ConversationToRoute, outcome: str, explanation: str) -> AssignmentOut:
    return AssignmentOut(
        conversation_id=conversation.id,
        agent_id=None,
        agent_name=None,
        assigned=False,
        outcome=outcome,
        explanation=explanation,
    )
