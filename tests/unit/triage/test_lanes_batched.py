"""Lanes decided for a batch (the examples compared at once, categories shortlisted, one
shared answer for posts no example is near) are the lanes decided with every nearest
example spelled out, and one post at a time, on real posts and the shipped lanes files."""

import pytest

from carelane.triage.lane_rules import PostFacts
from carelane.triage.lane_shortlist import Shortlist, ShortlistEntry
from carelane.triage.lanes import (
    SHIPPED_CONFIGS,
    LaneDecision,
    compile_lanes,
    decide_lane,
    shipped_lane_config,
)

INTENTS = ("complaint", "question", "compliment", "suggestion", "sales_lead", "other")
SENTIMENTS = ("negative", "neutral", "positive")


@pytest.fixture(scope="module")
def real_facts(real_texts: list[str]) -> list[PostFacts]:
    return [
        PostFacts(
            text=text,
            network="twitter",
            author_handle="a_blogger" if i % 31 == 0 else "someone",
            author_followers=(i * 7_919) % 120_000,
            intent=INTENTS[i % len(INTENTS)],
            sentiment=SENTIMENTS[i % len(SENTIMENTS)],
        )
        for i, text in enumerate(real_texts[::9])  # every ninth post of every source
    ]


def _seen(decision: LaneDecision) -> tuple[object, ...]:
    return (decision.lane, decision.categories, decision.why)


def _named(decision: LaneDecision) -> frozenset[str]:
    return frozenset(c.name for c in decision.categories)


@pytest.mark.parametrize("name", SHIPPED_CONFIGS)
def test_batched_decisions_are_the_one_by_one_decisions(
    name: str, real_facts: list[PostFacts]
) -> None:
    lanes = compile_lanes(shipped_lane_config(name))
    similarities = lanes.similarities_of_batch(lanes.embed([f.text for f in real_facts]))
    shared = lanes.nearest_to_decide(similarities)
    every = lanes.nearest_examples(similarities)
    batched = [
        decide_lane(lanes, facts, nearest=near)
        for facts, near in zip(real_facts, every, strict=True)
    ]
    assert [
        _seen(decide_lane(lanes, facts, nearest=near))
        for facts, near in zip(real_facts, shared, strict=True)
    ] == [_seen(decision) for decision in batched]
    # One post alone is embedded as a dense row, whose similarities may differ from the
    # batch's in the last bits of a float (so two near-equal categories may swap): the
    # same categories all the same.
    alone = [_named(decide_lane(lanes, facts)) for facts in real_facts]
    assert [_named(decision) for decision in batched] == alone
    matched = sum(1 for decision in batched if decision.categories)
    assert 0 < matched < len(batched)  # the posts test both ways of deciding
    if lanes.example_rows.size:
        assert len({id(near) for near in shared}) < len(shared) // 2  # mostly the shared one


def test_the_shortlist_keeps_what_can_match_in_file_order() -> None:
    shortlist = Shortlist(
        [
            ShortlistEntry(frozenset({"refund"}), -1, 0.3),
            ShortlistEntry(None, -1, 0.3),  # facts alone can place a post: always tried
            ShortlistEntry(frozenset({"bag", "luggage"}), 0, 0.4),
            ShortlistEntry(frozenset({"crash"}), 1, 0.3),
        ]
    )
    assert shortlist.of(frozenset(), (0.1, 0.1)) == [1]
    assert shortlist.of(frozenset({"luggage", "refund"}), (0.1, 0.1)) == [0, 1, 2]
    assert shortlist.of(frozenset(), (0.1, 0.35)) == [1, 3]  # its example is near enough
    assert shortlist.of(frozenset(), None) == [1, 2, 3]  # similarity unknown: may be near
