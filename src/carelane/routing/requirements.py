"""What a conversation needs of the agent who takes it.

A conversation waiting for an agent (`ConversationToRoute`) carries what triage decided
(lane, categories, language, priority), its channel, the tier it was escalated to, its
next response deadline from its service level, and who held it before and holds it now.
`requirements_for` turns it and its lane's policy into skills, each required or only
preferred: the language it is written in, its main category (the first triage gives),
plus its network (the agent needs a free slot there) and its tier, which never relax.
"""

from dataclasses import dataclass, field
from datetime import datetime

from carelane.domain.channels import Network
from carelane.domain.instants import utc_instant
from carelane.routing.agents import MAX_TIER, MIN_TIER, SkillKind, name_key
from carelane.routing.lane_policies import LanePolicy, Need

UNDETERMINED_LANGUAGE = "und"
"""BCP 47's code for a language nobody could tell (triage gives it to a post too short to
judge): such a conversation asks for no language."""


@dataclass(frozen=True, slots=True)
class ConversationToRoute:
    """A conversation as routing sees it.

    `response_due_at` is the next moment the brand must answer by (the first response,
    or the next one after the customer wrote again), None when no service level applies.
    `waiting_since` is when it started waiting for an agent (opened, reopened or
    transferred). `team` is set when it was transferred to one team. `previous_agent_id`
    is the agent who last answered this customer; `holder_id` whoever holds it now.
    """

    id: int
    lane: str
    network: Network
    priority: int
    waiting_since: datetime
    language: str | None = None
    categories: tuple[str, ...] = ()
    tier: int = MIN_TIER
    team: str | None = None
    response_due_at: datetime | None = None
    previous_agent_id: int | None = None
    holder_id: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.priority <= 100:
            raise ValueError(f"priority {self.priority} is not 0 to 100")
        if not MIN_TIER <= self.tier <= MAX_TIER:
            raise ValueError(f"tier {self.tier} is not {MIN_TIER} to {MAX_TIER}")
        utc_instant(self.waiting_since, "waiting_since")
        if self.response_due_at is not None:
            utc_instant(self.response_due_at, "response_due_at")

    @property
    def main_category(self) -> str | None:
        return self.categories[0] if self.categories else None

    @property
    def known_language(self) -> str | None:
        """The conversation's language, None when unknown or undetermined."""
        language = self.language
        if not language or language == UNDETERMINED_LANGUAGE:
            return None
        return language


@dataclass(frozen=True, slots=True)
class SkillNeed:
    """One skill a conversation asks for."""

    kind: SkillKind
    name: str
    need: Need
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", name_key(self.name))

    def describe(self, level: int) -> str:
        """The agent's level in it, as a supervisor reads it: `speaks es 4/5`,
        `category Baggage 3/5`, `does not speak es`, `no category Baggage`."""
        if self.kind is SkillKind.LANGUAGE:
            return f"speaks {self.name} {level}/5" if level else f"does not speak {self.name}"
        return f"category {self.name} {level}/5" if level else f"no category {self.name}"


@dataclass(frozen=True, slots=True)
class Requirements:
    """Everything a conversation asks of an agent."""

    lane: str
    network: Network
    tier: int
    team: str | None
    language: SkillNeed | None
    category: SkillNeed | None
    lane_key: str = field(init=False, repr=False, compare=False)
    team_key: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lane_key", name_key(self.lane))
        object.__setattr__(self, "team_key", name_key(self.team) if self.team else None)

    @property
    def skills(self) -> tuple[SkillNeed, ...]:
        return tuple(need for need in (self.language, self.category) if need is not None)


def requirements_for(conversation: ConversationToRoute, policy: LanePolicy) -> Requirements:
    """The conversation's needs under its lane's policy."""
    language = conversation.known_language
    category = conversation.main_category
    return Requirements(
        lane=conversation.lane,
        network=conversation.network,
        tier=conversation.tier,
        team=conversation.team,
        language=(
            SkillNeed(SkillKind.LANGUAGE, language, policy.language_skill) if language else None
        ),
        category=(
            SkillNeed(SkillKind.CATEGORY, category, policy.category_skill) if category else None
        ),
    )
