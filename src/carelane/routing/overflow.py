"""Overflow: once a conversation has waited its lane's overflow time, its required skills
relax to preferred, the lane's backup teams are offered it, and the supervisor is told."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from carelane.domain.instants import utc_instant
from carelane.routing.durations import describe_duration
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster


@dataclass(frozen=True, slots=True)
class OverflowStage:
    """Whether a conversation overflows, since when, and what that changes.

    `overflows_at` is when it overflows (or did); the service tells the supervisor once
    when `tell_supervisor` first holds for a conversation, and may wake at `overflows_at`.
    """

    conversation_id: int
    lane: str
    overflowing: bool
    waited: timedelta
    overflow_after: timedelta
    overflows_at: datetime
    backup_teams: tuple[str, ...]
    explanation: str

    @property
    def tell_supervisor(self) -> bool:
        return self.overflowing


def overflow_stage(
    conversation: ConversationToRoute, roster: Roster, *, now: datetime
) -> OverflowStage:
    """The conversation's overflow stage at `now`, with a sentence saying why."""
    utc_instant(now, "now")
    policy = roster.policy(conversation.lane)
    waited = max(now - conversation.waiting_since, timedelta(0))
    overflowing = waited >= policy.overflow_after
    backups = tuple(team.name for team in roster.backup_teams(conversation.lane))
    wait = f"waiting {describe_duration(waited)}"
    limit = f"{conversation.lane}'s {describe_duration(policy.overflow_after)} overflow wait"
    if overflowing:
        offered = f"backup teams {', '.join(backups)} offered" if backups else "no backup team"
        explanation = f"{wait}, past {limit}: skills relaxed, {offered}; tell the supervisor"
    else:
        left = describe_duration(policy.overflow_after - waited)
        explanation = f"{wait}, within {limit} (overflows in {left})"
    return OverflowStage(
        conversation_id=conversation.id,
        lane=conversation.lane,
        overflowing=overflowing,
        waited=waited,
        overflow_after=policy.overflow_after,
        overflows_at=conversation.waiting_since + policy.overflow_after,
        backup_teams=backups,
        explanation=explanation,
    )
