"""How urgent a post is, 0 to 100, with the reasons a person can read.

Each factor adds points: what the post asks for, how negative it is, signs of urgency,
personal data exposed in public, a VIP customer, the category's own boost, and the
author's reach. The weights are a workspace's settings (`PriorityWeights`).

Reach raises priority without ever hiding ordinary customers. A post that is not
actionable never rises above `not_actionable_cap`, which stays below what a complaint or
a question earns, so every request outranks all noise however famous its author; and
reach is capped below the gap between a request and praise or chatter, so a famous
author's compliment never outranks an ordinary customer's complaint or question. The
weights refuse settings that would break either promise. A category's boost may be
negative (a category ranked below the others); the score never goes below 0 nor above
100, and the factors always add up to it.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from carelane.domain.triage import Intent, Sentiment
from carelane.triage.literal_gates import LiteralGate

_URGENT_PATTERN = re.compile(
    r"\b(urgent(?:ly)?|asap|emergency|immediately|right now|stranded|stuck|missed my "
    r"(?:flight|connection)|can'?t (?:log ?in|access|get in)|locked out|charged twice|"
    r"double charged|still waiting|hours? on hold|no one (?:is )?(?:helping|answering)|"
    r"fraud|stolen|hacked)\b",
    re.IGNORECASE,
)
_URGENT = LiteralGate.of(
    _URGENT_PATTERN,
    "urgent|asap|emergency|immediately|right now|stranded|stuck|missed my |can't |cant "
    "|locked out|charged twice|double charged|still waiting| on hold|no one |fraud|stolen|hacked",
)


class PriorityWeights(BaseModel):
    """A workspace's priority weights; every number is points out of 100."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    complaint: int = Field(30, ge=0, le=100)
    question: int = Field(25, ge=0, le=100)
    sales_lead: int = Field(20, ge=0, le=100)
    suggestion: int = Field(10, ge=0, le=100)
    compliment: int = Field(5, ge=0, le=100)
    other: int = Field(0, ge=0, le=100)
    negative: int = Field(10, ge=0, le=50, description="Negative sentiment.")
    very_negative: int = Field(
        20, ge=0, le=50, description="Negative sentiment held with `very_negative_at` or more."
    )
    very_negative_at: float = Field(0.85, gt=0.5, le=1.0)
    urgent: int = Field(10, ge=0, le=50, description="Words that say time is short.")
    personal_data: int = Field(10, ge=0, le=50, description="Personal data exposed in public.")
    vip: int = Field(10, ge=0, le=50, description="A customer marked VIP.")
    reach: int = Field(
        15, ge=0, le=25, description="Most points an author's followers and badge can add."
    )
    reach_full_at: int = Field(
        100_000, ge=10, description="Followers at which reach earns all its points."
    )
    verified: int = Field(5, ge=0, le=25, description="A verified author (within `reach`).")
    not_actionable_cap: int = Field(10, ge=0, le=100)

    @model_validator(mode="after")
    def _reach_never_hides_customers(self) -> "PriorityWeights":
        requests = min(self.complaint, self.question)
        if self.not_actionable_cap >= requests:
            raise ValueError(
                f"not_actionable_cap ({self.not_actionable_cap}) must stay below complaint "
                f"and question ({requests}), so that every request outranks all noise"
            )
        chatter = max(self.compliment, self.other)
        if self.reach >= requests - chatter:
            raise ValueError(
                f"reach ({self.reach}) must stay below complaint and question ({requests}) "
                f"minus compliment and other ({chatter}), so that a famous author's praise "
                "or chatter never outranks an ordinary customer's request"
            )
        return self

    def for_intent(self, intent: Intent) -> int:
        points: int = getattr(self, intent.value)
        return points


DEFAULT_WEIGHTS = PriorityWeights()


class PriorityFactor(NamedTuple):
    """Points one reason adds."""

    points: int
    reason: str

    def __str__(self) -> str:
        return f"{self.points:+d} {self.reason}"


class Priority(NamedTuple):
    """A post's priority, 0 to 100, and the factors that add up to it."""

    score: int
    factors: tuple[PriorityFactor, ...]

    def explain(self) -> str:
        """E.g. "+30 complaint, +20 very negative, +15 author has 48k followers"."""
        return explain(self.factors)


def explain(factors: Sequence[PriorityFactor]) -> str:
    """The factors of a priority as one line a person reads."""
    return ", ".join(str(f) for f in factors) or "no factor applies"


