"""A conversation's service-level clocks read from its timeline: starting, pausing while
waiting on the customer, stopping, reopening, and the deadlines that follow."""

from datetime import UTC, datetime, time, timedelta

import pytest

from carelane.domain.conversations import ConversationStatus
from carelane.sla.calendars import BusinessCalendar, weekly_hours
from carelane.sla.clocks import ClockState, Deadline, Deadlines, conversation_deadlines
from carelane.sla.policies import DeadlineKind, ServiceLevelPolicy
from carelane.sla.timeline import AgentReply, CustomerMessage, StatusChange, TimelineFact

ALWAYS = BusinessCalendar.always_open("24/7")
OFFICE = BusinessCalendar("office", "Europe/London", weekly_hours(range(5), time(8), time(18)))
POLICY = ServiceLevelPolicy(
    name="X/Twitter",
    calendar="24/7",
    first_response=timedelta(minutes=30),
    next_response=timedelta(hours=1),
    resolution=timedelta(hours=8),
)
PENDING, OPEN = ConversationStatus.PENDING, ConversationStatus.OPEN
RESOLVED, CLOSED = ConversationStatus.RESOLVED, ConversationStatus.CLOSED


def at(hour: int, minute: int = 0, second: int = 0, microsecond: int = 0) -> datetime:
    """An instant on Monday 6 January 2025 (UTC, which is London's time in winter)."""
    return datetime(2025, 1, 6, hour, minute, second, microsecond, tzinfo=UTC)


def minutes(amount: float) -> timedelta:
    return timedelta(minutes=amount)


def read(
    *facts: TimelineFact,
    now: datetime,
    calendar: BusinessCalendar = ALWAYS,
    policy: ServiceLevelPolicy = POLICY,
) -> Deadlines:
    return conversation_deadlines(facts, policy=policy, calendar=calendar, now=now)


def first_response(deadlines: Deadlines) -> Deadline:
    assert deadlines.first_response is not None
    return deadlines.first_response


def resolution(deadlines: Deadlines) -> Deadline:
    assert deadlines.resolution is not None
    return deadlines.resolution


# -- the first response ----------------------------------------------------------------


def test_a_customer_message_starts_the_first_response_and_resolution_clocks() -> None:
    deadlines = read(CustomerMessage(at(10)), now=at(10, 10))

    clock = first_response(deadlines)
    assert clock.kind is DeadlineKind.FIRST_RESPONSE
    assert (clock.started_at, clock.due_at, clock.warning_at) == (
        at(10),
        at(10, 30),
        at(10, 22, 30),
    )
    assert (clock.state, clock.elapsed, clock.remaining, clock.overdue) == (
        ClockState.RUNNING,
        minutes(10),
        minutes(20),
        timedelta(),
    )
    assert clock.is_counting
    assert clock.counted_until is None
    assert resolution(deadlines).due_at == at(18)
    assert deadlines.next_response is None
    assert deadlines.owed == deadlines.clocks


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (at(10, 22, 29), ClockState.RUNNING),
        (at(10, 22, 30), ClockState.WARNING),
        (at(10, 29, 59, 999_999), ClockState.WARNING),
        (at(10, 30), ClockState.BREACHED),
    ],
)
def test_the_warning_and_the_breach_come_at_their_instants(
    now: datetime, state: ClockState
) -> None:
    assert first_response(read(CustomerMessage(at(10)), now=now)).state is state


def test_a_breached_clock_says_how_late_it_is() -> None:
    clock = first_response(read(CustomerMessage(at(10)), now=at(10, 45)))

    assert (clock.state, clock.overdue, clock.remaining) == (
        ClockState.BREACHED,
        minutes(15),
        timedelta(),
    )


def test_a_reply_in_time_meets_the_first_response_and_pauses_the_resolution() -> None:
    deadlines = read(CustomerMessage(at(10)), AgentReply(at(10, 20)), now=at(12))

    clock = first_response(deadlines)
    assert (clock.state, clock.stopped_at, clock.elapsed, clock.due_at) == (
        ClockState.MET,
        at(10, 20),
        minutes(20),
        at(10, 30),
    )
    assert clock.counted_until == at(10, 20)
    paused = resolution(deadlines)
    assert (paused.state, paused.paused_at, paused.due_at, paused.elapsed) == (
        ClockState.PAUSED,
        at(10, 20),
        None,
        minutes(20),
    )
    assert deadlines.owed == (paused,)


def test_a_reply_at_the_deadline_is_in_time_and_a_microsecond_later_is_late() -> None:
    on_time = first_response(read(CustomerMessage(at(10)), AgentReply(at(10, 30)), now=at(11)))
    late = first_response(read(CustomerMessage(at(10)), AgentReply(at(10, 30, 0, 1)), now=at(11)))

    assert on_time.state is ClockState.MET
    assert (late.state, late.overdue) == (ClockState.BREACHED, timedelta(microseconds=1))


def test_more_customer_messages_do_not_restart_an_owed_response() -> None:
    deadlines = read(CustomerMessage(at(10)), CustomerMessage(at(10, 10)), now=at(10, 15))

    assert first_response(deadlines).due_at == at(10, 30)
    assert len(deadlines.responses) == 1


