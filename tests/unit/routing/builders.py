"""Small builders of agents, teams and conversations for the routing tests.

The roster's lanes: `Care` (owned by teams Care and Tier 3, backed up by Social) and
`Social` (owned by team Social)."""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from carelane.domain.channels import Network
from carelane.routing.agents import (
    AgentProfile,
    AgentSnapshot,
    AgentState,
    LaneDuty,
    RepRole,
    Skill,
    SkillKind,
    Team,
)
from carelane.routing.lane_policies import LanePolicy
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
TWITTER, FACEBOOK, FORUM = Network.TWITTER, Network.FACEBOOK, Network.FORUM

TEAMS = (
    Team("Care", ("Care",), 1),
    Team("Social", ("Social",), 1, backup_lanes=("Care",)),
    Team("Tier 3", ("Care",), 3),
)
LANES = (LanePolicy("Care", overflow_after=timedelta(minutes=15)),)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


def agent(
    agent_id: int,
    name: str | None = None,
    *,
    teams: tuple[str, ...] = ("Care",),
    tier: int = 1,
    languages: Mapping[str, int] | None = None,
    categories: Mapping[str, int] | None = None,
    capacity: Mapping[Network, int] | None = None,
    load: Mapping[Network, int] | None = None,
    state: AgentState = AgentState.AVAILABLE,
    idle: float | None = 0,
    primary: tuple[tuple[str, Network | None], ...] = (),
    backup: tuple[tuple[str, Network | None], ...] = (),
    lanes_only: frozenset[str] | None = None,
) -> AgentSnapshot:
    """An agent speaking English (5/5) with 5 twitter slots unless told otherwise; `idle`
    is minutes idle at NOW (None: nothing yet this shift); `lanes_only` bounds their lanes
    (a Marketing/PR member's)."""
    skills = [
        *(
            Skill(SkillKind.LANGUAGE, code, level)
            for code, level in (languages or {"en": 5}).items()
        ),
        *(Skill(SkillKind.CATEGORY, cat, level) for cat, level in (categories or {}).items()),
    ]
    duties = [
        *(LaneDuty(lane, RepRole.PRIMARY, network) for lane, network in primary),
        *(LaneDuty(lane, RepRole.BACKUP, network) for lane, network in backup),
    ]
    profile = AgentProfile(
        name=name or f"Agent {agent_id}",
        teams=teams,
        tier=tier,
        skills=tuple(skills),
        capacity=dict(capacity if capacity is not None else {TWITTER: 5}),
        duties=tuple(duties),
        lanes_only=lanes_only,
    )
    return AgentSnapshot(
        id=agent_id,
        profile=profile,
        state=state,
        load=dict(load or {}),
        idle_since=None if idle is None else NOW - minutes(idle),
    )


def conversation(
    conversation_id: int = 1,
    *,
    lane: str = "Care",
    network: Network = TWITTER,
    priority: int = 50,
    waited: float = 1,
    language: str | None = "en",
    categories: tuple[str, ...] = (),
    tier: int = 1,
    team: str | None = None,
    due_in: float | None = None,
    previous: int | None = None,
    holder: int | None = None,
) -> ConversationToRoute:
    """A conversation that has waited `waited` minutes at NOW, due in `due_in` minutes."""
    return ConversationToRoute(
        id=conversation_id,
        lane=lane,
        network=network,
        priority=priority,
        waiting_since=NOW - minutes(waited),
        language=language,
        categories=categories,
        tier=tier,
        team=team,
        response_due_at=None if due_in is None else NOW + minutes(due_in),
        previous_agent_id=previous,
        holder_id=holder,
    )


def roster(*agents: AgentSnapshot, lanes: tuple[LanePolicy, ...] = LANES) -> Roster:
    return Roster(agents, TEAMS, lanes)
