"""Skill groups: for each kind of conversation, the agents who may take it, grouped by how
well they fit it on what only the teams file says (overflow relaxations, standing towards
the lane, tier, category and language proficiency), best group first.

Presence and load change by the second; profiles, teams and lane policies only when a
teams file is applied. So a call distributor keeps its skill groups and, for each
conversation, looks only at who in the best groups is available with a free slot,
instead of assessing every agent anew. `push.choose_agent` reads them from the roster;
a service that keeps a roster's profiles between decisions keeps its skill groups too.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from carelane.routing.agents import AgentProfile, AgentSnapshot, AgentState, Team
from carelane.routing.lane_policies import LanePolicy
from carelane.routing.qualification import assess
from carelane.routing.requirements import Requirements
from carelane.routing.roster import Roster

FitRank = tuple[int, int, int, int, int]
"""The part of `Assessment.rank_key` the teams file decides: relaxed skills, standing,
tier distance, category then language proficiency (lower is offered first)."""
MAX_KINDS = 4096
"""Kinds of conversation kept at once; past it the skill groups start afresh."""


@dataclass(frozen=True, slots=True)
class SkillGroup:
    """Agents who fit a kind of conversation equally well, in roster order, each with
    their slots on its network and on all networks together."""

    rank: FitRank
    members: tuple[tuple[int, int, int], ...]


class SkillGroups:
    """The skill groups of a roster's profiles, teams and lane policies, worked out once
    per kind of conversation (its requirements, overflowing or not) and kept."""

    def __init__(
        self,
        profiles: Mapping[int, AgentProfile],
        teams: Iterable[Team] = (),
        lanes: Iterable[LanePolicy] = (),
    ) -> None:
        # Each agent as if available with nothing held: what is left of an assessment
        # then is what the teams file decides.
        self._staff = Roster(
            tuple(AgentSnapshot(agent_id, profile) for agent_id, profile in profiles.items()),
            tuple(teams),
            tuple(lanes),
        )
        self._profiles = dict(profiles)
        self._ranked: dict[tuple[Requirements, bool], tuple[SkillGroup, ...]] = {}

    def profile(self, agent_id: int) -> AgentProfile | None:
        return self._profiles.get(agent_id)

    @property
    def agent_teams(self) -> Mapping[int, tuple[AgentProfile, frozenset[str]]]:
        """Each agent's profile and teams (as name keys), for rosters made with these
        skill groups (`Roster.teams_of`)."""
        return self._staff.agent_teams

    def ranked(self, requirements: Requirements, *, overflowing: bool) -> tuple[SkillGroup, ...]:
        """The groups of agents who may take a conversation with `requirements`, best
        first; an agent not in any may not take it whatever their presence and load."""
        key = (requirements, overflowing)
        groups = self._ranked.get(key)
        if groups is None:
            members: dict[FitRank, list[tuple[int, int, int]]] = {}
            for agent in self._staff.agents:
                fit = assess(agent, requirements, self._staff, overflowing=overflowing)
                if fit.qualified:
                    capacity = agent.profile.capacity
                    members.setdefault(fit.rank_key[:5], []).append(
                        (agent.id, capacity.get(requirements.network, 0), sum(capacity.values()))
                    )
            groups = tuple(SkillGroup(rank, tuple(m)) for rank, m in sorted(members.items()))
            if len(self._ranked) >= MAX_KINDS:
                self._ranked.clear()
            self._ranked[key] = groups
        return groups


def is_free_for(agent: AgentSnapshot, requirements: Requirements) -> bool:
    """Whether an agent of a skill group may be pushed the conversation now: available,
    with a free slot on its network (the rest of `assess` never changes between teams
    files)."""
    return agent.state is AgentState.AVAILABLE and agent.has_room_on(requirements.network)