def test_a_reply_before_the_customer_writes_owes_nothing() -> None:
    assert read(AgentReply(at(9)), now=at(10)) == Deadlines()
    deadlines = read(AgentReply(at(9)), CustomerMessage(at(10)), now=at(10))
    assert first_response(deadlines).due_at == at(10, 30)


def test_the_first_response_counts_business_hours_only() -> None:
    friday = datetime(2025, 1, 10, 17, 50, tzinfo=UTC)

    deadlines = read(CustomerMessage(friday), now=friday, calendar=OFFICE)

    assert first_response(deadlines).due_at == datetime(2025, 1, 13, 8, 20, tzinfo=UTC)
    assert resolution(deadlines).due_at == datetime(2025, 1, 13, 15, 50, tzinfo=UTC)


# -- the next response -----------------------------------------------------------------


def test_the_customer_writing_after_a_reply_starts_the_next_response_clock() -> None:
    deadlines = read(
        CustomerMessage(at(10)), AgentReply(at(10, 20)), CustomerMessage(at(11)), now=at(11, 5)
    )

    assert deadlines.next_response is not None
    assert deadlines.next_response.kind is DeadlineKind.NEXT_RESPONSE
    assert (deadlines.next_response.started_at, deadlines.next_response.due_at) == (
        at(11),
        at(12),
    )
    # the resolution clock ran 20 minutes, paused 40 and runs again: 40 minutes later
    assert resolution(deadlines).due_at == at(18, 40)
    assert resolution(deadlines).state is ClockState.RUNNING


def test_every_response_clock_is_kept_in_order() -> None:
    deadlines = read(
        CustomerMessage(at(10)),
        AgentReply(at(10, 20)),
        CustomerMessage(at(11)),
        AgentReply(at(11, 30)),
        CustomerMessage(at(12)),
        now=at(12, 30),
    )

    assert [clock.kind for clock in deadlines.responses] == [
        DeadlineKind.FIRST_RESPONSE,
        DeadlineKind.NEXT_RESPONSE,
        DeadlineKind.NEXT_RESPONSE,
    ]
    assert [clock.state for clock in deadlines.responses] == [
        ClockState.MET,
        ClockState.MET,
        ClockState.RUNNING,
    ]
    assert deadlines.next_response == deadlines.responses[2]


# -- waiting on the customer -----------------------------------------------------------


def test_pending_pauses_an_owed_response_and_the_customer_writing_resumes_it() -> None:
    facts = (CustomerMessage(at(10)), StatusChange(at(10, 10), PENDING))

    paused = first_response(read(*facts, now=at(12)))
    resumed = first_response(read(*facts, CustomerMessage(at(11)), now=at(11, 5)))

    assert (paused.state, paused.due_at, paused.elapsed, paused.paused_at) == (
        ClockState.PAUSED,
        None,
        minutes(10),
        at(10, 10),
    )
    assert not paused.is_counting
    assert (resumed.state, resumed.due_at, resumed.elapsed) == (
        ClockState.RUNNING,
        at(11, 20),
        minutes(15),
    )


def test_open_resumes_a_paused_clock_without_a_message() -> None:
    clock = first_response(
        read(
            CustomerMessage(at(10)),
            StatusChange(at(10, 10), PENDING),
            StatusChange(at(10, 40), OPEN),
            now=at(10, 40),
        )
    )

    assert (clock.state, clock.due_at) == (ClockState.RUNNING, at(11))


def test_a_pause_starts_from_the_first_pending_not_the_last() -> None:
    clock = first_response(
        read(
            CustomerMessage(at(10)),
            StatusChange(at(10, 10), PENDING),
            StatusChange(at(10, 20), PENDING),
            now=at(11),
        )
    )

    assert clock.paused_at == at(10, 10)


def test_a_clock_that_breached_before_its_pause_stays_breached() -> None:
    clock = first_response(
        read(CustomerMessage(at(10)), StatusChange(at(10, 40), PENDING), now=at(12))
    )

    assert (clock.state, clock.due_at, clock.overdue) == (
        ClockState.BREACHED,
        at(10, 30),
        minutes(10),
    )


def test_a_clock_paused_exactly_at_its_deadline_breaches_when_it_resumes() -> None:
    facts = (CustomerMessage(at(10)), StatusChange(at(10, 30), PENDING))

    paused = first_response(read(*facts, now=at(11)))
    resumed = first_response(read(*facts, StatusChange(at(11), OPEN), now=at(11)))

    assert (paused.state, paused.due_at, paused.remaining) == (
        ClockState.PAUSED,
        None,
        timedelta(),
    )
    assert (resumed.state, resumed.due_at) == (ClockState.BREACHED, at(11))


# -- resolving and reopening -----------------------------------------------------------


def test_resolving_stops_every_clock() -> None:
    deadlines = read(CustomerMessage(at(10)), StatusChange(at(10, 20), RESOLVED), now=at(20))

    assert first_response(deadlines).state is ClockState.STOPPED  # no answer, no breach
    assert resolution(deadlines).state is ClockState.MET
    assert resolution(deadlines).stopped_at == at(10, 20)
    assert deadlines.owed == ()


