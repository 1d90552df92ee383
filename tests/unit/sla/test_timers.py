"""When a conversation's warnings and breaches fire, for a scheduler to sleep until."""

from datetime import UTC, datetime, timedelta

import pytest

from carelane.domain.conversations import ConversationStatus
from carelane.sla.calendars import BusinessCalendar
from carelane.sla.clocks import Deadlines, conversation_deadlines
from carelane.sla.policies import DeadlineKind, ServiceLevelPolicy
from carelane.sla.timeline import AgentReply, CustomerMessage, StatusChange, TimelineFact
from carelane.sla.timers import (
    Alarm,
    Timer,
    deadline_timers,
    next_timer,
    timers_between,
    timers_of,
)

ALWAYS = BusinessCalendar.always_open("24/7")
POLICY = ServiceLevelPolicy(
    name="Facebook",
    calendar="24/7",
    first_response=timedelta(minutes=60),
    next_response=timedelta(minutes=60),
    resolution=timedelta(minutes=100),
    warning_fraction=0.5,
)
FIRST, RESOLUTION = DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 1, 6, hour, minute, tzinfo=UTC)


def read(*facts: TimelineFact, now: datetime) -> Deadlines:
    return conversation_deadlines(facts, policy=POLICY, calendar=ALWAYS, now=now)


def test_a_waiting_message_has_four_alarms_in_firing_order() -> None:
    deadlines = read(CustomerMessage(at(10)), now=at(10))

    assert timers_of(deadlines) == [
        Timer(at(10, 30), Alarm.WARNING, FIRST, at(10)),
        Timer(at(10, 50), Alarm.WARNING, RESOLUTION, at(10)),
        Timer(at(11), Alarm.BREACH, FIRST, at(10)),
        Timer(at(11, 40), Alarm.BREACH, RESOLUTION, at(10)),
    ]


def test_the_next_timer_is_strictly_after_now() -> None:
    deadlines = read(CustomerMessage(at(10)), now=at(10))

    assert next_timer(deadlines, at(10)) == Timer(at(10, 30), Alarm.WARNING, FIRST, at(10))
    assert next_timer(deadlines, at(10, 30)) == Timer(at(10, 50), Alarm.WARNING, RESOLUTION, at(10))
    assert next_timer(deadlines, at(11, 40)) is None


def test_a_reply_in_time_cancels_its_alarms_but_keeps_a_warning_that_fired() -> None:
    before_warning = read(CustomerMessage(at(10)), AgentReply(at(10, 20)), now=at(10, 20))
    after_warning = read(CustomerMessage(at(10)), AgentReply(at(10, 40)), now=at(10, 40))

    assert before_warning.first_response is not None
    assert deadline_timers(before_warning.first_response) == ()
    assert after_warning.first_response is not None
    assert deadline_timers(after_warning.first_response) == (
        Timer(at(10, 30), Alarm.WARNING, FIRST, at(10)),
    )


def test_a_paused_clock_fires_nothing_until_it_runs_again() -> None:
    facts = (
        CustomerMessage(at(10)),
        AgentReply(at(10, 20)),  # the resolution clock pauses with 80 minutes left
    )

    paused = read(*facts, now=at(12))
    resumed = read(*facts, CustomerMessage(at(12)), now=at(12))

    assert next_timer(paused, at(12)) is None
    assert [timer for timer in timers_of(resumed) if timer.kind is RESOLUTION] == [
        Timer(at(12, 30), Alarm.WARNING, RESOLUTION, at(10)),
        Timer(at(13, 20), Alarm.BREACH, RESOLUTION, at(10)),
    ]


def test_timers_between_are_what_a_scheduler_waking_late_must_fire() -> None:
    deadlines = read(CustomerMessage(at(10)), now=at(10))

    assert timers_between(deadlines, at(10, 30), at(11)) == [
        Timer(at(10, 50), Alarm.WARNING, RESOLUTION, at(10)),
        Timer(at(11), Alarm.BREACH, FIRST, at(10)),
    ]
    assert timers_between(deadlines, at(11, 40), at(23)) == []


def test_a_breach_before_resolution_is_still_reported_after_it() -> None:
    deadlines = read(
        CustomerMessage(at(10)),
        StatusChange(at(11, 30), ConversationStatus.RESOLVED),
        now=at(12),
    )

    assert timers_between(deadlines, at(10), at(12)) == [
        Timer(at(10, 30), Alarm.WARNING, FIRST, at(10)),
        Timer(at(10, 50), Alarm.WARNING, RESOLUTION, at(10)),
        Timer(at(11), Alarm.BREACH, FIRST, at(10)),
    ]
    assert next_timer(deadlines, at(12)) is None


def test_alarms_at_the_same_instant_fire_warnings_first() -> None:
    policy = ServiceLevelPolicy(
        name="Same",
        calendar="24/7",
        first_response=timedelta(minutes=30),
        next_response=timedelta(minutes=30),
        resolution=timedelta(minutes=40),
    )
    deadlines = conversation_deadlines(
        [CustomerMessage(at(10))], policy=policy, calendar=ALWAYS, now=at(10)
    )

    # the resolution warns at 10:30, when the first response breaches
    assert [(timer.at, timer.alarm) for timer in timers_of(deadlines)][1:3] == [
        (at(10, 30), Alarm.WARNING),
        (at(10, 30), Alarm.BREACH),
    ]


def test_naive_instants_are_refused() -> None:
    deadlines = read(CustomerMessage(at(10)), now=at(10))

    with pytest.raises(ValueError, match=r"now .* has no time zone"):
        next_timer(deadlines, datetime(2025, 1, 6, 10))  # noqa: DTZ001
    with pytest.raises(ValueError, match=r"until .* has no time zone"):
        timers_between(deadlines, at(10), datetime(2025, 1, 6, 10))  # noqa: DTZ001
