"""Whether a reply waits for a supervisor's approval before it is sent, and whether it is
reviewed after: pure.

- A trainee's every reply waits for approval.
- Whatever the level, a reply waits for approval when the workspace's rules say so: the
  author has more followers than the set number, the conversation is in a crisis lane or
  category, or a legal or safety word is in the customer's posts or in the reply.
- A reply sent without approval is queued for review after sending when its agent is on
  probation (every reply) or certified and drawn for review: a share of the replies set
  by the workspace, drawn from the reply's id so that the draw is the same every time it
  is made (and in every test).
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from carelane.qa.levels import CertificationLevel
from carelane.qa.settings import ApprovalRules
from carelane.triage.terms import fold


@dataclass(frozen=True, slots=True)
class ReplyToCheck:
    """What the rules read of a reply about to be sent."""

    reply_id: int
    level: CertificationLevel
    reply_text: str
    customer_texts: Sequence[str] = ()
    author_followers: int | None = None
    lane: str | None = None
    categories: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class ReplyCheck:
    """What happens to a reply: approval first (and why), or review after sending (why)."""

    needs_approval: bool
    approval_reasons: tuple[str, ...]
    review_after_sending: bool
    review_reason: str | None


def check_reply(reply: ReplyToCheck, rules: ApprovalRules, *, review_share: float) -> ReplyCheck:
    """Whether `reply` waits for approval (every reason that says so) and, if not,
    whether it is reviewed after sending."""
    reasons: list[str] = []
    if reply.level is CertificationLevel.TRAINEE:
        reasons.append("trainee: every reply is approved before it is sent")
    reasons.extend(rule_reasons(reply, rules))
    if reasons:
        return ReplyCheck(True, tuple(reasons), False, None)
    if reply.level is CertificationLevel.PROBATION:
        return ReplyCheck(False, (), True, "probation: every reply is reviewed after sending")
    if drawn_for_review(reply.reply_id, review_share):
        share = f"{review_share:.0%}"
        return ReplyCheck(False, (), True, f"certified: drawn for review ({share} of replies)")
    return ReplyCheck(False, (), False, None)


def rule_reasons(reply: ReplyToCheck, rules: ApprovalRules) -> list[str]:
    """The workspace's rules that hold `reply` for approval, each in words."""
    reasons = []
    limit = rules.followers_above
    if limit is not None and reply.author_followers is not None and reply.author_followers > limit:
        reasons.append(f"the author has {reply.author_followers:,} followers (above {limit:,})")
    crisis = crisis_tag(reply.lane, reply.categories, rules)
    if crisis is not None:
        reasons.append(f"crisis-tagged: {crisis}")
    in_posts = found_words(reply.customer_texts, rules.words)
    if in_posts:
        reasons.append(f"legal or safety words in the customer's posts: {_quoted(in_posts)}")
    in_reply = found_words([reply.reply_text], rules.words)
    if in_reply:
        reasons.append(f"legal or safety words in the reply: {_quoted(in_reply)}")
    return reasons


def crisis_tag(lane: str | None, categories: Sequence[str], rules: ApprovalRules) -> str | None:
    """The crisis lane or category the conversation is in, in words; None if none."""
    if lane is not None and lane.casefold() in {name.casefold() for name in rules.crisis_lanes}:
        return f"lane {lane}"
    crisis = {name.casefold() for name in rules.crisis_categories}
    for category in categories:
        if category.casefold() in crisis:
            return f"category {category}"
    return None


def found_words(texts: Sequence[str], words: Sequence[str]) -> list[str]:
    """The words (or phrases) of `words` found in any of `texts`, as whole words in any
    case, in the order of `words`."""
    if not words or not texts:
        return []
    pattern = _words_pattern(tuple(words))
    found: set[str] = set()
    for text in texts:
        found.update(_spaced(match.group(0)) for match in pattern.finditer(fold(text)))
    return [word for word in words if _spaced(fold(word)) in found]


def _spaced(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=64)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    folded = sorted({_spaced(fold(word)) for word in words}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, word.split())) for word in folded)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _quoted(words: list[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


def drawn_for_review(reply_id: int, share: float) -> bool:
    """Whether reply `reply_id` is among the `share` (0 to 1) of replies reviewed: a
    uniform draw from a hash of the id, the same on every machine and every call."""
    if share <= 0:
        return False
    if share >= 1:
        return True
    digest = hashlib.sha256(f"carelane-review:{reply_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share
