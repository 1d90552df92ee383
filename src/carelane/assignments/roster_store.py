"""The roster as routing sees it, read from the store and kept.

What only applying a teams file changes (teams, lane policies, agents' profiles and the
skill groups worked out from them) is kept per process in a `RosterFrame`, found by the
workspace's roster version, which every teams file applied bumps in its transaction:
each decision reads the version in a statement it makes anyway (locking its conversation
or its agent), so it never decides on a frame older than what it reads. Agents'
presence and loads change by the second and are read anew by every decision
(`agent_reads`). Loads are counted from the conversations agents hold (new, open or
pending), per network: nothing to keep in step, and exact inside the transaction that
locked the agent.
"""

import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, literal_column, select
from sqlalchemy.orm import Session

from carelane.accounts.roles import Role
from carelane.domain.channels import Network
from carelane.domain.conversations import ACTIVE_STATUSES, ConversationStatus
from carelane.domain.errors import NotFoundError
from carelane.routing.agents import AgentProfile, AgentSnapshot, AgentState, Team
from carelane.routing.lane_policies import LanePolicy
from carelane.routing.profile_records import profile_from_records
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster
from carelane.routing.skill_groups import SkillGroups
from carelane.store.models import (
    Agent,
    Channel,
    Conversation,
    TeamLane,
    TeamMember,
    UserAccount,
    Workspace,
    WorkspaceMember,
)
from carelane.store.models import Team as TeamRow
from carelane.triage.lane_file import load_lane_config
from carelane.triage.lanes import shipped_lane_config
from carelane.workspaces.teams import stored_team_config, teams_files_applied
from carelane.workspaces.triage_settings import workspace_lane_config

ACTIVE = [status.value for status in ACTIVE_STATUSES]
WAITING = [ConversationStatus.NEW.value, ConversationStatus.OPEN.value]
"""Statuses in which a conversation nobody holds waits for an agent (pending waits on the
customer)."""

conversation_t = cast(Table, Conversation.__table__)
channel_t = cast(Table, Channel.__table__)
agent_t = cast(Table, Agent.__table__)
workspace_t = cast(Table, Workspace.__table__)
_c, _ch, _a, _w = conversation_t.c, channel_t.c, agent_t.c, workspace_t.c


def is_one_of(column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    """`column IN ('new', 'open')` written out, so the database sees the partial indexes'
    own condition in every plan, prepared ones included (the values are our constants)."""
    return cast(
        ColumnElement[bool],
        column.in_([literal_column(f"'{value}'") for value in values]),
    )


@lru_cache(maxsize=64)
def default_lane(lanes_yaml: str | None) -> str:
    """The lane of a conversation triage gave none: the lanes file's default lane."""
    if lanes_yaml is None:
        return shipped_lane_config("example").default_lane
    return load_lane_config(lanes_yaml, source="workspace lanes").default_lane


class RosterFrame:
    """A workspace's teams, lane policies, agents' profiles and skill groups at one
    roster version: read once per process and kept (`RosterFrame.at`), so only agents'
    presence and loads are read by each decision (`roster_agents`, `locked_agent`)."""

    def __init__(self, session: Session, workspace_id: int, lanes_yaml: str | None) -> None:
        self.workspace_id = workspace_id
        self.default_lane = default_lane(lanes_yaml)
        teams_yaml = session.scalar(
            select(Workspace.teams_yaml).where(Workspace.id == workspace_id)
        )
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
        # A Marketing/PR member (their user's role) works the marketing lanes only.
        marketing_lanes = workspace_lane_config(lanes_yaml).marketing_lanes
        marketing_agents = set(
            session.scalars(
                select(WorkspaceMember.agent_id)
                .join(UserAccount, UserAccount.id == WorkspaceMember.user_id)
                .where(
                    WorkspaceMember.workspace_id == workspace_id,
                    WorkspaceMember.agent_id.is_not(None),
                    UserAccount.role == Role.MARKETING.value,
                )
            )
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
                lanes_only=marketing_lanes if agent.id in marketing_agents else None,
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
                )
                .where(Agent.workspace_id == workspace_id, Agent.on_roster)
                .order_by(Agent.id)
            )
        }
        self.skill_groups = SkillGroups(self.profiles, self.teams, self.lanes)
        self._moments: dict[tuple[Any, ...], AgentSnapshot] = {}

    @classmethod
    def of(cls, session: Session, workspace_id: int) -> "RosterFrame":
        """The workspace's frame as of now; NotFoundError for an unknown workspace."""
        row = session.execute(
            select(Workspace.roster_version, Workspace.lanes_yaml).where(
                Workspace.id == workspace_id
            )
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"no workspace {workspace_id}")
        return cls.at(session, workspace_id, row.roster_version, row.lanes_yaml)

    @classmethod
    def at(
        cls, session: Session, workspace_id: int, roster_version: int, lanes_yaml: str | None
    ) -> "RosterFrame":
        """The frame of the workspace at `roster_version` (read in this transaction, with
        its lanes file): kept, or read now and kept. The key also holds the database and
        how many teams files this process applied, since a database made anew (tests)
        starts its versions again."""
        key = (
            str(session.get_bind().engine.url),
            teams_files_applied(),
            workspace_id,
            roster_version,
            lanes_yaml,
        )
        frame = _FRAMES.get(key)
        if frame is None:
            frame = cls(session, workspace_id, lanes_yaml)
            with _FRAMES_LOCK:
                if len(_FRAMES) >= MAX_FRAMES:
                    _FRAMES.pop(next(iter(_FRAMES)))
                _FRAMES[key] = frame
        return frame

    def roster(self, agents: Iterable[AgentSnapshot]) -> Roster:
        return Roster(tuple(agents), self.teams, self.lanes, skill_groups=self.skill_groups)

    def snapshot(self, agent: Any, load: Mapping[Network, int]) -> AgentSnapshot:
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

    def moment(
        self, agent_id: int, state: str, idle_since: Any, held: tuple[tuple[str, int], ...]
    ) -> AgentSnapshot:
        """The agent at this moment, holding `held` conversations per network: the same
        snapshot object as long as nothing of it changes, as most agents' presence and
        loads are at the decision after."""
        key = (agent_id, state, idle_since, held)
        snapshot = self._moments.get(key)
        if snapshot is None:
            snapshot = AgentSnapshot(
                id=agent_id,
                profile=self.profiles[agent_id],
                state=AgentState(state),
                load={Network(network): count for network, count in held},
                idle_since=idle_since,
            )
            if len(self._moments) >= MAX_MOMENTS_PER_AGENT * max(len(self.profiles), 1):
                self._moments.clear()
            self._moments[key] = snapshot
        return snapshot

    def agent_lanes(self, snapshot: AgentSnapshot) -> set[str]:
        """Every lane the agent may be offered: their teams' own and backed-up lanes, and
        the lanes they are a rep of, within those their role bounds them to."""
        profile = snapshot.profile
        mine = set(profile.teams)
        lanes = {duty.lane for duty in profile.duties}
        for team in self.teams:
            if team.name in mine:
                lanes.update(team.lanes, team.backup_lanes)
        return {lane for lane in lanes if profile.works_lane(lane)}

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
            response_due_at=row.response_due_at,
            previous_agent_id=row.previous_assignee_id,
            holder_id=row.assignee_id,
        )


MAX_MOMENTS_PER_AGENT = 4
"""Agents' snapshots a frame keeps, per agent on its roster, before starting afresh."""
_FRAMES: dict[tuple[str, int, int, int, str | None], RosterFrame] = {}
_FRAMES_LOCK = threading.Lock()
MAX_FRAMES = 64
