"""Agents' presence and loads as each decision reads them: the whole roster's for a
push, or one agent's, their row locked and their load counted after the lock (no one
else can add to it meanwhile). Statements built once, on the tables' columns."""

from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from carelane.assignments.roster_store import (
    ACTIVE,
    RosterFrame,
    agent_t,
    channel_t,
    conversation_t,
    is_one_of,
    workspace_t,
)
from carelane.domain.channels import Network
from carelane.domain.errors import NotFoundError
from carelane.routing.agents import AgentSnapshot, AgentState

_c, _ch, _a, _w = conversation_t.c, channel_t.c, agent_t.c, workspace_t.c

_HELD = (
    select(_c.assignee_id, _ch.network, func.count().label("held"))
    .join(channel_t, _ch.id == _c.channel_id)
    .where(
        _c.workspace_id == bindparam("workspace_id"),
        _c.assignee_id.is_not(None),
        is_one_of(_c.status, ACTIVE),
    )
    .group_by(_c.assignee_id, _ch.network)
    .subquery("held")
)
_ROSTER_AGENTS = (
    select(_a.id, _a.state, _a.idle_since, _HELD.c.network, _HELD.c.held)
    .select_from(agent_t.outerjoin(_HELD, _HELD.c.assignee_id == _a.id))
    .where(_a.workspace_id == bindparam("workspace_id"), _a.on_roster)
    .order_by(_a.id)
)
"""Every agent on the roster, with a row per network they hold conversations on."""


def roster_agents(connection: Connection, frame: RosterFrame) -> list[AgentSnapshot]:
    """Every agent on the workspace's roster with a profile, their presence and loads,
    in one statement."""
    presence: dict[int, tuple[str, Any]] = {}
    held: dict[int, list[tuple[str, int]]] = {}
    rows = connection.execute(_ROSTER_AGENTS, {"workspace_id": frame.workspace_id}).all()
    for agent_id, state, idle_since, network, count in rows:
        presence[agent_id] = (state, idle_since)
        if network is not None:
            held.setdefault(agent_id, []).append((network, count))
    return [
        frame.moment(agent_id, state, idle_since, tuple(held.get(agent_id, ())))
        for agent_id, (state, idle_since) in presence.items()
        if agent_id in frame.profiles
    ]


_AGENT_LOAD = (
    select(_ch.network, func.count())
    .select_from(conversation_t.join(channel_t, _ch.id == _c.channel_id))
    .where(_c.assignee_id == bindparam("agent_id"), is_one_of(_c.status, ACTIVE))
    .group_by(_ch.network)
)


def agent_load(connection: Connection, agent_id: int) -> dict[Network, int]:
    """Conversations the agent holds (new, open or pending), per network."""
    return {
        Network(network): held
        for network, held in connection.execute(_AGENT_LOAD, {"agent_id": agent_id})
    }


_AGENT_COLUMNS = (_a.id, _a.name, _a.state, _a.idle_since)
LOCK_AGENT = (
    select(*_AGENT_COLUMNS)
    .where(_a.id == bindparam("agent_id"), _a.workspace_id == bindparam("workspace_id"))
    .with_for_update()
)
LOCK_FREE_AGENT = LOCK_AGENT.with_for_update(skip_locked=True)
"""The agent's row locked, unless another transaction holds it locked (on PostgreSQL):
someone is giving that agent a conversation this very moment."""
LOCK_PULLING_AGENT = (
    select(*_AGENT_COLUMNS, _w.roster_version, _w.lanes_yaml)
    .join(workspace_t, _w.id == _a.workspace_id)
    .where(_a.id == bindparam("agent_id"), _a.workspace_id == bindparam("workspace_id"))
    .with_for_update(of=agent_t)
)
"""The agent's row locked, with the workspace's roster version and lanes file."""
LOCK_AVAILABLE_AGENTS = (
    select(_a.id)
    .where(
        _a.workspace_id == bindparam("workspace_id"),
        _a.on_roster,
        _a.state == AgentState.AVAILABLE.value,
    )
    .order_by(_a.id)
    .with_for_update(skip_locked=True)
)
"""The rows of the workspace's available agents on the roster, locked, but those another
transaction holds locked (on PostgreSQL): someone is giving them a conversation."""
LOCK_AVAILABLE_AGENTS_AMONG = LOCK_AVAILABLE_AGENTS.where(
    _a.id.in_(bindparam("agents", expanding=True))
)
"""`LOCK_AVAILABLE_AGENTS`, of the agents `:agents` only."""


def lock_agent(
    connection: Connection, workspace_id: int, agent_id: int, *, skip_locked: bool = False
) -> Any:
    """The agent's row (`id`, `name`, `state`, `idle_since`), locked until the transaction
    ends (on PostgreSQL; SQLite's write transaction holds everything); None outside the
    workspace, or with `skip_locked` when another transaction has it locked."""
    return connection.execute(
        LOCK_FREE_AGENT if skip_locked else LOCK_AGENT,
        {"agent_id": agent_id, "workspace_id": workspace_id},
    ).one_or_none()


def locked_agent(session: Session, frame: RosterFrame, agent_id: int) -> tuple[str, AgentSnapshot]:
    """The agent's name and snapshot, their row locked and their load counted after the
    lock: no one else can add to it meanwhile. NotFoundError outside the workspace."""
    connection = session.connection()
    row = lock_agent(connection, frame.workspace_id, agent_id)
    if row is None:
        raise NotFoundError(f"no agent {agent_id} in this workspace")
    return row.name, frame.snapshot(row, agent_load(connection, agent_id))
