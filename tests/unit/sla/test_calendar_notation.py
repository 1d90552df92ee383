"""Calendars as admins write them: weekdays, opening hours and holidays."""

from datetime import date, time

import pytest

from carelane.sla.calendar_notation import parse_holidays, parse_hours, parse_weekdays
from carelane.sla.calendars import Weekday

MON, TUE, WED, THU, FRI, SAT, SUN = Weekday


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon", (MON,)),
        ("mon-fri", (MON, TUE, WED, THU, FRI)),
        ("Sat, SUN", (SAT, SUN)),
        ("fri-mon", (MON, FRI, SAT, SUN)),
        ("mon-wed, fri, tue", (MON, TUE, WED, FRI)),
        ("sun - sun", (SUN,)),
    ],
)
def test_weekdays_are_read(text: str, days: tuple[Weekday, ...]) -> None:
    assert parse_weekdays(text) == days


@pytest.mark.parametrize("text", ["monday", "mon-", "mon,,tue", "weekdays", "1-5"])
def test_other_texts_are_not_weekdays(text: str) -> None:
    with pytest.raises(ValueError, match="is not weekdays; write days as mon, tue"):
        parse_weekdays(text)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("08:00-18:00", (time(8), time(18))),
        ("22:00 - 06:00", (time(22), time(6))),
        ("09:30-24:00", (time(9, 30), time())),
        ("00:00-24:00", (time(), time())),
    ],
)
def test_opening_hours_are_read(text: str, hours: tuple[time, time]) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text", ["8-18", "08:00", "08:00-18:60", "25:00-26:00", "08:00-24:30"])
def test_other_texts_are_not_opening_hours(text: str) -> None:
    with pytest.raises(ValueError, match="is not opening hours; write them like 08:00-18:00"):
        parse_hours(text)


def test_opening_at_24_00_is_refused() -> None:
    with pytest.raises(ValueError, match="opens at 24:00"):
        parse_hours("24:00-06:00")


def test_holidays_are_a_date_or_a_closure() -> None:
    assert parse_holidays("2026-12-25") == (date(2026, 12, 25),)
    assert parse_holidays("2026-12-30..2027-01-02") == (
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
    )
    assert len(parse_holidays("2026-01-01..2026-12-31")) == 365


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a date; write it like 2026-12-25"),
        ("25/12/2026", "'25/12/2026' is not a date"),
        ("2026-12-25T09:00", "is not a date"),
        ("2026-12-31..2026-12-01", "'2026-12-31..2026-12-01' ends before it starts"),
        ("2026-01-01..2027-01-02", "is 367 days; a closure is at most 366"),
    ],
)
def test_other_texts_are_not_holidays(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_holidays(text)