def test_resolving_after_a_missed_response_leaves_it_breached() -> None:
    deadlines = read(CustomerMessage(at(10)), StatusChange(at(10, 40), CLOSED), now=at(20))

    assert first_response(deadlines).state is ClockState.BREACHED
    assert resolution(deadlines).state is ClockState.MET


def test_a_late_resolution_is_breached_by_its_business_time() -> None:
    deadlines = read(
        CustomerMessage(at(8)),
        AgentReply(at(8, 10)),
        CustomerMessage(at(9)),
        StatusChange(at(17, 30), RESOLVED),
        now=at(20),
    )

    late = resolution(deadlines)
    assert (late.state, late.due_at, late.overdue) == (
        ClockState.BREACHED,
        at(16, 50),
        minutes(40),
    )


def test_the_customer_writing_after_resolution_reopens_with_new_clocks() -> None:
    deadlines = read(
        CustomerMessage(at(10)),
        AgentReply(at(10, 20)),
        StatusChange(at(10, 30), RESOLVED),
        CustomerMessage(at(12)),
        now=at(12),
    )

    assert [clock.kind for clock in deadlines.responses] == [
        DeadlineKind.FIRST_RESPONSE,
        DeadlineKind.NEXT_RESPONSE,
    ]
    assert deadlines.next_response is not None
    assert deadlines.next_response.due_at == at(13)
    assert [clock.state for clock in deadlines.resolutions] == [
        ClockState.MET,
        ClockState.RUNNING,
    ]
    assert resolution(deadlines).due_at == at(20)


def test_reopening_by_status_owes_a_new_response_from_the_reopening() -> None:
    deadlines = read(
        CustomerMessage(at(10)),
        AgentReply(at(10, 20)),
        StatusChange(at(10, 30), RESOLVED),
        StatusChange(at(12), OPEN),
        now=at(12),
    )

    assert deadlines.next_response is not None
    assert (deadlines.next_response.started_at, deadlines.next_response.due_at) == (
        at(12),
        at(13),
    )


def test_reopening_as_pending_starts_paused_clocks() -> None:
    facts = (
        CustomerMessage(at(10)),
        StatusChange(at(10, 30), RESOLVED),
        StatusChange(at(12), PENDING),
    )

    paused = read(*facts, now=at(13))
    answered = read(*facts, CustomerMessage(at(14)), now=at(14))

    assert [clock.state for clock in paused.owed] == [ClockState.PAUSED, ClockState.PAUSED]
    assert paused.next_response is not None
    assert (paused.next_response.started_at, paused.next_response.elapsed) == (at(12), timedelta())
    assert answered.next_response is not None
    assert answered.next_response.due_at == at(15)
    assert resolution(answered).due_at == at(22)


def test_a_customer_writing_in_a_closed_conversation_starts_nothing() -> None:
    deadlines = read(
        CustomerMessage(at(10)),
        StatusChange(at(10, 30), CLOSED),
        CustomerMessage(at(11)),
        now=at(12),
    )

    assert len(deadlines.responses) == 1
    assert deadlines.owed == ()


def test_without_a_resolution_target_there_is_no_resolution_clock() -> None:
    policy = ServiceLevelPolicy(
        name="Forums",
        calendar="24/7",
        first_response=timedelta(hours=4),
        next_response=timedelta(hours=4),
    )

    deadlines = read(CustomerMessage(at(10)), now=at(10), policy=policy)

    assert deadlines.resolutions == ()
    assert deadlines.resolution is None
    assert len(deadlines.clocks) == 1


def test_status_changes_before_the_customer_writes_start_nothing() -> None:
    assert read(StatusChange(at(9), OPEN), StatusChange(at(9, 5), PENDING), now=at(10)) == (
        Deadlines()
    )


# -- refusals --------------------------------------------------------------------------


def test_a_timeline_out_of_order_or_ahead_of_now_is_refused() -> None:
    with pytest.raises(ValueError, match=r"timeline\[1\] at .* is out of order"):
        read(CustomerMessage(at(10)), AgentReply(at(9)), now=at(11))
    with pytest.raises(ValueError, match=r"timeline\[0\] at .* is later than now"):
        read(CustomerMessage(at(10)), now=at(9))
    with pytest.raises(ValueError, match=r"timeline\[0\]\.at .* has no time zone"):
        read(CustomerMessage(datetime(2025, 1, 6, 10)), now=at(11))  # noqa: DTZ001
    with pytest.raises(ValueError, match=r"now .* has no time zone"):
        read(CustomerMessage(at(10)), now=datetime(2025, 1, 6, 11))  # noqa: DTZ001


def test_facts_at_the_same_instant_are_read_in_order() -> None:
    deadlines = read(CustomerMessage(at(10)), AgentReply(at(10)), now=at(10))

    assert first_response(deadlines).state is ClockState.MET
    assert first_response(deadlines).elapsed == timedelta()
