"""Triage of posts: everything carelane decides about a post before routing it.

`triage_posts` takes a batch (the models score a batch at once) and a workspace's
settings, and gives each post its `Triage`: actionable or not and why, intent,
sentiment, topics, language, personal data exposed, lane and categories, and priority
with its breakdown, all stamped with the models' version. Pure: no database, no clock,
no network; any text gives a valid triage.
"""

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from carelane.domain.triage import Intent, Sentiment
from carelane.triage.actionability import judge_actionable
from carelane.triage.lane_examples import NearestExamples
from carelane.triage.lane_rules import PostFacts
from carelane.triage.lanes import (
    CategoryMatch,
    CompiledLanes,
    decide_lane,
)
from carelane.triage.language import detect_languages
from carelane.triage.models import TriageModels
from carelane.triage.personal_data import PersonalDataFinding, find_personal_data
from carelane.triage.priority import (
    DEFAULT_WEIGHTS,
    PriorityFactor,
    PriorityWeights,
    explain,
    priority_of,
)

REASON_AT_LEAST = 0.2
"""A reason is a topic of a negative post when the model gives it this probability."""


class PostToTriage(NamedTuple):
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


class Topic(NamedTuple):
    """What a post is about: a reason the model gives, or a category of the lanes."""

    name: str
    score: float
    source: str  # "reason" or "category"


class Triage(NamedTuple):
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
    priority_factors: tuple[PriorityFactor, ...] = ()

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
    with _collection_paused():
        return _triage_batch(posts, settings, models)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a batch is triaged. Triage makes many
    small objects and no reference cycles (reference counting frees all it drops), yet
    every so many objects the collector would walk the whole heap: a tenth of the time."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _triage_batch(
    posts: Sequence[PostToTriage], settings: Sequence[WorkspaceTriage], models: TriageModels
) -> list[Triage]:
    probabilities = models.probabilities([p.text for p in posts])
    sentiments = [Sentiment(label) for label in models.labels("sentiment")]
    intents = [Intent(label) for label in models.labels("intent")]
    reasons = models.labels("reason")
    negative = sentiments.index(Sentiment.NEGATIVE)
    positive = sentiments.index(Sentiment.POSITIVE)
    other = intents.index(Intent.OTHER)
    # The likeliest sentiment, and the likeliest intent but `other`, for the whole batch
    # (the first of equals, as a post at a time would pick them).
    felt: list[int] = np.argmax(probabilities["sentiment"], axis=1).tolist()
    asked = probabilities["intent"].copy()
    asked[:, other] = -np.inf
    asked_most: list[int] = np.argmax(asked, axis=1).tolist()
    # Python floats from here on: a post at a time, numpy's scalars cost more than they save.
    feelings: list[list[float]] = probabilities["sentiment"].tolist()
    asking: list[list[float]] = probabilities["intent"].tolist()
    whys: list[list[float]] = probabilities["reason"].tolist()
    nearest = _nearest_examples(posts, settings)
    unsaid = [i for i, post in enumerate(posts) if not post.language]
    languages = [post.language or "" for post in posts]  # as the network said, or guessed:
    for i, guess in zip(unsaid, detect_languages([posts[i].text for i in unsaid]), strict=True):
        languages[i] = guess.code
    version = models.version
    results = []
    for i, (post, ws) in enumerate(zip(posts, settings, strict=True)):
        feeling, asks, text = feelings[i], asking[i], post.text
        sentiment = sentiments[felt[i]]
        brands = ws.brand_handles
        if post.channel and post.channel_kind in _OWNED:  # the brand's own account
            brands = brands | {post.channel.lower().lstrip("@")}
        actionability = judge_actionable(
            text,
            outbound=post.outbound,
            author_handle=post.author_handle,
            brand_handles=brands,
            other_probability=asks[other],
        )
        if actionability.actionable:  # the likeliest of the intents care acts on
            best = asked_most[i]
            intent, intent_score = intents[best], asks[best]
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
        personal = find_personal_data(text, public=post.public)
        lane, categories, lane_why = _lane(post, ws, intent, sentiment, nearest.get(i))
        if categories:
            topics += [Topic(c.name, round(c.score, 3), "category") for c in categories]
            boosts: tuple[tuple[str, int], ...] = (
                (categories[0].name, categories[0].priority_boost),
            )
        else:
            boosts = ()
        priority = priority_of(
            actionability.actionable,
            intent,
            sentiment,
            feeling[negative],
            text,
            post.author_followers,
            post.author_verified,
            post.vip,
            personal.take_offline,
            boosts,
            ws.weights,
        )
        results.append(
            Triage(
                version,
                actionability.actionable,
                actionability.score,
                actionability.reason,
                intent,
                round(intent_score, 3),
                sentiment,
                round(feeling[positive] - feeling[negative], 3),
                round(max(feeling), 3),
                tuple(topics),
                languages[i],
                personal,
                lane,
                categories,
                lane_why,
                priority.score,
                priority.factors,
            )
        )
    return results


_OWNED = frozenset({None, "owned_account"})
"""Channel kinds whose channel is the brand's own account (None: not said)."""


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
        nearest.update(zip(members, lanes.nearest_to_decide(rows), strict=True))
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
