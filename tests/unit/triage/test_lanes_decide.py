"""Deciding a post's lane: each kind of rule, examples, how they combine, the ranking, and
the reasons given."""

from collections.abc import Sequence
from datetime import UTC, datetime
from textwrap import dedent

import numpy as np
import pytest
from numpy.typing import NDArray

from carelane.domain.channels import ChannelKind, Network
from carelane.domain.posts import Author, NormalisedPost
from carelane.triage.lane_file import load_lane_config
from carelane.triage.lane_rules import PostFacts
from carelane.triage.lanes import (
    CategoryMatch,
    CompiledLanes,
    compile_lanes,
    decide_lane,
)

HEADER = "version: 1\ndefault_lane: Support\nlanes:\n"
FIVE_BAGS = """
      - my bag never arrived at the carousel
      - they lost my suitcase on the way to Denver
      - where is my luggage, it has been three days
      - bag missing after connecting in Chicago
      - still waiting for my delayed bag to be delivered
"""


def support_lanes(yaml_categories: str) -> CompiledLanes:
    """One lane, `Support`, with the categories given as YAML."""
    body = "".join(
        f"      {line}\n" if line else "\n" for line in dedent(yaml_categories).split("\n")
    )
    return compile_lanes(load_lane_config(HEADER + "  - name: Support\n    categories:\n" + body))


def decide(lanes: CompiledLanes, text: str, **facts: object) -> tuple[str, list[CategoryMatch]]:
    decision = decide_lane(lanes, PostFacts(text=text, **facts))  # type: ignore[arg-type]
    return decision.lane, list(decision.categories)


def names(lanes: CompiledLanes, text: str, **facts: object) -> list[str]:
    return [match.name for match in decide(lanes, text, **facts)[1]]


@pytest.mark.parametrize(
    ("condition", "facts", "reasons"),
    [
        (
            "keywords: [refund, money back]",
            {"text": "I want my MONEY back"},
            ['keyword "money back"'],
        ),
        (
            "keywords: [refund*, voucher]",
            {"text": "refunded? and a voucher"},
            ['keyword "refund*"', 'keyword "voucher"'],
        ),
        ("query: lost AND bag*", {"text": "bags lost"}, ["query (lost AND bag*)"]),
        ("hashtags: [fail, '#nothappy']", {"text": "again #NotHappy"}, ["hashtag #nothappy"]),
        ("authors: ['@Ana']", {"text": "x", "author_handle": "ana"}, ["author @ana"]),
        ("authors: [ana]", {"text": "x", "author_handle": "@ANA"}, ["author @ana"]),
        (
            "channels: [UnitedHelp]",
            {"text": "x", "channel_handle": "unitedhelp"},
            ["channel @unitedhelp"],
        ),
        ("networks: [forum]", {"text": "x", "network": "forum"}, ["network is forum"]),
        (
            "channel_kinds: [keyword_search]",
            {"text": "x", "channel_kind": "keyword_search"},
            ["channel kind is keyword_search"],
        ),
        (
            "intents: [complaint, question]",
            {"text": "x", "intent": "question"},
            ["intent is question"],
        ),
        (
            "sentiments: [negative]",
            {"text": "x", "sentiment": "negative"},
            ["sentiment is negative"],
        ),
        (
            "min_followers: 10000",
            {"text": "x", "author_followers": 25000},
            ["25,000 followers (at least 10,000)"],
        ),
    ],
)
def test_each_kind_of_rule_matches_and_says_why(
    condition: str, facts: dict[str, object], reasons: list[str]
) -> None:
    lanes = support_lanes(f"- name: C\n  match:\n    {condition}\n")
    decision = decide_lane(lanes, PostFacts(**facts))  # type: ignore[arg-type]
    assert decision.lane == "Support"
    assert decision.categories == (CategoryMatch("C", "Support", 1.0, tuple(reasons)),)


