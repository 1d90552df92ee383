"""The roster and the waiting conversations as routing sees them, read from the store.

Agents' loads are counted from the conversations they hold (new, open or pending), per
network: nothing to keep in step, and exact inside the transaction that locked the agent.
"""

import threading
from collections.abc import Collection, Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, case, func, nulls_last, select
from sqlalchemy.orm import Session

from carelane.deadlines.columns import response_due_at
from carelane.domain.channels import Network
from carelane.domain.conversations import ACTIVE_STATUSES, ConversationStatus
from carelane.domain.errors import NotFoundError
from carelane.routing.agents import AgentProfile, AgentSnapshot, AgentState, Team
from carelane.routing.lane_policies import LanePolicy
from carelane.routing.profile_records import profile_from_records
from carelane.routing.queues import DEFAULT_BREACH_WINDOW
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster
from carelane.store.models import Agent, Channel, Conversation, TeamLane, TeamMember, Workspace
from carelane.store.models import Team as TeamRow
from carelane.triage.lane_file import load_lane_config
from carelane.triage.lanes import shipped_lane_config
from carelane.workspaces.teams import stored_team_config, teams_files_applied

ACTIVE = [status.value for status in ACTIVE_STATUSES]
WAITING = [ConversationStatus.NEW.value, ConversationStatus.OPEN.value]
"""Statuses in which a conversation nobody holds waits for an agent (pending waits on the
customer)."""


@lru_cache(maxsize=64)
def default_lane(lanes_yaml: str | None) -> str:
    """The lane of a conversation triage gave none: the lanes file's default lane."""
    if lanes_yaml is None:
        return shipped_lane_config("example").default_lane
    return load_lane_config(lanes_yaml, source="workspace lanes").default_lane


