"""Triage of posts: everything carelane decides about a post before routing it.

`triage_posts` takes a batch (the models score a batch at once) and a workspace's
settings, and gives each post its `Triage`: actionable or not and why, intent,
sentiment, topics, language, personal data exposed, lane and categories, and priority
with its breakdown, all stamped with the models' version. Pure: no database, no clock,
no network; any text gives a valid triage.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from carelane.domain.triage import Intent, Sentiment
from carelane.triage.actionability import judge_actionable
from carelane.triage.lanes import (
    CategoryMatch,
    CompiledLanes,
    NearestExamples,
    PostFacts,
    decide_lane,
)
from carelane.triage.language import detect_language
from carelane.triage.models import TriageModels
from carelane.triage.personal_data import PersonalDataFinding, find_personal_data
from carelane.triage.priority import (
    DEFAULT_WEIGHTS,
    PriorityFactor,
    PrioritySignals,
    PriorityWeights,
    explain,
    prioritise,
)

REASON_AT_LEAST = 0.2
"""A reason is a topic of a negative post when the model gives it this probability."""


@dataclass(frozen=True, slots=True)
class PostToTriage:
    """What triage looks at in a post."""

    text: str
    network: str = "twitter"
    channel: str | None = None
    channel_kind: str | None = None
    author_handle: str = ""
    author_followers: int | None = None
    author_verified: bool = False
    outbound: bool = False
    public: bool = True
    language: str | None = None  # as the network gave it, if it did
    vip: bool = False


@dataclass(frozen=True)
class WorkspaceTriage:
    """A workspace's triage settings.

    `brand_handles` are its own accounts (lowercase, no `@`): their posts and shares of
    them are not actionable. `lanes` are its compiled swim lanes (None: everything in one
    default lane). `reason_topics` turns on the airline reasons as topics of negative
    posts, for airline workspaces.
    """

    brand_handles: frozenset[str] = frozenset()
    lanes: CompiledLanes | None = None
    weights: PriorityWeights = DEFAULT_WEIGHTS
    reason_topics: bool = False
    default_lane: str = "Customer Service"


@dataclass(frozen=True, slots=True)
class Topic:
    """What a post is about: a reason the model gives, or a category of the lanes."""

    name: str
    score: float
    source: str  # "reason" or "category"


@dataclass(frozen=True, slots=True)
class Triage:
    """Everything triage decided about one post, and why."""

    model_version: str
    actionable: bool
    actionable_score: float
    actionable_reason: str
    intent: Intent
    intent_score: float
    sentiment: Sentiment
    sentiment_score: float  # -1 (negative) to 1 (positive)
    sentiment_confidence: float
    topics: tuple[Topic, ...]
    language: str
    personal_data: PersonalDataFinding
    lane: str
    categories: tuple[CategoryMatch, ...]
    lane_why: str
    priority: int
    priority_factors: tuple[PriorityFactor, ...] = field(default=())

    def explain_priority(self) -> str:
        return explain(self.priority_factors)

    def to_json(self) -> dict[str, Any]:
        """The triage as JSON-ready data, as stored and served."""
        return {
            "model_version": self.model_version,
            "actionable": self.actionable,
            "actionable_score": self.actionable_score,
            "actionable_reason": self.actionable_reason,
            "intent": self.intent.value,
            "intent_score": self.intent_score,
            "sentiment": self.sentiment.value,
            "sentiment_score": self.sentiment_score,
            "sentiment_confidence": self.sentiment_confidence,
            "topics": [{"name": t.name, "score": t.score, "source": t.source} for t in self.topics],
            "language": self.language,
            "personal_data": {
                "take_offline": self.personal_data.take_offline,
                "reason": self.personal_data.reason,
                "spans": [
                    {"kind": s.kind.value, "start": s.start, "end": s.end, "redacted": s.redacted}
                    for s in self.personal_data.spans
                ],
            },
            "lane": self.lane,
            "categories": [
                {"name": c.name, "lane": c.lane, "score": c.score, "reasons": list(c.reasons)}
                for c in self.categories
            ],
            "lane_why": self.lane_why,
            "priority": self.priority,
            "priority_factors": [
                {"points": f.points, "reason": f.reason} for f in self.priority_factors
            ],
            "priority_why": self.explain_priority(),
        }


def triage_posts(
    posts: Sequence[PostToTriage],
    workspace: WorkspaceTriage | Sequence[WorkspaceTriage],
    models: TriageModels,
) -> list[Triage]:
    """The triage of each post, in order, with its workspace's settings: one for all, or
    one per post (a batch may mix workspaces; the models score it at once)."""
    if not posts:
        return []
    settings = [workspace] * len(posts) if isinstance(workspace, WorkspaceTriage) else workspace
    if len(settings) != len(posts):
        raise ValueError(f"{len(posts)} posts but {len(settings)} workspace settings")
    probabilities = models.probabilities([p.text for p in posts])
    sentiments = models.labels("sentiment")
    intents = models.labels("intent")
    reasons = models.labels("reason")
    negative, positive = sentiments.index("negative"), sentiments.index("positive")
    other = intents.index(Intent.OTHER.value)
    # Python floats from here on: a post at a time, numpy's scalars cost more than they save.
    feelings: list[list[float]] = probabilities["sentiment"].tolist()
    asking: list[list[float]] = probabilities["intent"].tolist()
    whys: list[list[float]] = probabilities["reason"].tolist()
    nearest = _nearest_examples(posts, settings)
    results = []
    for i, (post, ws) in enumerate(zip(posts, settings, strict=True)):
        feeling, asks = feelings[i], asking[i]
        sentiment = Sentiment(sentiments[_best(feeling)])
        actionability = judge_actionable(
            post.text,
            outbound=post.outbound,
            author_handle=post.author_handle,
            brand_handles=ws.brand_handles | _own_channel(post),
            other_probability=asks[other],
        )
        if actionability.actionable:  # the likeliest of the intents care acts on
            best = _best(asks, but=other)
            intent, intent_score = Intent(intents[best]), asks[best]
        else:
            intent, intent_score = Intent.OTHER, max(asks[other], 1 - actionability.score)
        topics: list[Topic] = []
        if ws.reason_topics and sentiment is Sentiment.NEGATIVE:
            why = whys[i]
            ranked = sorted(range(len(why)), key=why.__getitem__, reverse=True)[:2]
            topics += [
                Topic(reasons[j], round(why[j], 3), "reason")
                for j in ranked
                if why[j] >= REASON_AT_LEAST
            ]
        personal = find_personal_data(post.text, public=post.public)
        lane, categories, lane_why = _lane(post, ws, intent, sentiment, nearest.get(i))
        topics += [Topic(c.name, round(c.score, 3), "category") for c in categories]
        priority = prioritise(
            PrioritySignals(
                actionable=actionability.actionable,
                intent=intent,
                sentiment=sentiment,
                negative_score=feeling[negative],
                text=post.text,
                followers=post.author_followers,
                verified=post.author_verified,
                vip=post.vip,
                personal_data_exposed=personal.take_offline,
                category_boosts=[(categories[0].name, categories[0].priority_boost)]
                if categories
                else (),
            ),
            ws.weights,
        )
        results.append(
            Triage(
                model_version=models.version,
                actionable=actionability.actionable,
                actionable_score=actionability.score,
                actionable_reason=actionability.reason,
                intent=intent,
                intent_score=round(intent_score, 3),
                sentiment=sentiment,
                sentiment_score=round(feeling[positive] - feeling[negative], 3),
                sentiment_confidence=round(max(feeling), 3),
                topics=tuple(topics),
                language=post.language or detect_language(post.text).code,
                personal_data=personal,
                lane=lane,
                categories=categories,
                lane_why=lane_why,
                priority=priority.score,
                priority_factors=priority.factors,
            )
        )
    return results


def _best(scores: list[float], *, but: int = -1) -> int:
    """The index of the highest score (the first of equals), leaving out index `but`."""
    best = -1
    for index, score in enumerate(scores):
        if index != but and (best < 0 or score > scores[best]):
            best = index
    return best


def _own_channel(post: PostToTriage) -> frozenset[str]:
    """The brand's own account a post arrived on, which is one of the brand's handles."""
    if post.channel and post.channel_kind in {None, "owned_account"}:
        return frozenset({post.channel.lower().lstrip("@")})
    return frozenset()


def _nearest_examples(
    posts: Sequence[PostToTriage], settings: Sequence[WorkspaceTriage]
) -> dict[int, NearestExamples]:
    """Each post's nearest example posts of its lanes, embedded and compared a batch at a
    time per lanes (one by one costs several times more); none for lanes without
    examples."""
    groups: dict[int, list[int]] = {}
    lanes_of: dict[int, CompiledLanes] = {}
    for i, ws in enumerate(settings):
        if ws.lanes is not None and ws.lanes.example_rows.size:
            groups.setdefault(id(ws.lanes), []).append(i)
            lanes_of[id(ws.lanes)] = ws.lanes
    nearest: dict[int, NearestExamples] = {}
    for key, members in groups.items():
        lanes = lanes_of[key]
        rows = lanes.similarities_of_batch(lanes.embed([posts[i].text for i in members]))
        nearest.update(zip(members, lanes.nearest_examples(rows), strict=True))
    return nearest


def _lane(
    post: PostToTriage,
    workspace: WorkspaceTriage,
    intent: Intent,
    sentiment: Sentiment,
    nearest: NearestExamples | None,
) -> tuple[str, tuple[CategoryMatch, ...], str]:
    if workspace.lanes is None:
        lane = workspace.default_lane
        return lane, (), f"{lane}, the default lane: the workspace has no lanes."
    decision = decide_lane(
        workspace.lanes,
        PostFacts(
            text=post.text,
            network=post.network,
            channel_handle=post.channel,
            channel_kind=post.channel_kind,
            author_handle=post.author_handle,
            author_followers=post.author_followers,
            intent=intent.value,
            sentiment=sentiment.value,
        ),
        nearest=nearest,
    )
    return decision.lane, decision.categories, decision.why