@pytest.mark.parametrize(
    ("condition", "facts"),
    [
        ("keywords: [refund, money back]", {"text": "money is back"}),
        ("query: lost AND bag*", {"text": "lost luggage"}),
        ("hashtags: [fail]", {"text": "fail"}),
        ("authors: [ana]", {"text": "x", "author_handle": "anabel"}),
        ("authors: [ana]", {"text": "x"}),
        ("channels: [UnitedHelp]", {"text": "x", "channel_handle": "Delta"}),
        ("networks: [forum]", {"text": "x", "network": "twitter"}),
        ("channel_kinds: [keyword_search]", {"text": "x", "channel_kind": "owned_account"}),
        ("intents: [complaint]", {"text": "x", "intent": "compliment"}),
        ("intents: [complaint]", {"text": "x"}),  # not classified yet: not met
        ("sentiments: [negative]", {"text": "x", "sentiment": "positive"}),
        ("min_followers: 10000", {"text": "x", "author_followers": 9999}),
        ("min_followers: 10000", {"text": "x"}),  # followers unknown: not met
    ],
)
def test_each_kind_of_rule_can_miss(condition: str, facts: dict[str, object]) -> None:
    lanes = support_lanes(f"- name: C\n  match:\n    {condition}\n")
    decision = decide_lane(lanes, PostFacts(**facts))  # type: ignore[arg-type]
    assert decision.categories == ()
    assert decision.why == "Support, the default lane: no category matches."


def test_conditions_of_a_set_all_hold_and_any_set_will_do() -> None:
    lanes = support_lanes(
        """\
        - name: C
          match:
            - keywords: [bag]
              intents: [complaint]
            - hashtags: [lostbag]
        """
    )
    assert names(lanes, "my bag", intent="complaint") == ["C"]
    assert names(lanes, "my bag", intent="question") == []
    assert names(lanes, "my bag") == []
    assert names(lanes, "again #lostbag") == ["C"]
    (match,) = decide(lanes, "my bag #lostbag", intent="complaint")[1]
    assert match.reasons == ('keyword "bag"', "intent is complaint")  # the first set that held


def test_enum_facts_from_a_normalised_post() -> None:
    post = NormalisedPost(
        workspace="acme",
        network=Network.FORUM,
        channel="AcmeCommunity",
        external_id="1",
        author=Author(handle="Ana", followers=120),
        text="my bag is lost",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        channel_kind=ChannelKind.FORUM,
    )
    facts = PostFacts.of_post(post, intent="complaint", sentiment="negative")
    assert facts == PostFacts(
        text="my bag is lost",
        network="forum",
        channel_handle="AcmeCommunity",
        channel_kind="forum",
        author_handle="Ana",
        author_followers=120,
        intent="complaint",
        sentiment="negative",
    )
    lanes = support_lanes(
        "- name: C\n  match:\n    networks: [forum]\n    channel_kinds: [forum]\n"
        "    channels: [acmecommunity]\n    authors: [ana]\n    min_followers: 100\n"
    )
    (match,) = decide_lane(lanes, facts).categories
    assert match.reasons == (
        "network is forum",
        "channel kind is forum",
        "channel @acmecommunity",
        "author @ana",
        "120 followers (at least 100)",
    )


def test_examples_match_by_similarity_to_the_nearest() -> None:
    lanes = support_lanes(f"- name: Lost Luggage\n  examples:{FIVE_BAGS}")
    lane, matches = decide(lanes, "@united they lost my suitcase on the way to Denver, so annoyed")
    assert lane == "Support"
    (match,) = matches
    assert match.name == "Lost Luggage"
    assert 0.5 < match.score < 1.0
    assert match.reasons == (f"similar to example 2 ({match.score:.2f})",)
    assert names(lanes, "thank you for the lovely flight to Paris") == []


def test_a_stricter_similarity_needs_a_closer_post() -> None:
    loose = support_lanes(f"- name: C\n  similarity: 0.1\n  examples:{FIVE_BAGS}")
    strict = support_lanes(f"- name: C\n  similarity: 0.99\n  examples:{FIVE_BAGS}")
    text = "bag missing after connecting in Atlanta"
    assert names(loose, text) == ["C"]
    assert names(strict, text) == []
    assert names(strict, "bag missing after connecting in Chicago") == ["C"]  # an example


def keyword_embedder(texts: Sequence[str]) -> NDArray[np.float32]:
    """Similarity 1 between texts that both say `alike`, 0 otherwise."""
    rows = np.zeros((len(texts), 2), dtype=np.float32)
    for row, text in enumerate(texts):
        rows[row, 0 if "alike" in text else 1] = 1.0
    return rows


@pytest.mark.parametrize(
    ("combine", "text", "expected"),
    [
        ("any", "rule alike", ("rule",)),  # the rules decide; examples not compared
        ("any", "rule", ("rule",)),
        ("any", "alike", ("similar to example 1 (1.00)",)),
        ("any", "nothing", None),
        ("all", "rule alike", ("rule", "similar to example 1 (1.00)")),
        ("all", "rule", None),
        ("all", "alike", None),
        ("all", "nothing", None),
    ],
)
def test_rules_and_examples_combine(
    combine: str, text: str, expected: tuple[str, ...] | None
) -> None:
    examples = "".join(f"\n          - alike {i}" for i in range(5))
    config = load_lane_config(
        HEADER
        + "  - name: Support\n    categories:\n      - name: C\n"
        + f"        combine: {combine}\n        match: {{keywords: [rule]}}\n"
        + f"        examples:{examples}\n"
    )
    lanes = compile_lanes(config, embedder=keyword_embedder)
    decision = decide_lane(lanes, PostFacts(text))
    if expected is None:
        assert decision.categories == ()
    else:
        (match,) = decision.categories
        reasons = tuple('keyword "rule"' if r == "rule" else r for r in expected)
        assert match.reasons == reasons
        assert match.score == 1.0


