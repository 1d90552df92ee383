"""Queue order: which waiting conversation comes first, with the reason for each place.

One rule, in this order:

1. At risk first: a conversation whose response is overdue or due within the breach
   window (10 minutes unless the caller says otherwise) comes before every other.
2. Then higher priority (0-100, from triage).
3. Then less time left before its deadline (no deadline comes last).
4. Then longer waiting, then the lower id, so the order is total.

Each position says why in the same terms: `breaches in 4 min; priority 72; waiting
6 min` for one at risk, `priority 72; breaches in 2 h 5 min; waiting 6 min` otherwise.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from carelane.domain.instants import utc_instant
from carelane.routing.durations import describe_duration
from carelane.routing.requirements import ConversationToRoute

DEFAULT_BREACH_WINDOW = timedelta(minutes=10)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_NO_DEADLINE = 2**63
QueueKey = tuple[int, int, int, int, int]


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def queue_key(
    conversation: ConversationToRoute,
    *,
    now: datetime,
    breach_window: timedelta = DEFAULT_BREACH_WINDOW,
) -> QueueKey:
    """The conversation's place in the order as a tuple: lower comes first."""
    due = conversation.response_due_at
    at_risk = due is not None and due - now <= breach_window
    return (
        0 if at_risk else 1,
        -conversation.priority,
        _micros(due) if due is not None else _NO_DEADLINE,
        _micros(conversation.waiting_since),
        conversation.id,
    )


@dataclass(frozen=True, slots=True)
class QueuePosition:
    """One conversation's place in the queue (1 is next) and why it is there."""

    position: int
    conversation: ConversationToRoute
    at_risk: bool
    time_left: timedelta | None
    waited: timedelta
    key: QueueKey
    explanation: str


def explain_place(
    conversation: ConversationToRoute, *, at_risk: bool, time_left: timedelta | None
) -> str:
    """`breaches in 4 min; priority 72` (at risk) or `priority 72; breaches in 2 h`."""
    if time_left is None:
        deadline = "no deadline"
    elif time_left < timedelta(0):
        deadline = f"breached {describe_duration(time_left)} ago"
    else:
        deadline = f"breaches in {describe_duration(time_left)}"
    priority = f"priority {conversation.priority}"
    return f"{deadline}; {priority}" if at_risk else f"{priority}; {deadline}"


def order_queue(
    conversations: Iterable[ConversationToRoute],
    *,
    now: datetime,
    breach_window: timedelta = DEFAULT_BREACH_WINDOW,
) -> tuple[QueuePosition, ...]:
    """The conversations in queue order at `now`, each with its reason."""
    utc_instant(now, "now")
    keyed = sorted(
        ((queue_key(c, now=now, breach_window=breach_window), c) for c in conversations),
        key=lambda pair: pair[0],
    )
    positions = []
    for index, (key, conversation) in enumerate(keyed, start=1):
        due = conversation.response_due_at
        time_left = due - now if due is not None else None
        waited = max(now - conversation.waiting_since, timedelta(0))
        reason = explain_place(conversation, at_risk=key[0] == 0, time_left=time_left)
        positions.append(
            QueuePosition(
                position=index,
                conversation=conversation,
                at_risk=key[0] == 0,
                time_left=time_left,
                waited=waited,
                key=key,
                explanation=f"{reason}; waiting {describe_duration(waited)}",
            )
        )
    return tuple(positions)
