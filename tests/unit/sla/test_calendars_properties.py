"""Properties of business-hours calendars over generated instants and durations, and a
minute-by-minute count of the wall clock as an independent check."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from carelane.sla.calendars import ALWAYS_OPEN, DAY, BusinessCalendar, OpeningHours, weekly_hours

CHRISTMAS = frozenset({date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1)})
CALENDARS = [
    BusinessCalendar("office", "Europe/London", weekly_hours(range(5), time(8), time(18))),
    BusinessCalendar(
        "split",
        "America/New_York",
        weekly_hours(range(5), time(9), time(12)) + weekly_hours(range(5), time(13), time(17)),
        CHRISTMAS,
    ),
    BusinessCalendar("nights", "Europe/London", weekly_hours(range(7), time(22), time(6))),
    BusinessCalendar("early", "Europe/London", weekly_hours(range(7), time(1, 30), time(3))),
    BusinessCalendar("kolkata", "Asia/Kolkata", weekly_hours(range(6), time(9, 30), time(18))),
    BusinessCalendar("lord howe", "Australia/Lord_Howe", weekly_hours([5, 6], time(), time())),
    BusinessCalendar("holidays only", "Europe/Paris", ALWAYS_OPEN, CHRISTMAS),
]
WALL_CLOCK_CALENDARS = [calendar for calendar in CALENDARS if calendar.name != "early"]
"""Calendars no opening or closing time of which falls in an hour the clocks skip or
repeat, so counting the minutes the wall clock shows open gives the same business time."""
ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
    max_value=datetime(2027, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
durations = st.timedeltas(min_value=timedelta(), max_value=timedelta(days=10))
calendars = st.sampled_from(CALENDARS)


@given(calendars, instants, durations)
@example(CALENDARS[0], datetime(2025, 3, 28, 17, 50, tzinfo=UTC), timedelta(minutes=30))
@example(CALENDARS[2], datetime(2025, 10, 25, 23, tzinfo=UTC), timedelta(hours=8))
def test_the_business_time_to_a_deadline_is_its_duration(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    deadline = calendar.deadline_after(start, duration)

    assert deadline >= start
    assert calendar.business_time_between(start, deadline) == duration
    if duration:  # the last moment before a deadline is business time
        assert calendar.is_open(deadline - timedelta(microseconds=1))


@given(calendars, instants, durations, durations)
def test_adding_in_two_steps_is_adding_the_sum(
    calendar: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    in_steps = calendar.deadline_after(calendar.deadline_after(start, first), second)

    assert in_steps == calendar.deadline_after(start, first + second)


@given(calendars, instants, instants, durations, durations)
def test_deadlines_never_move_earlier_for_a_later_start_or_a_longer_duration(
    calendar: BusinessCalendar,
    start: datetime,
    other_start: datetime,
    duration: timedelta,
    other_duration: timedelta,
) -> None:
    early, late = sorted((start, other_start))
    short, long = sorted((duration, other_duration))

    assert calendar.deadline_after(early, short) <= calendar.deadline_after(late, short)
    assert calendar.deadline_after(early, short) <= calendar.deadline_after(early, long)


@given(calendars, st.lists(instants, min_size=3, max_size=3).map(sorted))
def test_business_time_adds_up_and_never_exceeds_elapsed_time(
    calendar: BusinessCalendar, moments: list[datetime]
) -> None:
    first, middle, last = moments

    total = calendar.business_time_between(first, last)

    assert total == (
        calendar.business_time_between(first, middle) + calendar.business_time_between(middle, last)
    )
    assert timedelta() <= total <= last - first


@given(st.sampled_from(ZONES), instants, durations)
def test_a_24_7_calendar_is_plain_arithmetic(
    zone: str, start: datetime, duration: timedelta
) -> None:
    always = BusinessCalendar.always_open("always", zone)

    assert always.deadline_after(start, duration) == start + duration
    assert always.business_time_between(start, start + duration) == duration


@given(st.sampled_from(ZONES), instants, durations)
def test_a_24_7_calendar_gives_the_same_answers_on_the_long_path(
    zone: str, start: datetime, duration: timedelta
) -> None:
    # A holiday long ago keeps the calendar off its fast path.
    slow = BusinessCalendar("always", zone, ALWAYS_OPEN, frozenset({date(1999, 1, 1)}))

    assert slow.deadline_after(start, duration) == start + duration
    assert slow.business_time_between(start, start + duration) == duration


@settings(max_examples=40)
@given(
    st.sampled_from(WALL_CLOCK_CALENDARS),
    instants.map(lambda moment: moment.replace(second=0, microsecond=0)),
    st.integers(min_value=0, max_value=3 * 24 * 60),
)
@example(WALL_CLOCK_CALENDARS[0], datetime(2025, 3, 29, 0, 0, tzinfo=UTC), 3 * 24 * 60)
@example(WALL_CLOCK_CALENDARS[2], datetime(2025, 10, 25, 12, 0, tzinfo=UTC), 24 * 60)
@example(WALL_CLOCK_CALENDARS[4], datetime(2025, 10, 4, 12, 0, tzinfo=UTC), 24 * 60)
def test_business_time_is_the_minutes_the_wall_clock_shows_open(
    calendar: BusinessCalendar, start: datetime, length: int
) -> None:
    zone = ZoneInfo(calendar.time_zone)
    minute = timedelta(minutes=1)
    shown_open = sum(
        _shows_open(calendar, (start + step * minute).astimezone(zone)) for step in range(length)
    )

    assert calendar.business_time_between(start, start + length * minute) == shown_open * minute


def _shows_open(calendar: BusinessCalendar, local: datetime) -> bool:
    """Whether the wall clock reading `local` falls in the calendar's opening hours,
    worked out from the hours as written."""
    if local.date() in calendar.holidays:
        return False
    since_midnight = timedelta(hours=local.hour, minutes=local.minute)
    return any(_covers(hours, local.weekday(), since_midnight) for hours in calendar.opening_hours)


def _covers(hours: OpeningHours, weekday: int, since_midnight: timedelta) -> bool:
    opens = timedelta(hours=hours.opens.hour, minutes=hours.opens.minute)
    end = opens + hours.length
    if hours.weekday == weekday and opens <= since_midnight < min(end, DAY):
        return True
    return (hours.weekday + 1) % 7 == weekday and since_midnight < end - DAY
