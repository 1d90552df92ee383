"""When a trainee or an agent on probation is ready for the next level: pure.

An agent's record at their level counts the decisions on their replies since they
reached it: a supervisor's approval (approved unchanged counts as approved; edited
before approval or rejected counts against) and each reviewer's scorecard after sending
(passed or not). The workspace's promotion rule asks for at least `min_days` at the
level, at least `min_replies` decisions, and an approval rate of at least
`min_approval_rate`; the suggestion says which of these is still missing.
"""

from dataclasses import dataclass
from datetime import datetime

from carelane.qa.levels import NEXT_LEVEL, CertificationLevel
from carelane.qa.settings import PromotionRule

_DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class LevelRecord:
    """How an agent has done at their current level."""

    agent_id: int
    level: CertificationLevel
    since: datetime
    decided: int
    approved: int


@dataclass(frozen=True, slots=True)
class Promotion:
    """Whether an agent is ready for `next_level`, and why (not)."""

    agent_id: int
    level: CertificationLevel
    next_level: CertificationLevel
    ready: bool
    days_at_level: int
    decided: int
    approved: int
    approval_rate: float | None
    why: str


def promotion_for(record: LevelRecord, rule: PromotionRule, *, now: datetime) -> Promotion | None:
    """The promotion `record`'s agent is suggested for, or not yet; None when there is no
    level above theirs."""
    next_level = NEXT_LEVEL.get(record.level)
    if next_level is None:
        return None
    days = max(0, int((now - record.since).total_seconds() // _DAY_SECONDS))
    rate = record.approved / record.decided if record.decided else None
    missing = []
    if days < rule.min_days:
        missing.append(f"{rule.min_days - days} more day(s) at {record.level.value}")
    if record.decided < rule.min_replies:
        missing.append(f"{rule.min_replies - record.decided} more decided replies")
    if rate is not None and rate < rule.min_approval_rate:
        missing.append(f"an approval rate of {rule.min_approval_rate:.0%} (now {rate:.0%})")
    record_words = (
        f"{record.approved} of {record.decided} replies approved ({rate:.0%})"
        if rate is not None
        else "no decided replies yet"
    )
    summary = f"{record_words} in {days} day(s) as {record.level.value}"
    why = (
        f"{summary}: ready for {next_level.value}"
        if not missing
        else f"{summary}; needs {', '.join(missing)}"
    )
    return Promotion(
        agent_id=record.agent_id,
        level=record.level,
        next_level=next_level,
        ready=not missing,
        days_at_level=days,
        decided=record.decided,
        approved=record.approved,
        approval_rate=rate,
        why=why,
    )
