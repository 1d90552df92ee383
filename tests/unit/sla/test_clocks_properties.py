"""Properties of service-level clocks over generated timelines: a breach comes exactly at
the deadline, a clock's state agrees with the time it counted, and alarms lie ahead."""

from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from carelane.domain.conversations import ConversationStatus
from carelane.sla.calendars import BusinessCalendar, weekly_hours
from carelane.sla.clocks import ClockState, Deadline, conversation_deadlines
from carelane.sla.policies import DeadlineKind, ServiceLevelPolicy
from carelane.sla.timeline import AgentReply, CustomerMessage, StatusChange, TimelineFact
from carelane.sla.timers import next_timer

CALENDARS = [
    BusinessCalendar.always_open("24/7"),
    BusinessCalendar("office", "Europe/London", weekly_hours(range(5), time(8), time(18))),
    BusinessCalendar("nights", "America/New_York", weekly_hours(range(7), time(22), time(6))),
]
POLICY = ServiceLevelPolicy(
    name="Policy",
    calendar="any",
    first_response=timedelta(minutes=30),
    next_response=timedelta(hours=1),
    resolution=timedelta(hours=8),
    warning_fraction=0.8,
)
START = datetime(2025, 3, 7, 16, tzinfo=UTC)  # a Friday before the clocks change in the US

kinds = st.sampled_from(
    [
        CustomerMessage,
        AgentReply,
        *(
            lambda moment, status=status: StatusChange(moment, status)
            for status in ConversationStatus
        ),
    ]
)
steps = st.lists(
    st.tuples(st.timedeltas(min_value=timedelta(), max_value=timedelta(hours=20)), kinds),
    max_size=8,
)


def timeline(generated: list[tuple[timedelta, object]]) -> list[TimelineFact]:
    facts: list[TimelineFact] = []
    moment = START
    for gap, kind in generated:
        moment += gap
        facts.append(kind(moment))  # type: ignore[operator]
    return facts


def same_clock(clock: Deadline, clocks: tuple[Deadline, ...]) -> Deadline:
    return next(
        other
        for other in clocks
        if (other.kind, other.started_at) == (clock.kind, clock.started_at)
    )


@given(
    st.sampled_from(CALENDARS),
    steps,
    st.timedeltas(min_value=timedelta(), max_value=timedelta(days=3)),
)
def test_a_counting_clock_breaches_exactly_at_its_deadline(
    calendar: BusinessCalendar, generated: list[tuple[timedelta, object]], wait: timedelta
) -> None:
    facts = timeline(generated)
    last = facts[-1].at if facts else START
    deadlines = conversation_deadlines(facts, policy=POLICY, calendar=calendar, now=last + wait)

    for clock in deadlines.clocks:
        if not clock.is_counting or clock.due_at is None or clock.due_at <= last:
            continue
        due = conversation_deadlines(facts, policy=POLICY, calendar=calendar, now=clock.due_at)
        just_before = conversation_deadlines(
            facts, policy=POLICY, calendar=calendar, now=clock.due_at - timedelta(microseconds=1)
        )
        at_due = same_clock(clock, due.clocks)
        before_due = same_clock(clock, just_before.clocks)
        assert (at_due.state, at_due.elapsed) == (ClockState.BREACHED, clock.target)
        assert before_due.state is not ClockState.BREACHED
        assert before_due.remaining == timedelta(microseconds=1)


@given(
    st.sampled_from(CALENDARS),
    steps,
    st.timedeltas(min_value=timedelta(), max_value=timedelta(days=3)),
)
def test_a_clocks_state_agrees_with_the_time_it_counted(
    calendar: BusinessCalendar, generated: list[tuple[timedelta, object]], wait: timedelta
) -> None:
    facts = timeline(generated)
    now = (facts[-1].at if facts else START) + wait
    deadlines = conversation_deadlines(facts, policy=POLICY, calendar=calendar, now=now)

    for clock in deadlines.clocks:
        assert timedelta() <= clock.elapsed <= now - clock.started_at
        if clock.state is ClockState.BREACHED:
            assert clock.elapsed >= clock.target
        elif clock.state in (ClockState.RUNNING, ClockState.WARNING):
            assert clock.elapsed < clock.target
        else:
            assert clock.elapsed <= clock.target
        if clock.state is ClockState.PAUSED:
            assert clock.due_at is None
    owed_kinds = [clock.kind for clock in deadlines.owed]
    assert owed_kinds.count(DeadlineKind.RESOLUTION) <= 1
    assert len(owed_kinds) - owed_kinds.count(DeadlineKind.RESOLUTION) <= 1  # one response
    upcoming = next_timer(deadlines, now)
    assert upcoming is None or upcoming.at > now


@given(
    st.sampled_from(CALENDARS), st.timedeltas(min_value=timedelta(), max_value=timedelta(days=1))
)
def test_a_pause_never_brings_a_deadline_earlier(
    calendar: BusinessCalendar, pause: timedelta
) -> None:
    message = CustomerMessage(START)
    pending = StatusChange(START + timedelta(minutes=5), ConversationStatus.PENDING)
    reopened = StatusChange(pending.at + pause, ConversationStatus.OPEN)
    now = reopened.at

    straight = conversation_deadlines([message], policy=POLICY, calendar=calendar, now=now)
    paused = conversation_deadlines(
        [message, pending, reopened], policy=POLICY, calendar=calendar, now=now
    )

    for plain, with_pause in zip(straight.clocks, paused.clocks, strict=True):
        assert plain.due_at is not None
        assert with_pause.due_at is not None
        assert with_pause.due_at >= plain.due_at
        paused_time = calendar.business_time_between(pending.at, reopened.at)
        if plain.due_at > pending.at:  # not yet due when paused: pushed by the paused time
            assert calendar.business_time_between(plain.due_at, with_pause.due_at) == paused_time