@dataclass(frozen=True, slots=True)
class PrioritySignals:
    """What priority is computed from, gathered by triage."""

    actionable: bool
    intent: Intent
    sentiment: Sentiment
    negative_score: float  # probability of negative sentiment, 0 to 1
    text: str = ""
    followers: int | None = None
    verified: bool = False
    vip: bool = False
    personal_data_exposed: bool = False
    category_boosts: Sequence[tuple[str, int]] = ()


def has_urgency(text: str) -> bool:
    """True when the text says time is short ("stranded", "asap", "charged twice" ...)."""
    return _URGENT.search(text) is not None


def prioritise(signals: PrioritySignals, weights: PriorityWeights = DEFAULT_WEIGHTS) -> Priority:
    """The priority of a post and why."""
    return priority_of(
        signals.actionable,
        signals.intent,
        signals.sentiment,
        signals.negative_score,
        signals.text,
        signals.followers,
        signals.verified,
        signals.vip,
        signals.personal_data_exposed,
        signals.category_boosts,
        weights,
    )


_INTENT_REASONS = {intent: intent.value.replace("_", " ") for intent in Intent}


def priority_of(  # noqa: PLR0912, PLR0917 - signals one by one for the inner loop
    actionable: bool,
    intent: Intent,
    sentiment: Sentiment,
    negative_score: float,
    text: str,
    followers: int | None,
    verified: bool,
    vip: bool,
    personal_data_exposed: bool,
    category_boosts: Sequence[tuple[str, int]],
    weights: PriorityWeights,
    lowered: str | None = None,
) -> Priority:
    """`prioritise` of the signals given one by one (`lowered`: the text's `caseless`
    form, when known)."""
    factors: list[PriorityFactor] = []
    points = weights.for_intent(intent)
    if points:
        factors.append(PriorityFactor(points, _INTENT_REASONS[intent]))
    if sentiment is Sentiment.NEGATIVE:
        if negative_score >= weights.very_negative_at:
            points, reason = weights.very_negative, "very negative"
        else:
            points, reason = weights.negative, "negative"
        if points:
            factors.append(PriorityFactor(points, reason))
    if weights.urgent and text and _URGENT.search(text, lowered) is not None:
        factors.append(PriorityFactor(weights.urgent, "says it is urgent"))
    if personal_data_exposed and weights.personal_data:
        factors.append(PriorityFactor(weights.personal_data, "personal data exposed in public"))
    if vip and weights.vip:
        factors.append(PriorityFactor(weights.vip, "VIP customer"))
    for category, boost in category_boosts:
        if boost:
            factors.append(PriorityFactor(boost, f"category {category}"))
    if (followers is not None and followers >= 1_000) or verified:
        reach = _reach_points(followers, verified, weights)
        if reach:
            factors.append(PriorityFactor(reach, _reach_reason(followers, verified)))
    total = sum(f.points for f in factors)
    if not actionable and total > weights.not_actionable_cap:
        factors.append(PriorityFactor(weights.not_actionable_cap - total, "not actionable"))
        total = weights.not_actionable_cap
    if total > 100:
        factors.append(PriorityFactor(100 - total, "capped at 100"))
        total = 100
    elif total < 0:  # a category's negative boost on a post that earned fewer points
        factors.append(PriorityFactor(-total, "raised to 0"))
        total = 0
    return Priority(total, tuple(factors))


def _reach_points(followers: int | None, verified: bool, weights: PriorityWeights) -> int:
    """Points for reach: logarithmic in followers from 1,000 up to `reach_full_at`,
    plus the verified badge, never more than `weights.reach`."""
    points = 0.0
    if followers is not None and followers >= 1_000:
        span = math.log10(weights.reach_full_at) - 3
        share = (math.log10(followers) - 3) / span if span > 0 else 1.0
        points = weights.reach * min(1.0, share) if share > 0 else 0.0
        points = max(points, 1.0)
    if verified:
        points += weights.verified
    return min(weights.reach, round(points))


def _reach_reason(followers: int | None, verified: bool) -> str:
    parts = []
    if followers is not None and followers >= 1_000:
        parts.append(f"author has {_short_count(followers)} followers")
    if verified:
        parts.append("verified author")
    return " and ".join(parts)


def _short_count(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M".replace(".0M", "M")
    return f"{n // 1_000}k"
