"""Whether an agent may take a conversation, how well they fit it, and the sentence that
says so ("Ana: primary rep, speaks es 4/5, category Baggage 4/5, 1 of 5 twitter slots
used, idle 12 min").

One assessment serves push, pull and sticky routing alike, so they never disagree on who
is qualified. Presence, a free slot on the conversation's network, standing towards its
lane (within the lanes the agent's role bounds them to) and tier never relax; required
skills relax to preferred once it overflows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from carelane.routing.agents import PRESENT_STATES, AgentSnapshot, AgentState
from carelane.routing.durations import describe_duration
from carelane.routing.lane_policies import Need
from carelane.routing.requirements import Requirements
from carelane.routing.roster import STANDING_RANK, Roster, Standing

RankKey = tuple[int, int, int, int, int, float, float, int]


@dataclass(frozen=True, slots=True)
class Assessment:
    """One agent against one conversation's requirements.

    `refusals` say why the agent may not take it (empty: qualified); `relaxed` names
    required skills they lack that overflow lets pass.
    """

    agent: AgentSnapshot
    requirements: Requirements
    standing: Standing | None
    refusals: tuple[str, ...]
    relaxed: tuple[str, ...]
    language_level: int
    category_level: int

    @property
    def qualified(self) -> bool:
        return not self.refusals

    @property
    def rank_key(self) -> RankKey:
        """Lower is offered first: fewest relaxed skills, then primary before member
        before backup rep before backup team, then the tier nearest the conversation's,
        then best category then language proficiency, then lowest occupancy, then idle
        longest (nothing yet this shift first), then the lowest id."""
        idle = self.agent.idle_since
        return (
            len(self.relaxed),
            STANDING_RANK[self.standing] if self.standing is not None else len(STANDING_RANK),
            self.agent.profile.tier - self.requirements.tier,
            -self.category_level,
            -self.language_level,
            self.agent.occupancy,
            idle.timestamp() if idle is not None else float("-inf"),
            self.agent.id,
        )

    def explain(self, now: datetime) -> str:
        """What a supervisor reads about this agent for this conversation."""
        agent, needs = self.agent, self.requirements
        if self.refusals:
            return f"{agent.name}: " + "; ".join(self.refusals)
        parts = [str(self.standing)]
        for need, level in (
            (needs.language, self.language_level),
            (needs.category, self.category_level),
        ):
            if need is not None:
                said = need.describe(level)
                parts.append(f"{said} (relaxed: overflow)" if said in self.relaxed else said)
        if agent.profile.tier != needs.tier:
            parts.append(f"tier {agent.profile.tier} for a tier {needs.tier} conversation")
        parts.append(agent.describe_load(needs.network))
        idle = agent.idle_since
        parts.append(
            "nothing yet this shift"
            if idle is None
            else f"idle {describe_duration(max(now - idle, timedelta(0)))}"
        )
        return f"{agent.name}: " + ", ".join(parts)


def assess(
    agent: AgentSnapshot,
    requirements: Requirements,
    roster: Roster,
    *,
    overflowing: bool,
    pulling: bool = False,
) -> Assessment:
    """How `agent` stands against `requirements`. Pushed work goes only to available
    agents; an agent who is busy may still pull work themselves."""
    refusals: list[str] = []
    relaxed: list[str] = []
    profile, network = agent.profile, requirements.network
    if agent.state is not AgentState.AVAILABLE and not (pulling and agent.state in PRESENT_STATES):
        refusals.append(f"is {agent.state}")
    if profile.capacity_on(network) <= 0:
        refusals.append(f"does not work {network}")
    elif not agent.has_room_on(network):
        refusals.append(f"no free {network} slot ({agent.describe_load(network)})")
    standing = roster.standing_by_key(
        agent,
        lane_key=requirements.lane_key,
        network=network,
        team_key=requirements.team_key,
        overflowing=overflowing,
    )
    if not profile.works_lane_key(requirements.lane_key):
        refusals.append(profile.describe_lanes_only())
    elif standing is None:
        where = f"team {requirements.team}" if requirements.team else f"lane {requirements.lane}"
        refusals.append(f"not in {where}")
    if profile.tier < requirements.tier:
        refusals.append(f"tier {profile.tier}, needs tier {requirements.tier}")
    levels = []
    for need in (requirements.language, requirements.category):
        level = profile.proficiency_by_key(need.kind, need.key) if need is not None else 0
        levels.append(level)
        if need is not None and level == 0 and need.need is Need.REQUIRED:
            (relaxed if overflowing else refusals).append(need.describe(0))
    return Assessment(
        agent=agent,
        requirements=requirements,
        standing=standing,
        refusals=tuple(refusals),
        relaxed=tuple(relaxed),
        language_level=levels[0],
        category_level=levels[1],
    )
