"""A lane category's rules, ready to check against a post.

Each set of conditions in a category's `match` (`RuleSet`) becomes a `RuleChecks`: checks
of the post's facts (network, channel, author, intent, sentiment, followers) and of its
text (hashtags, keywords, boolean queries), each giving the reasons a post meets it, and
the keys a post must have one of to meet the set at all, so most posts are turned away by
one set intersection before any check runs (`lanes.decide_lane`).

Pure: no clock, no I/O.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from carelane.domain.posts import NormalisedPost
from carelane.triage.lane_config import RuleSet
from carelane.triage.queries import Hashtag, QueryNode, Term, TermSet
from carelane.triage.term_index import terms_of
from carelane.triage.terms import PostTerms, fold


class PostFacts(NamedTuple):
    """What lane rules look at in a post. Facts not known yet (intent, sentiment,
    followers) are None, and a condition on a missing fact is not met."""

    text: str
    network: str | None = None
    channel_handle: str | None = None
    channel_kind: str | None = None
    author_handle: str | None = None
    author_followers: int | None = None
    intent: str | None = None
    sentiment: str | None = None

    @classmethod
    def of_post(
        cls, post: NormalisedPost, *, intent: str | None = None, sentiment: str | None = None
    ) -> "PostFacts":
        """The facts of a normalised post, with its intent and sentiment when known."""
        return cls(
            text=post.text,
            network=post.network,
            channel_handle=post.channel,
            channel_kind=post.channel_kind,
            author_handle=post.author.handle,
            author_followers=post.author.followers,
            intent=intent,
            sentiment=sentiment,
        )


@dataclass(slots=True)
class RuledPost:
    """A post's facts, folded once for matching (`lanes.decide_lane` makes one a post)."""

    facts: PostFacts
    terms: PostTerms
    found: frozenset[str]
    """The keys of the lanes' terms the post has (`TermIndex.found`) and of its facts that
    rules name (`fact_key`)."""
    author: str | None
    channel: str | None


Check = Callable[[RuledPost], tuple[str, ...] | None]
"""One condition: the reasons a post meets it, or None when it does not."""


@dataclass(frozen=True, slots=True)
class RuleChecks:
    """One set of conditions, ready to check: facts first (cheap), then the text; the text's
    reasons are listed first, as they say most about the post. `needs` are keys of which a
    post must have one to meet the conditions (None: no such keys): the terms of a text
    condition or the values of a fact condition (`fact_key`), whichever are fewer, so
    most posts are turned away by one set intersection."""

    facts: tuple[Check, ...]
    text: tuple[Check, ...]
    needs: frozenset[str] | None

    def reasons(self, post: RuledPost) -> tuple[str, ...] | None:
        if self.needs is not None and self.needs.isdisjoint(post.found):
            return None
        met: list[str] = []
        for check in self.facts:
            reasons = check(post)
            if reasons is None:
                return None
            met.extend(reasons)
        said: list[str] = []
        for check in self.text:
            reasons = check(post)
            if reasons is None:
                return None
            said.extend(reasons)
        return (*said, *met)


def _fact(
    template: str, allowed: tuple[str, ...], value_of: Callable[[RuledPost], str | None]
) -> Check:
    def check(post: RuledPost) -> tuple[str, ...] | None:
        value = value_of(post)
        return (template.format(value),) if value in allowed else None

    return check


def _followers(least: int) -> Check:
    def check(post: RuledPost) -> tuple[str, ...] | None:
        followers = post.facts.author_followers
        if followers is None or followers < least:
            return None
        return (f"{followers:,} followers (at least {least:,})",)

    return check


def _hashtags(tags: tuple[str, ...]) -> Check:
    wanted = frozenset(Hashtag(tag).key for tag in tags)

    def check(post: RuledPost) -> tuple[str, ...] | None:
        if wanted.isdisjoint(post.found):
            return None
        return tuple(f"hashtag #{tag}" for tag in tags if tag in post.terms.hashtags)

    return check


def _keywords(keywords: tuple[Term, ...]) -> Check:
    any_of = TermSet(keywords)

    def check(post: RuledPost) -> tuple[str, ...] | None:
        if not any_of.holds(post.found):
            return None
        return tuple(f'keyword "{keyword.text}"' for keyword in any_of.matching(post.terms))

    return check


def _query(query: QueryNode) -> Check:
    def check(post: RuledPost) -> tuple[str, ...] | None:
        if not query.holds(post.found):
            return None
        return (f"query {query.explain(post.terms)}",)

    return check


KEYED_FACTS = ("network", "channel_kind", "intent", "sentiment")
"""The facts whose values a rule lists, which a post's keys include (`fact_key`)."""


def fact_key(fact: str, value: str) -> str:
    """The key of a fact's value among a post's found keys: no term's key starts with a
    letter (they start with a space, `#` or `@`), so the two never meet."""
    return f"{fact}={value}"


def fact_values(rules: RuleSet) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The keyed facts (`KEYED_FACTS`) the rules name, each with the values they allow."""
    for fact, allowed in zip(
        KEYED_FACTS,
        (rules.networks, rules.channel_kinds, rules.intents, rules.sentiments),
        strict=True,
    ):
        if allowed:
            yield fact, allowed


def compile_rules(rules: RuleSet) -> RuleChecks:
    facts: list[Check] = []
    for template, allowed, value_of in (
        ("network is {}", rules.networks, lambda post: post.facts.network),
        ("channel kind is {}", rules.channel_kinds, lambda post: post.facts.channel_kind),
        ("channel @{}", rules.channels, lambda post: post.channel),
        ("author @{}", rules.authors, lambda post: post.author),
        ("intent is {}", rules.intents, lambda post: post.facts.intent),
        ("sentiment is {}", rules.sentiments, lambda post: post.facts.sentiment),
    ):
        if allowed:
            facts.append(_fact(template, allowed, value_of))
    if rules.min_followers is not None:
        facts.append(_followers(rules.min_followers))
    text: list[Check] = []
    needs: list[frozenset[str]] = []
    if rules.hashtags:
        text.append(_hashtags(rules.hashtags))
        needs.append(frozenset(Hashtag(tag).key for tag in rules.hashtags))
    if rules.keywords:
        text.append(_keywords(rules.keywords))
        needs.append(frozenset(keyword.key for keyword in rules.keywords))
    if rules.query is not None:
        text.append(_query(rules.query))
        if (needed := rules.query.needs()) is not None:
            needs.append(needed)
    for fact, allowed in fact_values(rules):  # a post must have one of the values
        needs.append(frozenset(fact_key(fact, value) for value in allowed))
    return RuleChecks(tuple(facts), tuple(text), min(needs, key=len) if needs else None)


def rule_terms(rules: RuleSet) -> Iterator[Term]:
    """Every term the rules look for in a post's text."""
    yield from (Hashtag(tag) for tag in rules.hashtags)
    yield from rules.keywords
    if rules.query is not None:
        yield from terms_of(rules.query)


def handle_key(value: str | None) -> str | None:
    """An author's or channel's handle as author and channel rules compare it."""
    if not value:
        return value  # None, or "" (which folds to "")
    return _folded_handle(value)


@lru_cache(maxsize=16_384)
def _folded_handle(value: str) -> str:
    """A handle as rules compare it; remembered, as the same authors and channels recur."""
    return fold(value).strip().removeprefix("@")
