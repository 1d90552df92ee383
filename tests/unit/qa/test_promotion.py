"""When a trainee or an agent on probation is suggested for the next level."""

from datetime import UTC, datetime, timedelta

from carelane.qa.levels import CertificationLevel
from carelane.qa.promotion import LevelRecord, promotion_for
from carelane.qa.settings import PromotionRule

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
RULE = PromotionRule(min_replies=20, min_approval_rate=0.9, min_days=7)


def _record(level: CertificationLevel, days: float, decided: int, approved: int) -> LevelRecord:
    return LevelRecord(7, level, NOW - timedelta(days=days), decided, approved)


def test_ready_after_enough_days_replies_and_approvals() -> None:
    promotion = promotion_for(_record(CertificationLevel.TRAINEE, 8, 25, 23), RULE, now=NOW)
    assert promotion is not None
    assert promotion.ready
    assert promotion.next_level is CertificationLevel.PROBATION
    assert promotion.approval_rate == 0.92
    assert (
        promotion.why
        == "23 of 25 replies approved (92%) in 8 day(s) as trainee: ready for probation"
    )


def test_what_is_missing_is_said() -> None:
    promotion = promotion_for(_record(CertificationLevel.PROBATION, 3.5, 12, 9), RULE, now=NOW)
    assert promotion is not None
    assert not promotion.ready
    assert promotion.next_level is CertificationLevel.CERTIFIED
    assert promotion.why == (
        "9 of 12 replies approved (75%) in 3 day(s) as probation; needs 4 more day(s) at "
        "probation, 8 more decided replies, an approval rate of 90% (now 75%)"
    )


def test_the_boundaries_count_as_met() -> None:
    promotion = promotion_for(_record(CertificationLevel.TRAINEE, 7, 20, 18), RULE, now=NOW)
    assert promotion is not None
    assert promotion.ready


def test_certified_has_nowhere_to_go_and_nothing_decided_is_not_ready() -> None:
    assert promotion_for(_record(CertificationLevel.CERTIFIED, 99, 99, 99), RULE, now=NOW) is None
    promotion = promotion_for(_record(CertificationLevel.TRAINEE, 30, 0, 0), RULE, now=NOW)
    assert promotion is not None
    assert (promotion.ready, promotion.approval_rate) == (False, None)
