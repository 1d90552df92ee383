"""Queue order: at risk first, then priority, then time left, then waiting; each place
explained in the same terms."""

from datetime import timedelta

import pytest

from carelane.routing.queues import explain_place, order_queue, queue_key
from carelane.routing.requirements import ConversationToRoute
from tests.unit.routing.builders import NOW, conversation, minutes


def ids(conversations: list[ConversationToRoute]) -> list[int]:
    return [position.conversation.id for position in order_queue(conversations, now=NOW)]


def test_at_risk_comes_before_any_priority() -> None:
    calm = conversation(1, priority=95, due_in=60)
    breaching = conversation(2, priority=20, due_in=4)
    breached = conversation(3, priority=10, due_in=-3)
    assert ids([calm, breaching, breached]) == [2, 3, 1]


def test_within_a_band_priority_then_time_left_then_waiting_then_id() -> None:
    conversations = [
        conversation(1, priority=50, due_in=120, waited=1),
        conversation(2, priority=70, due_in=200, waited=1),
        conversation(3, priority=50, due_in=60, waited=1),
        conversation(4, priority=50, due_in=None, waited=30),
        conversation(5, priority=50, due_in=60, waited=9),
        conversation(6, priority=50, due_in=60, waited=9),
    ]
    assert ids(conversations) == [2, 5, 6, 3, 1, 4]


def test_the_breach_window_is_the_callers() -> None:
    soon = conversation(1, priority=10, due_in=25)
    high = conversation(2, priority=90, due_in=120)
    assert ids([soon, high]) == [2, 1]
    wide = order_queue([soon, high], now=NOW, breach_window=timedelta(minutes=30))
    assert [p.conversation.id for p in wide] == [1, 2]


def test_a_deadline_exactly_at_the_window_is_at_risk() -> None:
    assert queue_key(conversation(due_in=10), now=NOW)[0] == 0
    assert queue_key(conversation(due_in=10.01), now=NOW)[0] == 1


def test_each_position_says_why() -> None:
    queue = order_queue(
        [
            conversation(1, priority=72, due_in=4.5, waited=6),
            conversation(2, priority=40, due_in=-3, waited=33),
            conversation(3, priority=72, due_in=125, waited=1),
            conversation(4, priority=72, due_in=None, waited=0.5),
        ],
        now=NOW,
    )
    assert [(p.position, p.explanation) for p in queue] == [
        (1, "breaches in 4 min; priority 72; waiting 6 min"),
        (2, "breached 3 min ago; priority 40; waiting 33 min"),
        (3, "priority 72; breaches in 2 h 5 min; waiting 1 min"),
        (4, "priority 72; no deadline; waiting under 1 min"),
    ]
    assert [p.at_risk for p in queue] == [True, True, False, False]
    assert queue[0].time_left == minutes(4.5)
    assert queue[3].time_left is None
    assert queue[1].waited == minutes(33)


def test_explain_place_alone() -> None:
    assert explain_place(conversation(priority=9), at_risk=False, time_left=None) == (
        "priority 9; no deadline"
    )


def test_an_empty_queue() -> None:
    assert order_queue([], now=NOW) == ()


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match=r"now .* has no time zone"):
        order_queue([], now=NOW.replace(tzinfo=None))