class RosterFrame:
    """A workspace's teams, lane policies and agents' profiles: what only applying a teams
    file changes, so it is read once per database, workspace, teams file and lanes file, and
    kept (applying a teams file in this process forgets them all: the same text may then
    stand for other rows); each transaction reads the workspace's row to find it. Agents'
    presence and loads are read anew by whoever needs them (`roster_agents`,
    `locked_agent`)."""

    def __init__(
        self, session: Session, workspace_id: int, teams_yaml: str | None, lanes_yaml: str | None
    ) -> None:
        self.workspace_id = workspace_id
        self.default_lane = default_lane(lanes_yaml)
        self.lanes: tuple[LanePolicy, ...] = (
            stored_team_config(teams_yaml).lanes if teams_yaml is not None else ()
        )
        team_rows = session.execute(
            select(TeamRow.id, TeamRow.name, TeamRow.tier, TeamRow.description)
            .where(TeamRow.workspace_id == workspace_id, TeamRow.on_roster)
            .order_by(TeamRow.id)
        ).all()
        lanes: dict[int, tuple[list[str], list[str]]] = {r.id: ([], []) for r in team_rows}
        for team_id, lane, backup in session.execute(
            select(TeamLane.team_id, TeamLane.lane, TeamLane.backup)
            .where(TeamLane.team_id.in_(list(lanes)))
            .order_by(TeamLane.team_id, TeamLane.position)
        ):
            lanes[team_id][1 if backup else 0].append(lane)
        self.team_names = {r.id: r.name for r in team_rows}
        self.team_ids = {r.name: r.id for r in team_rows}
        self.teams = tuple(
            Team(r.name, tuple(lanes[r.id][0]), r.tier, tuple(lanes[r.id][1]), r.description)
            for r in team_rows
        )
        members: dict[int, list[str]] = {}
        for agent_id, team_id in session.execute(
            select(TeamMember.agent_id, TeamMember.team_id).where(
                TeamMember.team_id.in_(list(lanes))
            )
        ):
            members.setdefault(agent_id, []).append(self.team_names[team_id])
        self.profiles = {
            agent.id: profile_from_records(
                name=agent.name,
                email=agent.email,
                teams=members.get(agent.id, []),
                tier=agent.tier,
                skills=agent.skills,
                capacity=agent.capacity,
                duties=agent.duties,
            )
            for agent in session.execute(
                select(
                    Agent.id,
                    Agent.name,
                    Agent.email,
                    Agent.tier,
                    Agent.skills,
                    Agent.capacity,
                    Agent.duties,
                ).where(Agent.workspace_id == workspace_id, Agent.on_roster)
            )
        }

    @classmethod
    def of(cls, session: Session, workspace_id: int) -> "RosterFrame":
        """The workspace's frame, read from the store when its files changed."""
        row = session.execute(
            select(Workspace.teams_yaml, Workspace.lanes_yaml).where(Workspace.id == workspace_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"no workspace {workspace_id}")
        key = (
            str(session.get_bind().engine.url),
            teams_files_applied(),
            workspace_id,
            row.teams_yaml,
            row.lanes_yaml,
        )
        frame = _FRAMES.get(key)
        if frame is None:
            frame = cls(session, workspace_id, row.teams_yaml, row.lanes_yaml)
            with _FRAMES_LOCK:
                if len(_FRAMES) >= MAX_FRAMES:
                    _FRAMES.pop(next(iter(_FRAMES)))
                _FRAMES[key] = frame
        return frame

    def roster(self, agents: Iterable[AgentSnapshot]) -> Roster:
        return Roster(tuple(agents), self.teams, self.lanes)

    def snapshot(self, agent: Any, load: dict[Network, int]) -> AgentSnapshot:
        """The agent (a row with `id`, `state` and `idle_since`) at this moment; an agent
        the teams file does not list has no profile: no capacity, never offered anything."""
        profile = self.profiles.get(agent.id) or AgentProfile(name=f"agent {agent.id}")
        return AgentSnapshot(
            id=agent.id,
            profile=profile,
            state=AgentState(agent.state),
            load=load,
            idle_since=agent.idle_since,
        )

    def agent_lanes(self, snapshot: AgentSnapshot) -> set[str]:
        """Every lane the agent may be offered: their teams' own and backed-up lanes, and
        the lanes they are a rep of."""
        mine = set(snapshot.profile.teams)
        lanes = {duty.lane for duty in snapshot.profile.duties}
        for team in self.teams:
            if team.name in mine:
                lanes.update(team.lanes, team.backup_lanes)
        return lanes

    def to_route(self, row: Any) -> ConversationToRoute:
        """A conversation row (see `ROUTE_COLUMNS`) as routing sees it."""
        return ConversationToRoute(
            id=row.id,
            lane=row.lane or self.default_lane,
            network=Network(row.network),
            priority=row.priority or 0,
            waiting_since=row.waiting_since or row.opened_at,
            language=row.language,
            categories=tuple(row.categories or ()),
            tier=row.tier,
            team=self.team_names.get(row.team_id) if row.team_id is not None else None,
            response_due_at=response_due_at(row.first_response_due_at, row.next_response_due_at),
            previous_agent_id=row.previous_assignee_id,
            holder_id=row.assignee_id,
        )


ROUTE_COLUMNS = (
    Conversation.id,
    Conversation.lane,
    Channel.network,
    Conversation.priority,
    Conversation.waiting_since,
    Conversation.opened_at,
    Conversation.language,
    Conversation.categories,
    Conversation.tier,
    Conversation.team_id,
    Conversation.first_response_due_at,
    Conversation.next_response_due_at,
    Conversation.previous_assignee_id,
    Conversation.assignee_id,
    Conversation.status,
)


def route_query(workspace_id: int) -> Select[*tuple[Any, ...]]:
    """The workspace's conversations with what routing reads of them."""
    query: Select[*tuple[Any, ...]] = select(*ROUTE_COLUMNS)
    return query.join(Channel, Channel.id == Conversation.channel_id).where(
        Conversation.workspace_id == workspace_id
    )


def waiting_query(workspace_id: int, *, now: datetime) -> Select[*tuple[Any, ...]]:
    """The conversations waiting for an agent, in queue order (`routing.queues`): at risk
    first, then higher priority, less time left, longer waiting, lower id."""
    due = func.coalesce(Conversation.next_response_due_at, Conversation.first_response_due_at)
    at_risk = case((due <= now + DEFAULT_BREACH_WINDOW, 0), else_=1)
    return (
        route_query(workspace_id)
        .where(Conversation.assignee_id.is_(None), Conversation.status.in_(WAITING))
        .order_by(
            at_risk,
            func.coalesce(Conversation.priority, 0).desc(),
            nulls_last(due.asc()),
            func.coalesce(Conversation.waiting_since, Conversation.opened_at),
            Conversation.id,
        )
    )


def loads_of(session: Session, agent_ids: Collection[int]) -> dict[int, dict[Network, int]]:
    """Conversations each agent holds (new, open or pending), per network."""
    loads: dict[int, dict[Network, int]] = {agent_id: {} for agent_id in agent_ids}
    if not agent_ids:
        return loads
    rows = session.execute(
        select(Conversation.assignee_id, Channel.network, func.count())
        .join(Channel, Channel.id == Conversation.channel_id)
        .where(Conversation.assignee_id.in_(sorted(agent_ids)), Conversation.status.in_(ACTIVE))
        .group_by(Conversation.assignee_id, Channel.network)
    )
    for agent_id, network, held in rows:
        if agent_id is not None:
            loads[agent_id][Network(network)] = held
    return loads


def roster_agents(session: Session, frame: RosterFrame) -> list[AgentSnapshot]:
    """Every agent on the workspace's roster, with their presence and loads."""
    rows = session.execute(
        select(Agent.id, Agent.state, Agent.idle_since)
        .where(Agent.workspace_id == frame.workspace_id, Agent.on_roster)
        .order_by(Agent.id)
    ).all()
    loads = workspace_loads(session, frame.workspace_id)
    return [frame.snapshot(row, loads.get(row.id, {})) for row in rows if row.id in frame.profiles]


def workspace_loads(session: Session, workspace_id: int) -> dict[int, dict[Network, int]]:
    """Conversations each agent of the workspace holds (new, open or pending), per network."""
    loads: dict[int, dict[Network, int]] = {}
    rows = session.execute(
        select(Conversation.assignee_id, Channel.network, func.count())
        .join(Channel, Channel.id == Conversation.channel_id)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.assignee_id.is_not(None),
            Conversation.status.in_(ACTIVE),
        )
        .group_by(Conversation.assignee_id, Channel.network)
    )
    for agent_id, network, held in rows:
        if agent_id is not None:
            loads.setdefault(agent_id, {})[Network(network)] = held
    return loads


def locked_agent(session: Session, frame: RosterFrame, agent_id: int) -> tuple[str, AgentSnapshot]:
    """The agent's name and snapshot, their row locked until the transaction ends (on
    PostgreSQL; SQLite's write transaction holds everything) and their load counted after
    the lock: no one else can add to it meanwhile. NotFoundError outside the workspace."""
    row = session.execute(
        select(Agent.id, Agent.name, Agent.state, Agent.idle_since)
        .where(Agent.id == agent_id, Agent.workspace_id == frame.workspace_id)
        .with_for_update()
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no agent {agent_id} in this workspace")
    return row.name, frame.snapshot(row, loads_of(session, [agent_id])[agent_id])


_FRAMES: dict[tuple[str, int, int, str | None, str | None], RosterFrame] = {}
_FRAMES_LOCK = threading.Lock()
MAX_FRAMES = 64
