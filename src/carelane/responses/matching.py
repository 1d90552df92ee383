"""The canned responses that best answer a customer's post: pure.

A response's fit is the similarity of its title and text to the post's text (the
triage's hashed word and character n-gram vectors, `triage.text_vectors`, cosine), plus
what its tags say of the post's triage:

- its intents hold the post's intent: +0.25 (tagged with others: -0.15);
- its categories hold one of the post's categories or topics: +0.30;
- its lanes hold the post's lane: +0.15 (tagged with others: -0.10);
- tagged with networks that do not include the post's: left out (a DM template for X
  is no answer on a forum).

Responses that fit less than `MIN_SCORE` are not suggested. Variables are left out of
the compared text (`{customer_first_name}` says nothing of what it answers).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from carelane.responses.variables import placeholders
from carelane.triage.text_vectors import embed

INTENT_MATCH = 0.25
INTENT_MISMATCH = -0.15
CATEGORY_MATCH = 0.30
LANE_MATCH = 0.15
LANE_MISMATCH = -0.10
MIN_SCORE = 0.15
"""Fit below which a response is not suggested."""


@dataclass(frozen=True, slots=True)
class ResponseToMatch:
    id: int
    title: str
    body: str
    lanes: Sequence[str] = ()
    categories: Sequence[str] = ()
    intents: Sequence[str] = ()
    networks: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class PostToAnswer:
    """A customer's post as triage saw it."""

    text: str
    network: str
    intent: str | None = None
    lane: str | None = None
    categories: Sequence[str] = field(default=())  # lane categories and reason topics


@dataclass(frozen=True, slots=True)
class Match:
    response_id: int
    score: float
    reasons: tuple[str, ...]


def comparable_text(title: str, body: str) -> str:
    """A response's title and text without its variables: what it is compared by."""
    text = body
    for placeholder in reversed(placeholders(body)):
        text = text[: placeholder.start] + " " + text[placeholder.end :]
    return f"{title}. {text}"


@lru_cache(maxsize=8192)
def _vector(text: str) -> NDArray[np.float32]:
    row: NDArray[np.float32] = embed([text])[0]
    row.setflags(write=False)
    return row


def _folded(values: Sequence[str]) -> set[str]:
    return {value.casefold() for value in values}


def best_responses(
    responses: Sequence[ResponseToMatch], post: PostToAnswer, *, limit: int = 3
) -> list[Match]:
    """The responses that fit `post` best, best first, at most `limit`, each fitting at
    least `MIN_SCORE`, with the reasons."""
    post_vector = _vector(post.text)
    post_categories = _folded(post.categories)
    matches = []
    for response in responses:
        if response.networks and post.network not in response.networks:
            continue
        similarity = float(post_vector @ _vector(comparable_text(response.title, response.body)))
        score = similarity
        reasons = []
        if response.intents and post.intent is not None:
            if post.intent in response.intents:
                score += INTENT_MATCH
                reasons.append(f"intent {post.intent}")
            else:
                score += INTENT_MISMATCH
        shared = [c for c in response.categories if c.casefold() in post_categories]
        if shared:
            score += CATEGORY_MATCH
            reasons.append(f"category {shared[0]}")
        if response.lanes and post.lane is not None:
            if post.lane.casefold() in _folded(response.lanes):
                score += LANE_MATCH
                reasons.append(f"lane {post.lane}")
            else:
                score += LANE_MISMATCH
        if similarity > 0.05:
            reasons.append(f"words in common (similarity {similarity:.2f})")
        if score >= MIN_SCORE:
            matches.append(Match(response.id, round(score, 4), tuple(reasons)))
    matches.sort(key=lambda m: (-m.score, m.response_id))
    return matches[:limit]
