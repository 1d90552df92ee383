"""Priority: points per factor, the readable breakdown, and the promise that reach never
hides ordinary customers."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from carelane.domain.triage import Intent, Sentiment
from carelane.triage.priority import (
    DEFAULT_WEIGHTS,
    PrioritySignals,
    PriorityWeights,
    has_urgency,
    prioritise,
)


def test_the_breakdown_reads_like_a_person_wrote_it() -> None:
    priority = prioritise(
        PrioritySignals(
            actionable=True,
            intent=Intent.COMPLAINT,
            sentiment=Sentiment.NEGATIVE,
            negative_score=0.97,
            text="@united lost my bag",
            followers=48_000,
            vip=True,
        )
    )
    assert priority.explain() == (
        "+30 complaint, +20 very negative, +10 VIP customer, +13 author has 48k followers"
    )
    assert priority.score == 73
    assert sum(f.points for f in priority.factors) == priority.score


def test_urgency_personal_data_and_category_boosts_add_points() -> None:
    priority = prioritise(
        PrioritySignals(
            actionable=True,
            intent=Intent.QUESTION,
            sentiment=Sentiment.NEUTRAL,
            negative_score=0.1,
            text="I am stranded in Denver, please call me at 555-123-4567",
            personal_data_exposed=True,
            category_boosts=[("Crisis Communications", 25)],
        )
    )
    reasons = [f.reason for f in priority.factors]
    assert reasons == [
        "question",
        "says it is urgent",
        "personal data exposed in public",
        "category Crisis Communications",
    ]
    assert priority.score == 25 + 10 + 10 + 25


def test_a_post_that_is_not_actionable_stays_at_the_cap_and_says_why() -> None:
    priority = prioritise(
        PrioritySignals(
            actionable=False,
            intent=Intent.OTHER,
            sentiment=Sentiment.NEGATIVE,
            negative_score=0.99,
            text="urgent!!!",
            followers=5_000_000,
            verified=True,
        )
    )
    assert priority.score == DEFAULT_WEIGHTS.not_actionable_cap
    assert priority.factors[-1].reason == "not actionable"
    assert sum(f.points for f in priority.factors) == priority.score


def test_the_score_never_passes_100() -> None:
    weights = PriorityWeights(complaint=60, question=60, very_negative=50, urgent=50)
    priority = prioritise(
        PrioritySignals(
            actionable=True,
            intent=Intent.COMPLAINT,
            sentiment=Sentiment.NEGATIVE,
            negative_score=1.0,
            text="emergency",
        ),
        weights,
    )
    assert priority.score == 100
    assert priority.factors[-1].reason == "capped at 100"


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"reach": 25}, r"reach \(25\) must stay below"),
        ({"not_actionable_cap": 30}, r"not_actionable_cap \(30\) must stay below"),
        ({"complaint": 101}, "less than or equal to 100"),
    ],
)
def test_weights_that_would_hide_customers_are_refused(
    settings: dict[str, int], words: str
) -> None:
    with pytest.raises(ValidationError, match=words):
        PriorityWeights(**settings)


def test_urgency_words() -> None:
    assert has_urgency("Stuck at JFK, missed my connection")
    assert has_urgency("I was CHARGED TWICE for premium")
    assert not has_urgency("Thanks for the quick reply")


signals = st.builds(
    PrioritySignals,
    actionable=st.booleans(),
    intent=st.sampled_from(list(Intent)),
    sentiment=st.sampled_from(list(Sentiment)),
    negative_score=st.floats(0, 1),
    text=st.text(max_size=50),
    followers=st.none() | st.integers(0, 2**31 - 1),
    verified=st.booleans(),
    vip=st.booleans(),
    personal_data_exposed=st.booleans(),
)


category_boosts = st.lists(
    st.tuples(st.sampled_from(["Crisis Communications", "Can't Tell"]), st.integers(-100, 100)),
    max_size=3,
)


@given(post=signals, boosts=category_boosts)
def test_scores_stay_in_range_and_add_up(
    post: PrioritySignals, boosts: list[tuple[str, int]]
) -> None:
    priority = prioritise(replace(post, category_boosts=boosts))
    assert 0 <= priority.score <= 100
    assert sum(f.points for f in priority.factors) == priority.score


def test_a_negative_category_boost_never_takes_a_score_below_zero() -> None:
    # The airline lanes rank "Can't Tell" last with a boost of -1: chatter in it earns 0.
    chatter = PrioritySignals(
        actionable=False,
        intent=Intent.OTHER,
        sentiment=Sentiment.NEUTRAL,
        negative_score=0.1,
        text="what a joke",
        category_boosts=[("Can't Tell", -1)],
    )
    priority = prioritise(chatter)
    assert priority.score == 0
    assert [(f.points, f.reason) for f in priority.factors] == [
        (-1, "category Can't Tell"),
        (1, "raised to 0"),
    ]
    complaint = replace(chatter, intent=Intent.COMPLAINT, actionable=True)
    assert prioritise(complaint).score == 29


@given(famous=signals, followers=st.integers(0, 2**31 - 1))
def test_reach_never_puts_anyone_above_an_ordinary_customers_request(
    famous: PrioritySignals, followers: int
) -> None:
    ordinary = PrioritySignals(
        actionable=True,
        intent=Intent.COMPLAINT,
        sentiment=Sentiment.NEUTRAL,
        negative_score=0.0,
        followers=0,
    )
    famous_noise = PrioritySignals(
        actionable=famous.actionable,
        intent=famous.intent,
        sentiment=famous.sentiment,
        negative_score=famous.negative_score,
        followers=followers,
        verified=True,
    )
    chatter = not famous.actionable or famous.intent in {Intent.COMPLIMENT, Intent.OTHER}
    if chatter and famous.sentiment is not Sentiment.NEGATIVE:
        assert prioritise(famous_noise).score < prioritise(ordinary).score
    if not famous.actionable:
        assert prioritise(famous_noise).score < prioritise(ordinary).score


@given(post=signals, more=st.integers(0, 2**31 - 1))
def test_more_followers_never_lowers_priority(post: PrioritySignals, more: int) -> None:
    fewer = PrioritySignals(**{**_fields(post), "followers": 0})
    bigger = PrioritySignals(**{**_fields(post), "followers": more})
    assert prioritise(bigger).score >= prioritise(fewer).score


def _fields(post: PrioritySignals) -> dict[str, object]:
    return {name: getattr(post, name) for name in PrioritySignals.__slots__}
