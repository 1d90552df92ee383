"""Whether a post needs anything from the care team.

Rules first, for what is certain from the post itself: the brand's own posts, shares of
its marketing, echoes of its replies, retweets, posts with nothing but mentions and
links, and spam. Everything else is judged by the intent model: a post is actionable
unless `other` (nothing for care to act on) is its most likely intent.
"""

import html
import re
from typing import NamedTuple

from carelane.triage.literal_gates import LiteralGate, caseless

_RETWEET = re.compile(r"^\s*RT\s+@(\w+)\s*:?", re.IGNORECASE)
# An old-style quote tweet: `comment "@brand: their words"` (straight or curly quotes).
_QUOTE = re.compile(r"[\"“]\s*@(\w+)\s*:(.*?)(?:[\"”]|$)", re.DOTALL)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#\w+")
_SPAM_PATTERN = re.compile(
    r"\b(follow (?:me|back|4 ?follow)|f4f|giveaway|win (?:a|free)|promo code|discount code|"
    r"click (?:here|the link)|earn \$|make money|cheap (?:followers|likes)|dm for promo|"
    r"check out my)\b",
    re.IGNORECASE,
)
_SPAM = LiteralGate.of(
    _SPAM_PATTERN,
    "follow |f4f|giveaway|win a|win free|promo code|discount code|click here|click the link"
    "|earn $|make money|cheap followers|cheap likes|dm for promo|check out my",
)
_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)


class Actionability(NamedTuple):
    """Whether a post is actionable, how likely (0 to 1), and why."""

    actionable: bool
    score: float
    reason: str


def judge_actionable(
    text: str,
    *,
    outbound: bool,
    author_handle: str,
    brand_handles: frozenset[str],
    other_probability: float,
) -> Actionability:
    """Whether `text` needs the care team.

    `brand_handles` are the workspace's own accounts, lowercased, without `@`;
    `other_probability` is the intent model's probability that the post is `other`.
    """
    if outbound:
        return Actionability(False, 0.0, "the brand's own post")
    ruled = _ruled_out(text, author_handle, brand_handles)
    if ruled is not None:
        return ruled
    score = round(1.0 - other_probability, 3)
    if score >= 0.5:
        return Actionability(True, score, f"asks something of care ({score:.2f})")
    return Actionability(False, score, f"nothing for care to act on ({1 - score:.2f})")


def _ruled_out(
    text: str, author_handle: str, brand_handles: frozenset[str]
) -> Actionability | None:
    """Why the post itself shows it is not for care, or None when it does not."""
    if author_handle.lower().lstrip("@") in brand_handles:
        return Actionability(False, 0.0, "the brand's own post")
    unescaped = html.unescape(text)
    retweet = _RETWEET.match(unescaped)
    if retweet:
        of_brand = retweet.group(1).lower() in brand_handles
        why = "a share of the brand's own post" if of_brand else f"a retweet of @{retweet.group(1)}"
        return Actionability(False, 0.02 if of_brand else 0.05, why)
    own_words = _own_words(unescaped, brand_handles) if brand_handles else None
    if own_words is not None and not _WORD.search(own_words):
        return Actionability(False, 0.03, "echoes the brand's post without adding to it")
    lowered = caseless(unescaped)
    links = _URL.findall(unescaped) if "http" in lowered or "www." in lowered else []
    bare = _URL.sub(" ", unescaped) if links else unescaped
    if "@" in bare:
        bare = _MENTION.sub(" ", bare)
    if "#" in bare:
        bare = _HASHTAG.sub(" ", bare)
    if not _WORD.search(bare):
        return Actionability(False, 0.05, "nothing but mentions, hashtags and links")
    urls = len(links)
    hashtags = len(_HASHTAG.findall(unescaped)) if urls and "#" in unescaped else 0
    if _SPAM.search(unescaped, lowered) or urls >= 3 or (urls >= 1 and hashtags >= 5):
        return Actionability(False, 0.05, "looks like spam or promotion")
    return None


def _own_words(text: str, brand_handles: frozenset[str]) -> str | None:
    """The author's own words around a quote of the brand's post, or None if it quotes
    no post of the brand."""
    quoted = False
    rest = text
    for match in _QUOTE.finditer(text):
        if match.group(1).lower() in brand_handles:
            quoted = True
            rest = rest.replace(match.group(0), " ")
    if not quoted:
        return None
    return _MENTION.sub(" ", _URL.sub(" ", rest))