def test_a_post_vector_given_is_used_instead_of_embedding_the_text() -> None:
    examples = "".join(f"\n          - alike {i}" for i in range(5))
    config = load_lane_config(
        HEADER
        + "  - name: Support\n    categories:\n      - name: C\n"
        + f"        examples:{examples}\n"
    )
    lanes = compile_lanes(config, embedder=keyword_embedder)
    alike = np.array([1.0, 0.0], dtype=np.float32)
    assert names_with_vector(lanes, "nothing here", alike) == ["C"]
    assert names_with_vector(lanes, "alike", np.array([0.0, 1.0], dtype=np.float32)) == []


def names_with_vector(lanes: CompiledLanes, text: str, vector: NDArray[np.float32]) -> list[str]:
    return [m.name for m in decide_lane(lanes, PostFacts(text), vector=vector).categories]


RANKED = dedent(
    """\
    version: 1
    default_lane: Customer Service
    lanes:
      - name: Marketing/PR
        categories:
          - name: Campaigns
            match: {keywords: [commercial]}
          - name: Crisis
            priority_boost: 2
            match: {keywords: [outage]}
      - name: Customer Service
        categories:
          - name: Complaints
            match: {keywords: [broken, outage, commercial]}
          - name: Anger
            priority_boost: -1
            match: {keywords: [worst]}
          - name: Similar
            similarity: 0.5
            examples:
              - the worst broken thing
              - the worst broken thing again
              - the worst broken thing once more
              - the worst broken thing still
              - the worst broken thing today
    """
)


def test_ranking_boost_then_score_then_file_order() -> None:
    lanes = compile_lanes(load_lane_config(RANKED))

    # Same boost and score: the category first in the file wins, lane and all.
    decision = decide_lane(lanes, PostFacts("your commercial is broken"))
    assert decision.lane == "Marketing/PR"
    assert [m.name for m in decision.categories] == ["Campaigns", "Complaints"]
    assert decision.why == (
        'Marketing/PR because it matches Campaigns (keyword "commercial"); it also matches '
        "Complaints (Customer Service)."
    )
    # A higher boost outranks the file's order, across lanes.
    decision = decide_lane(lanes, PostFacts("broken again, is there an outage"))
    assert [m.name for m in decision.categories] == ["Crisis", "Complaints"]
    assert decision.lane == "Marketing/PR"
    assert decision.priority_boost == 2
    # A rule match (score 1) outranks an example match; a negative boost ranks last.
    decision = decide_lane(lanes, PostFacts("the worst broken thing"))
    assert [m.name for m in decision.categories] == ["Complaints", "Similar", "Anger"]
    assert decision.categories[1].score == pytest.approx(1.0, abs=1e-5)
    assert decision.why == (
        'Customer Service because it matches Complaints (keyword "broken"); it also matches '
        "Similar and Anger."
    )
    assert decision.category == decision.categories[0]
    # Nothing matches: the default lane.
    decision = decide_lane(lanes, PostFacts("hello"))
    assert (decision.lane, decision.categories, decision.category) == ("Customer Service", (), None)
    assert decision.priority_boost == 0
    assert decision.why == "Customer Service, the default lane: no category matches."


def test_the_why_lists_every_other_category() -> None:
    lanes = compile_lanes(load_lane_config(RANKED))
    decision = decide_lane(lanes, PostFacts("worst commercial ever, broken"))
    assert decision.why == (
        'Marketing/PR because it matches Campaigns (keyword "commercial"); it also matches '
        "Complaints (Customer Service) and Anger (Customer Service)."
    )


def test_rules_only_lanes_never_embed() -> None:
    def refuse(texts: Sequence[str]) -> NDArray[np.float32]:
        raise AssertionError("no examples, so nothing to embed")

    lanes = compile_lanes(
        load_lane_config(RANKED.split("      - name: Similar")[0]), embedder=refuse
    )
    assert decide_lane(lanes, PostFacts("broken")).lane == "Customer Service"
