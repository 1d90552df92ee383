"""What the care team need not act on, and why."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage.actionability import judge_actionable

BRAND = frozenset({"united", "unitedhelp"})


def judge(text: str, *, author: str = "ana", outbound: bool = False, other: float = 0.1) -> str:
    result = judge_actionable(
        text, outbound=outbound, author_handle=author, brand_handles=BRAND, other_probability=other
    )
    return result.reason if not result.actionable else "actionable"


@pytest.mark.parametrize(
    ("text", "kwargs", "reason"),
    [
        ("We're sorry to hear that", {"outbound": True}, "the brand's own post"),
        ("Welcome aboard!", {"author": "@United"}, "the brand's own post"),
        (
            "RT @united: Fly to Hawaii this spring! http://t.co/x",
            {},
            "a share of the brand's own post",
        ),
        ("RT @bob: @united lost my bag again", {}, "a retweet of @bob"),
        (
            '"@united: We\'re sorry, please DM us." @bob',
            {},
            "echoes the brand's post without adding to it",
        ),
        ("@united http://t.co/abc #travel", {}, "nothing but mentions, hashtags and links"),
        ("Follow me and win a free trip! http://t.co/a", {}, "looks like spam or promotion"),
        ("@united lol", {"other": 0.9}, "nothing for care to act on (0.90)"),
        ("@united my bag is lost", {"other": 0.05}, "actionable"),
        ('Still no bag. "@united: We\'re sorry, please DM us."', {}, "actionable"),
    ],
)
def test_rules_and_model(text: str, kwargs: dict[str, object], reason: str) -> None:
    assert judge(text, **kwargs) == reason  # type: ignore[arg-type]


def test_the_score_is_one_minus_the_chance_of_other() -> None:
    result = judge_actionable(
        "@united where is my refund?",
        outbound=False,
        author_handle="ana",
        brand_handles=BRAND,
        other_probability=0.25,
    )
    assert (result.actionable, result.score) == (True, 0.75)


@given(text=st.text(), other=st.floats(0, 1))
def test_any_text_gets_a_judgement(text: str, other: float) -> None:
    result = judge_actionable(
        text, outbound=False, author_handle="x", brand_handles=BRAND, other_probability=other
    )
    assert 0.0 <= result.score <= 1.0
    assert result.reason
