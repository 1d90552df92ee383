"""Who is on shift and how each stands towards a lane: the agents, their teams, the lanes
the teams own or back up, and the lanes' policies, indexed for the policies' questions."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from carelane.domain.channels import Network
from carelane.routing.agents import AgentProfile, AgentSnapshot, RepRole, Team, name_key
from carelane.routing.lane_policies import LanePolicy

if TYPE_CHECKING:
    from carelane.routing.skill_groups import SkillGroups


class Standing(StrEnum):
    """Why an agent may be offered a lane's conversation; earlier ones are offered first."""

    PRIMARY = "primary rep"
    MEMBER = "team member"
    BACKUP = "backup rep"
    BACKUP_TEAM = "backup team"  # only once the conversation overflows


STANDING_RANK = {standing: rank for rank, standing in enumerate(Standing)}


@dataclass(frozen=True, slots=True)
class Roster:
    """Agents (unique ids), teams (unique names) and lane policies at one moment.

    A lane with no policy of its own gets `LanePolicy(name)`'s defaults. `skill_groups`
    (`routing.skill_groups`), when given, are those a service keeps for these teams and
    lanes; they serve only while they hold every agent's profile (the very object).
    """

    agents: tuple[AgentSnapshot, ...]
    teams: tuple[Team, ...] = ()
    lanes: tuple[LanePolicy, ...] = ()
    skill_groups: "SkillGroups | None" = field(default=None, repr=False, compare=False)
    _agents: dict[int, AgentSnapshot] = field(init=False, repr=False, compare=False)
    _teams: dict[str, Team] = field(init=False, repr=False, compare=False)
    _owners: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _backups: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _policies: dict[str, LanePolicy] = field(init=False, repr=False, compare=False)
    _agent_teams: Mapping[int, tuple[AgentProfile, frozenset[str]]] = field(
        init=False, repr=False, compare=False
    )
    _pushed: bool = field(init=False, default=False, repr=False, compare=False)
    _kept_checked: bool = field(init=False, default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        agents = {agent.id: agent for agent in self.agents}
        if len(agents) != len(self.agents):
            raise ValueError("agent ids must be unique in a roster")
        teams = {name_key(team.name): team for team in self.teams}
        if len(teams) != len(self.teams):
            raise ValueError("team names must be unique in a roster")
        set_ = object.__setattr__
        set_(self, "_agents", agents)
        set_(self, "_teams", teams)
        set_(self, "_owners", _by_lane((key, team.lanes) for key, team in teams.items()))
        set_(self, "_backups", _by_lane((key, team.backup_lanes) for key, team in teams.items()))
        set_(self, "_policies", {name_key(policy.name): policy for policy in self.lanes})
        kept = self.skill_groups
        set_(
            self,
            "_agent_teams",
            kept.agent_teams  # `teams_of` checks each profile is the one kept
            if kept is not None
            else {
                agent.id: (agent.profile, frozenset(map(name_key, agent.profile.teams)))
                for agent in self.agents
            },
        )

    def agent(self, agent_id: int) -> AgentSnapshot | None:
        return self._agents.get(agent_id)

    @property
    def agents_by_id(self) -> Mapping[int, AgentSnapshot]:
        return self._agents

    def replacing(self, agent: AgentSnapshot) -> "Roster":
        """This roster with `agent` in place of the agent of the same id, at a later
        moment (their presence, load or idle time changed; the same profile): the teams,
        lanes and indexes are shared, nothing is worked out again. KeyError for an agent
        not on the roster; ValueError for another profile."""
        if self._agents[agent.id].profile is not agent.profile:
            raise ValueError(f"agent {agent.id} has another profile: make a new roster")
        later = object.__new__(Roster)
        set_ = object.__setattr__
        for name in (
            "teams",
            "lanes",
            "skill_groups",
            "_teams",
            "_owners",
            "_backups",
            "_policies",
            "_agent_teams",
            "_pushed",
            "_kept_checked",
        ):
            set_(later, name, getattr(self, name))
        set_(later, "agents", tuple(agent if a.id == agent.id else a for a in self.agents))
        set_(later, "_agents", {**self._agents, agent.id: agent})
        return later

    @property
    def agent_teams(self) -> Mapping[int, tuple[AgentProfile, frozenset[str]]]:
        """Each agent's profile and teams, as name keys."""
        return self._agent_teams

    @property
    def kept_skill_groups(self) -> "SkillGroups | None":
        """The skill groups given, when they hold every agent's profile; else None."""
        kept = self.skill_groups
        if kept is None:
            return None
        if not self._kept_checked:  # a roster's agents and profiles never change
            if any(kept.profile(a.id) is not a.profile for a in self.agents):
                return None
            object.__setattr__(self, "_kept_checked", True)
        return kept

    @property
    def ranking_groups(self) -> "SkillGroups | None":
        """The skill groups a push ranks this roster's agents by: the ones kept; else,
        from the roster's second push on, its own, worked out as asked for and kept with
        it; None for its first (a roster made for one decision does better without)."""
        groups = self.kept_skill_groups
        if groups is None:
            if not self._pushed:
                object.__setattr__(self, "_pushed", True)
                return None
            from carelane.routing.skill_groups import SkillGroups  # they assess with rosters

            groups = SkillGroups({a.id: a.profile for a in self.agents}, self.teams, self.lanes)
            object.__setattr__(self, "skill_groups", groups)
        return groups

    def team(self, name: str) -> Team | None:
        return self._teams.get(name_key(name))

    def owning_teams(self, lane: str) -> tuple[Team, ...]:
        """The teams that own a lane, in roster order."""
        owners = self._owners.get(name_key(lane), frozenset())
        return tuple(team for team in self.teams if name_key(team.name) in owners)

    def backup_teams(self, lane: str) -> tuple[Team, ...]:
        """The teams offered a lane's conversations once they overflow, in roster order."""
        backups = self._backups.get(name_key(lane), frozenset())
        return tuple(team for team in self.teams if name_key(team.name) in backups)

    def policy(self, lane: str) -> LanePolicy:
        return self._policies.get(name_key(lane)) or LanePolicy(lane)

    def teams_of(self, agent: AgentSnapshot) -> frozenset[str]:
        """The agent's teams, as name keys (from the roster's index when the agent's
        profile is the one the roster holds)."""
        known = self._agent_teams.get(agent.id)
        if known is not None and known[0] is agent.profile:
            return known[1]
        return frozenset(map(name_key, agent.profile.teams))

    def standing(
        self,
        agent: AgentSnapshot,
        *,
        lane: str,
        network: Network,
        team: str | None,
        overflowing: bool,
    ) -> Standing | None:
        """How the agent stands towards a conversation of `lane` on `network` (held for
        `team` after a transfer, when given); None when they are not to be offered it.

        A primary rep answers their lane first, whichever team they are in; a backup rep
        steps in after the owning teams' members; a backup team only once the
        conversation overflows. A conversation transferred to a team goes to that team's
        members only, and to the lane's backup teams once it overflows.
        """
        return self.standing_by_key(
            agent,
            lane_key=name_key(lane),
            network=network,
            team_key=name_key(team) if team is not None else None,
            overflowing=overflowing,
        )

    def standing_by_key(
        self,
        agent: AgentSnapshot,
        *,
        lane_key: str,
        network: Network,
        team_key: str | None,
        overflowing: bool,
    ) -> Standing | None:
        """`standing` with the lane and team names already passed through `name_key`."""
        teams = self.teams_of(agent)
        role = agent.profile.duty_by_key(lane_key, network)
        if team_key is not None:
            member = team_key in teams
        else:
            member = not teams.isdisjoint(self._owners.get(lane_key, frozenset()))
            if role is RepRole.PRIMARY:
                return Standing.PRIMARY
            if role is RepRole.BACKUP:
                return Standing.BACKUP
        if member:
            if role is RepRole.PRIMARY:
                return Standing.PRIMARY
            return Standing.BACKUP if role is RepRole.BACKUP else Standing.MEMBER
        if overflowing and not teams.isdisjoint(self._backups.get(lane_key, frozenset())):
            return Standing.BACKUP_TEAM
        return None


def _by_lane(lanes_of_teams: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for team, lanes in lanes_of_teams:
        for lane in lanes:
            found.setdefault(name_key(lane), set()).add(team)
    return {lane: frozenset(teams) for lane, teams in found.items()}
