"""Business-hours calendars: deadlines and business time on real dates, across weekends,
holidays, overnight shifts and the nights clocks change."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from carelane.sla import calendars
from carelane.sla.calendars import (
    ALWAYS_OPEN,
    BusinessCalendar,
    OpeningHours,
    Weekday,
    load_zone,
    overlapping_hours,
    weekly_hours,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = range(5)
OFFICE = BusinessCalendar("office", "Europe/London", weekly_hours(WEEKDAYS, time(8), time(18)))
"""Mon-Fri 08:00-18:00 in London."""
NIGHTS = BusinessCalendar("nights", "Europe/London", weekly_hours(range(7), time(22), time(6)))
"""Every night 22:00-06:00 in London."""


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def minutes(amount: int) -> timedelta:
    return timedelta(minutes=amount)


def hours(amount: float) -> timedelta:
    return timedelta(hours=amount)


# -- deadlines -------------------------------------------------------------------------


def test_thirty_minutes_from_friday_1750_is_monday_0820() -> None:
    deadline = OFFICE.deadline_after(london(2025, 1, 10, 17, 50), minutes(30))

    assert deadline == utc(2025, 1, 13, 8, 20)
    assert deadline.tzinfo is UTC


def test_in_summer_time_the_same_deadline_is_an_hour_earlier_in_utc() -> None:
    assert OFFICE.deadline_after(london(2025, 6, 13, 17, 50), minutes(30)) == utc(
        2025, 6, 16, 7, 20
    )


def test_a_holiday_monday_pushes_the_deadline_to_tuesday() -> None:
    office = BusinessCalendar(
        "office", "Europe/London", OFFICE.opening_hours, frozenset({date(2025, 5, 26)})
    )

    assert office.deadline_after(london(2025, 5, 23, 17, 50), minutes(30)) == london(
        2025, 5, 27, 8, 20
    )


def test_a_holiday_week_is_skipped_whole() -> None:
    closure = frozenset(date(2025, 12, 24) + timedelta(days=n) for n in range(9))  # to Jan 1
    office = BusinessCalendar("office", "Europe/London", OFFICE.opening_hours, closure)

    deadline = office.deadline_after(london(2025, 12, 23, 17, 0), hours(2))

    assert deadline == utc(2026, 1, 2, 9, 0)  # one hour on the 23rd, one on Friday the 2nd
    assert office.business_time_between(london(2025, 12, 23, 9), deadline) == hours(10)


def test_over_the_weekend_clocks_go_forward_the_deadline_is_monday_0820_summer_time() -> None:
    friday = london(2025, 3, 28, 17, 50)

    deadline = OFFICE.deadline_after(friday, minutes(30))

    assert deadline == utc(2025, 3, 31, 7, 20)
    assert OFFICE.business_time_between(friday, deadline) == minutes(30)


def test_a_lunch_break_is_not_business_time() -> None:
    split = BusinessCalendar(
        "split",
        "America/New_York",
        weekly_hours(WEEKDAYS, time(9), time(12)) + weekly_hours(WEEKDAYS, time(13), time(17)),
    )

    start = datetime(2025, 2, 3, 11, 30, tzinfo=NEW_YORK)
    assert split.deadline_after(start, hours(1)) == datetime(2025, 2, 3, 13, 30, tzinfo=NEW_YORK)
    assert split.deadline_after(start, minutes(30)) == datetime(2025, 2, 3, 12, tzinfo=NEW_YORK)


def test_a_deadline_inside_an_overnight_shift_crosses_midnight() -> None:
    assert NIGHTS.deadline_after(london(2025, 1, 6, 23, 30), hours(1)) == utc(2025, 1, 7, 0, 30)
    assert NIGHTS.deadline_after(london(2025, 1, 7, 12), hours(9)) == utc(2025, 1, 8, 23)


def test_an_overnight_shift_on_sunday_runs_into_monday() -> None:
    sunday_night = BusinessCalendar(
        "sunday", "UTC", (OpeningHours(Weekday.SUNDAY, time(22), time(6)),)
    )

    assert sunday_night.deadline_after(utc(2025, 1, 5, 23), hours(3)) == utc(2025, 1, 6, 2)
    assert sunday_night.deadline_after(utc(2025, 1, 6, 7), hours(1)) == utc(2025, 1, 12, 23)


def test_a_year_of_office_hours_is_reached_exactly() -> None:
    deadline = OFFICE.deadline_after(london(2025, 1, 6, 8), timedelta(days=366))

    assert OFFICE.business_time_between(london(2025, 1, 6, 8), deadline) == timedelta(days=366)
    # 8,784 hours are 878 ten-hour days (Monday 6 January 2025 the first) and 4 hours more
    assert deadline == london(2028, 5, 18, 12)


def test_a_zero_duration_is_the_start_even_when_closed() -> None:
    saturday = utc(2025, 1, 11, 12)

    assert OFFICE.deadline_after(saturday, timedelta()) == saturday


def test_the_deadline_is_exact_to_the_microsecond() -> None:
    start = london(2025, 1, 10, 17, 59, 59, 999_999)

    assert OFFICE.deadline_after(start, timedelta(microseconds=2)) == utc(2025, 1, 13, 8, 0, 0, 1)


# -- business time ---------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2025, 3, 30), date(2025, 10, 26)])
def test_a_0900_to_1700_day_is_8_hours_on_the_days_clocks_change(day: date) -> None:
    calendar = BusinessCalendar("days", "Europe/London", weekly_hours(range(7), time(9), time(17)))
    midnight = datetime.combine(day, time(), tzinfo=LONDON)

    assert calendar.business_time_between(midnight, midnight + timedelta(days=1)) == hours(8)


@pytest.mark.parametrize(("evening", "length"), [(date(2025, 3, 29), 7), (date(2025, 10, 25), 9)])
def test_an_overnight_shift_is_7_or_9_hours_the_night_clocks_change(
    evening: date, length: int
) -> None:
    noon = datetime.combine(evening, time(12), tzinfo=LONDON)

    assert NIGHTS.business_time_between(noon, noon + timedelta(days=1)) == hours(length)


@pytest.mark.parametrize(("day", "length"), [(date(2025, 3, 30), 23), (date(2025, 10, 26), 25)])
def test_a_whole_day_open_lasts_as_long_as_the_day(day: date, length: int) -> None:
    calendar = BusinessCalendar("days", "Europe/London", ALWAYS_OPEN, frozenset({date(2000, 1, 1)}))
    start = datetime.combine(day, time(), tzinfo=LONDON)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=LONDON)

    assert not calendar.is_always_open
    assert calendar.business_time_between(start, end) == hours(length)


def test_an_opening_time_skipped_by_the_change_opens_at_the_change() -> None:
    early = BusinessCalendar("early", "Europe/London", weekly_hours(range(7), time(1, 30), time(3)))

    spring = date(2025, 3, 30).toordinal()
    autumn = date(2025, 10, 26).toordinal()
    assert early.spans_on(spring) == ((utc(2025, 3, 30, 1), utc(2025, 3, 30, 2)),)
    # 01:30 is shown twice in autumn; the first showing (summer time) opens.
    assert early.spans_on(autumn) == ((utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 3)),)


def test_an_interval_the_change_skips_has_no_time_that_day() -> None:
    skipped = BusinessCalendar(
        "skipped", "Europe/London", weekly_hours(range(7), time(1, 10), time(1, 50))
    )

    assert skipped.spans_on(date(2025, 3, 30).toordinal()) == ()
    assert skipped.deadline_after(london(2025, 3, 30), minutes(10)) == utc(2025, 3, 31, 0, 20)


def test_new_york_opening_in_the_skipped_hour_opens_at_the_change() -> None:
    calendar = BusinessCalendar(
        "night", "America/New_York", weekly_hours(range(7), time(2, 30), time(4))
    )

    assert calendar.spans_on(date(2025, 3, 9).toordinal()) == (
        (utc(2025, 3, 9, 7), utc(2025, 3, 9, 8)),
    )


def test_business_time_counts_only_opening_hours() -> None:
    start, end = london(2025, 1, 10, 12), london(2025, 1, 14, 9, 15)  # Friday to Tuesday

    assert OFFICE.business_time_between(start, end) == hours(6 + 10 + 1.25)
    assert OFFICE.business_time_between(start, start) == timedelta()


def test_a_24_7_calendar_is_plain_arithmetic_in_any_zone() -> None:
    always = BusinessCalendar.always_open("always", "Europe/London")
    start = london(2025, 3, 29, 12)

    assert always.is_always_open
    # elapsed time, not the wall clock: 24 hours after Saturday noon is 13:00 summer time
    assert always.deadline_after(start, timedelta(days=1)) == london(2025, 3, 30, 13)
    assert always.business_time_between(start, london(2025, 3, 30, 12)) == hours(23)
    assert always.is_open(start)


# -- open or closed --------------------------------------------------------------------


def test_is_open_includes_opening_and_excludes_closing() -> None:
    assert OFFICE.is_open(london(2025, 1, 10, 8))
    assert OFFICE.is_open(london(2025, 1, 10, 17, 59, 59))
    assert not OFFICE.is_open(london(2025, 1, 10, 18))
    assert not OFFICE.is_open(london(2025, 1, 11, 12))


def test_next_opening_is_monday_morning_from_the_weekend_and_now_when_open() -> None:
    assert OFFICE.next_opening(london(2025, 1, 11, 12)) == utc(2025, 1, 13, 8)
    assert OFFICE.next_opening(london(2025, 1, 13, 9)) == utc(2025, 1, 13, 9)


# -- refusals --------------------------------------------------------------------------


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match=r"start 2025-01-10T17:50:00 has no time zone"):
        OFFICE.deadline_after(datetime(2025, 1, 10, 17, 50), minutes(30))  # noqa: DTZ001
    with pytest.raises(ValueError, match=r"end .* has no time zone"):
        OFFICE.business_time_between(utc(2025, 1, 10), datetime(2025, 1, 11))  # noqa: DTZ001
    with pytest.raises(ValueError, match=r"at .* has no time zone"):
        OFFICE.is_open(datetime(2025, 1, 11))  # noqa: DTZ001


def test_a_negative_duration_and_a_reversed_range_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        OFFICE.deadline_after(utc(2025, 1, 10), -minutes(1))
    with pytest.raises(ValueError, match="is before start"):
        OFFICE.business_time_between(utc(2025, 1, 10), utc(2025, 1, 9))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("", "UTC", ALWAYS_OPEN), "needs a name"),
        (("x", "Europe/Londn", ALWAYS_OPEN), "'Europe/Londn' is not a known time zone"),
        (("x", "../etc/passwd", ALWAYS_OPEN), "is not a known time zone"),
        (("x", "UTC", ()), "has no opening hours"),
        (
            (
                "x",
                "UTC",
                (*weekly_hours([0], time(8), time(18)), *weekly_hours([0], time(17), time(19))),
            ),
            "mon 17:00-19:00 overlaps mon 08:00-18:00|mon 08:00-18:00 overlaps mon 17:00-19:00",
        ),
        (("x", "UTC", ALWAYS_OPEN, frozenset({datetime(2025, 1, 1, tzinfo=UTC)})), "not a date"),
    ],
)
def test_a_calendar_with_a_mistake_is_refused(arguments: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(*arguments)  # type: ignore[arg-type]


def test_opening_hours_are_wall_clock_times_without_a_zone() -> None:
    with pytest.raises(ValueError, match="wall-clock times"):
        OpeningHours(Weekday.MONDAY, time(8, tzinfo=UTC), time(18))


def test_opening_hours_take_weekdays_by_number() -> None:
    assert OpeningHours(4, time(8), time(18)).weekday is Weekday.FRIDAY  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="7 is not a valid Weekday"):
        OpeningHours(7, time(8), time(18))  # type: ignore[arg-type]


def test_load_zone_names_the_zone() -> None:
    assert load_zone("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")
    assert OFFICE.zone == LONDON
    with pytest.raises(ValueError, match="'Mars/Olympus' is not a known time zone"):
        load_zone("Mars/Olympus")


# -- opening hours ---------------------------------------------------------------------


def test_opening_hours_length_and_text() -> None:
    assert OpeningHours(Weekday.MONDAY, time(22), time(6)).length == hours(8)
    assert OpeningHours(Weekday.MONDAY, time(), time()).length == hours(24)
    assert OpeningHours(Weekday.MONDAY, time(8), time(8)).length == hours(24)
    assert str(OpeningHours(Weekday.FRIDAY, time(9), time())) == "fri 09:00-24:00"
    assert str(OpeningHours(Weekday.SUNDAY, time(22), time(6))) == "sun 22:00-06:00"
    assert Weekday.WEDNESDAY.short_name == "wed"


def test_overlapping_hours_finds_shared_time_but_not_touching_ends() -> None:
    hours_written = (
        OpeningHours(Weekday.MONDAY, time(8), time(12)),
        OpeningHours(Weekday.MONDAY, time(12), time(18)),  # touches the first: fine
        OpeningHours(Weekday.SUNDAY, time(22), time(6)),  # runs into Monday
        OpeningHours(Weekday.MONDAY, time(5), time(7)),  # shares 05:00-06:00 with Sunday's
        OpeningHours(Weekday.MONDAY, time(11), time(13)),  # shares time with the first two
    )

    assert overlapping_hours(hours_written) == [(0, 4), (1, 4), (2, 3)]
    assert overlapping_hours(ALWAYS_OPEN) == []


def test_touching_intervals_make_one_open_stretch() -> None:
    calendar = BusinessCalendar(
        "joined",
        "UTC",
        weekly_hours([0], time(8), time(12)) + weekly_hours([0], time(12), time(18)),
    )

    assert calendar.spans_on(date(2025, 1, 6).toordinal()) == (
        (utc(2025, 1, 6, 8), utc(2025, 1, 6, 18)),
    )


def test_the_days_a_calendar_remembers_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendars, "_CACHED_DAYS", 10)
    office = BusinessCalendar("office", "Europe/London", OFFICE.opening_hours)

    total = office.business_time_between(london(2025, 1, 6), london(2025, 2, 3))

    assert total == hours(10 * 20)
    assert len(office._spans) <= 10  # the bound is the point
