"""Agents and teams as routing sees them: skills with proficiency, capacity per network,
presence, primary and backup duties per lane and network, and the teams that own lanes.

An `AgentProfile` is what an admin configures; an `AgentSnapshot` is that profile at one
moment: presence, conversations held per network, idle since when. Names of languages,
categories and lanes are compared without regard to case.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from carelane.domain.channels import Network

MIN_PROFICIENCY, MAX_PROFICIENCY = 1, 5
MAX_CAPACITY = 100
"""Most conversations of one network an agent may hold at once."""
MIN_TIER, MAX_TIER = 1, 9


def name_key(name: str) -> str:
    """How routing compares names of lanes, teams, languages and categories."""
    return name.strip().casefold()


class AgentState(StrEnum):
    """An agent's presence."""

    AVAILABLE = "available"  # takes new conversations, pushed or pulled
    BUSY = "busy"  # at work on what they hold: nothing is pushed; they may still pull
    AWAY = "away"  # on a break: nothing new, pushed or pulled
    OFFLINE = "offline"  # signed out


PRESENT_STATES = frozenset({AgentState.AVAILABLE, AgentState.BUSY})
"""States in which an agent may ask for the next conversation."""


class SkillKind(StrEnum):
    """What a skill is about."""

    LANGUAGE = "language"  # an ISO 639-1 code: en, es, fr
    CATEGORY = "category"  # a category of the lanes file: a product or a kind of request


@dataclass(frozen=True, slots=True)
class Skill:
    """One thing an agent knows, and how well: 1 (copes) to 5 (expert)."""

    kind: SkillKind
    name: str
    proficiency: int

    def __post_init__(self) -> None:
        if not MIN_PROFICIENCY <= self.proficiency <= MAX_PROFICIENCY:
            raise ValueError(
                f"proficiency {self.proficiency} of {self.name!r} is not "
                f"{MIN_PROFICIENCY} to {MAX_PROFICIENCY}"
            )


class RepRole(StrEnum):
    """An agent's duty on a lane and network, as the seeds' primary and backup reps."""

    PRIMARY = "primary"  # answers the lane on that network first
    BACKUP = "backup"  # steps in when no primary or team member can take it


@dataclass(frozen=True, slots=True)
class LaneDuty:
    """An agent is the primary or backup rep of a lane, on one network or on all (None)."""

    lane: str
    role: RepRole
    network: Network | None = None


@dataclass(frozen=True, slots=True)
class Team:
    """A group of agents: the lanes it owns, the lanes it backs up when they overflow, and
    its support tier (1 first line, 2, 3 specialists)."""

    name: str
    lanes: tuple[str, ...] = ()
    tier: int = 1
    backup_lanes: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """What an admin configures about an agent.

    `tier` is the highest tier of conversation the agent may take. `capacity` gives how
    many conversations of each network they may hold at once; a network that is missing
    (or 0) is one they do not work. `lanes_only`, when given, bounds the lanes they may
    be offered or given, whatever their teams and duties say: a Marketing/PR member works
    the marketing lanes only (and none when the lanes file marks none).
    """

    name: str
    teams: tuple[str, ...] = ()
    tier: int = 1
    email: str | None = None
    skills: tuple[Skill, ...] = ()
    capacity: Mapping[Network, int] = field(default_factory=dict)
    duties: tuple[LaneDuty, ...] = ()
    lanes_only: frozenset[str] | None = None
    _levels: dict[tuple[SkillKind, str], int] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _duties: dict[tuple[str, Network | None], RepRole] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _lane_keys: frozenset[str] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        for skill in self.skills:
            key = (skill.kind, name_key(skill.name))
            self._levels[key] = max(skill.proficiency, self._levels.get(key, 0))
        for duty in self.duties:
            self._duties[(name_key(duty.lane), duty.network)] = duty.role
        if self.lanes_only is not None:
            object.__setattr__(self, "_lane_keys", frozenset(map(name_key, self.lanes_only)))

    def works_lane(self, lane: str) -> bool:
        """Whether `lanes_only` lets the agent work a conversation of `lane`."""
        return self.works_lane_key(name_key(lane))

    def works_lane_key(self, lane_key: str) -> bool:
        """`works_lane` of a lane name already passed through `name_key`."""
        return self._lane_keys is None or lane_key in self._lane_keys

    def describe_lanes_only(self) -> str:
        """`works only the Marketing/PR lane`: why `lanes_only` refuses a lane."""
        lanes = sorted(self.lanes_only or ())
        if not lanes:
            return "works no lane (none is for their role)"
        return f"works only the {', '.join(lanes)} lane{'s' if len(lanes) > 1 else ''}"

    def proficiency(self, kind: SkillKind, name: str) -> int:
        """The agent's level in a skill, 0 when they do not have it."""
        return self._levels.get((kind, name_key(name)), 0)

    def proficiency_by_key(self, kind: SkillKind, key: str) -> int:
        """`proficiency` of a name already passed through `name_key` (routing's hot path)."""
        return self._levels.get((kind, key), 0)

    def duty(self, lane: str, network: Network) -> RepRole | None:
        """The agent's role on a lane and network; a duty naming the network wins over one
        for every network."""
        return self.duty_by_key(name_key(lane), network)

    def duty_by_key(self, lane_key: str, network: Network) -> RepRole | None:
        """`duty` of a lane name already passed through `name_key`."""
        role = self._duties.get((lane_key, network))
        return role if role is not None else self._duties.get((lane_key, None))

    def capacity_on(self, network: Network) -> int:
        return self.capacity.get(network, 0)


def occupancy(load: Mapping[Network, int], slots: int) -> float:
    """Conversations held (`load`, per network) over `slots`, all networks together; 1.0
    for an agent with no slot."""
    return sum(load.values()) / slots if slots else 1.0


@dataclass(frozen=True, slots=True)
class AgentSnapshot:
    """An agent at one moment: their profile, presence, conversations held per network,
    and since when they have had nothing new (None: nothing yet this shift)."""

    id: int
    profile: AgentProfile
    state: AgentState = AgentState.AVAILABLE
    load: Mapping[Network, int] = field(default_factory=dict)
    idle_since: datetime | None = None

    @property
    def name(self) -> str:
        return self.profile.name

    def load_on(self, network: Network) -> int:
        return self.load.get(network, 0)

    def has_room_on(self, network: Network) -> bool:
        """Whether one more conversation of the network stays within capacity."""
        return self.load.get(network, 0) < self.profile.capacity.get(network, 0)

    @property
    def occupancy(self) -> float:
        """Conversations held over slots, all networks together (1.0 when it has none)."""
        return occupancy(self.load, sum(self.profile.capacity.values()))

    def describe_load(self, network: Network) -> str:
        return (
            f"{self.load_on(network)} of {self.profile.capacity_on(network)} {network} slots used"
        )
