"""Whether a reply waits for approval, and whether it is reviewed after sending."""

from typing import Any

import pytest

from carelane.qa.levels import CertificationLevel
from carelane.qa.rules import (
    ReplyToCheck,
    check_reply,
    crisis_tag,
    drawn_for_review,
    found_words,
)
from carelane.qa.settings import ApprovalRules

RULES = ApprovalRules()
TRAINEE, PROBATION, CERTIFIED = (
    CertificationLevel.TRAINEE,
    CertificationLevel.PROBATION,
    CertificationLevel.CERTIFIED,
)


def _reply(
    level: CertificationLevel,
    *,
    text: str = "Hi!",
    author_followers: int | None = None,
    categories: tuple[str, ...] = (),
    customer_texts: tuple[str, ...] = (),
) -> ReplyToCheck:
    return ReplyToCheck(
        reply_id=7,
        level=level,
        reply_text=text,
        customer_texts=customer_texts,
        author_followers=author_followers,
        categories=categories,
    )


def test_a_trainees_every_reply_waits_for_approval() -> None:
    check = check_reply(_reply(TRAINEE), RULES, review_share=0.1)
    assert check.needs_approval
    assert check.approval_reasons == ("trainee: every reply is approved before it is sent",)
    assert not check.review_after_sending


def test_probation_is_sent_and_reviewed_and_certified_is_drawn() -> None:
    probation = check_reply(_reply(PROBATION), RULES, review_share=0.0)
    assert (probation.needs_approval, probation.review_after_sending) == (False, True)
    assert probation.review_reason == "probation: every reply is reviewed after sending"
    assert check_reply(_reply(CERTIFIED), RULES, review_share=0.0).review_after_sending is False
    drawn = check_reply(_reply(CERTIFIED), RULES, review_share=1.0)
    assert drawn.review_reason == "certified: drawn for review (100% of replies)"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"author_followers": 10_001}, "the author has 10,001 followers (above 10,000)"),
        (
            {"categories": ("Late Flight", "crisis communications")},
            "crisis-tagged: category crisis communications",
        ),
        (
            {"customer_texts": ("I will SUE you",)},
            "legal or safety words in the customer's posts: 'sue'",
        ),
        ({"text": "Our safety team will call"}, "legal or safety words in the reply: 'safety'"),
    ],
)
def test_the_workspaces_rules_hold_anyones_reply(fields: dict[str, Any], reason: str) -> None:
    check = check_reply(_reply(CERTIFIED, **fields), RULES, review_share=1.0)
    assert check.needs_approval
    assert check.approval_reasons == (reason,)
    assert not check.review_after_sending, "approved before sending: no review after"


def test_followers_at_the_limit_or_unknown_do_not_hold_a_reply() -> None:
    for followers in (10_000, None):
        check = check_reply(_reply(CERTIFIED, author_followers=followers), RULES, review_share=0)
        assert not check.needs_approval
    off = ApprovalRules(followers_above=None)
    assert not check_reply(
        _reply(CERTIFIED, author_followers=10**9), off, review_share=0
    ).needs_approval


def test_a_trainee_gets_every_reason() -> None:
    check = check_reply(
        _reply(TRAINEE, author_followers=50_000, customer_texts=("my lawyer says",)),
        RULES,
        review_share=0,
    )
    assert len(check.approval_reasons) == 3


def test_words_are_whole_words_or_phrases_in_any_case_and_spacing() -> None:
    words = ["sue", "legal action", "fire"]
    assert found_words(["Suez canal, pursue, fireworks"], words) == []
    assert found_words(["We'll take LEGAL\n  action and sue"], words) == ["sue", "legal action"]
    assert found_words([], words) == []


def test_crisis_lanes_and_categories_in_any_case() -> None:
    rules = ApprovalRules(crisis_lanes=["Marketing/PR"], crisis_categories=["Outage"])
    assert crisis_tag("marketing/pr", (), rules) == "lane marketing/pr"
    assert crisis_tag("Customer Service", ("OUTAGE",), rules) == "category OUTAGE"
    assert crisis_tag("Customer Service", ("Late Flight",), rules) is None


def test_the_review_draw_is_the_same_every_time_and_near_its_share() -> None:
    assert [drawn_for_review(i, 0.1) for i in range(50)] == [
        drawn_for_review(i, 0.1) for i in range(50)
    ]
    drawn = sum(drawn_for_review(reply_id, 0.1) for reply_id in range(1, 20_001))
    assert 1_800 < drawn < 2_200
    assert not any(drawn_for_review(i, 0.0) for i in range(100))
    assert all(drawn_for_review(i, 1.0) for i in range(100))
