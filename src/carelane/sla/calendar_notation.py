"""Calendars as an admin writes them: weekdays (`mon-fri`, `sat, sun`), opening hours
(`08:00-18:00`, `22:00-06:00`, `09:00-24:00`) and holidays (`2026-12-25`, or a closure
`2026-12-24..2027-01-01`). Each reader returns values or raises ValueError saying what
is wrong."""

import re
from contextlib import suppress
from datetime import date, time, timedelta

from carelane.sla.calendars import Weekday

WEEKDAY_NAMES = tuple(day.short_name for day in Weekday)
MAX_CLOSURE_DAYS = 366
_CLOCK = re.compile(r"([01][0-9]|2[0-4]):([0-5][0-9])")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_weekdays(text: str) -> tuple[Weekday, ...]:
    """The days `text` names: `mon`, a range `mon-fri` (`fri-mon` wraps over the weekend),
    or several joined by commas (`mon-wed, fri`); in week order, each once."""
    days: set[Weekday] = set()
    for part in text.split(","):
        written = part.strip().lower()
        first, dash, last = (piece.strip() for piece in written.partition("-"))
        start = _weekday(first, text)
        end = _weekday(last, text) if dash else start
        days.update(Weekday((start + step) % 7) for step in range((end - start) % 7 + 1))
    return tuple(sorted(days))


def parse_hours(text: str) -> tuple[time, time]:
    """`HH:MM-HH:MM` as (opens, closes); closing at `24:00` is midnight at the end of the
    day, and closing earlier than opening runs past midnight."""
    opens_text, dash, closes_text = (piece.strip() for piece in text.partition("-"))
    if not dash:
        raise ValueError(f"{text.strip()!r} is not opening hours; write them like 08:00-18:00")
    opens, closes = _clock(opens_text), _clock(closes_text)
    if opens is None or closes is None:
        raise ValueError(f"{text.strip()!r} is not opening hours; write them like 08:00-18:00")
    if opens == timedelta(hours=24):
        raise ValueError(f"{text.strip()!r} opens at 24:00; the day ends then, write 00:00")
    return _time(opens), _time(closes % timedelta(hours=24))


def parse_holidays(text: str) -> tuple[date, ...]:
    """A date `2026-12-25`, or every date of a closure `2026-12-24..2027-01-01` (both ends
    included, at most 366 days)."""
    first_text, dots, last_text = (piece.strip() for piece in text.partition(".."))
    first = _date(first_text)
    last = _date(last_text) if dots else first
    if last < first:
        raise ValueError(f"{text.strip()!r} ends before it starts")
    days = (last - first).days + 1
    if days > MAX_CLOSURE_DAYS:
        raise ValueError(f"{text.strip()!r} is {days} days; a closure is at most 366")
    return tuple(first + timedelta(days=offset) for offset in range(days))


def _weekday(name: str, text: str) -> Weekday:
    if name not in WEEKDAY_NAMES:
        raise ValueError(
            f"{text.strip()!r} is not weekdays; write days as {', '.join(WEEKDAY_NAMES)}, "
            "a range like mon-fri, or several joined by commas"
        )
    return Weekday(WEEKDAY_NAMES.index(name))


def _clock(text: str) -> timedelta | None:
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours == 24 and minutes:
        return None
    return timedelta(hours=hours, minutes=minutes)


def _time(since_midnight: timedelta) -> time:
    minutes = since_midnight // timedelta(minutes=1)
    return time(minutes // 60, minutes % 60)


def _date(text: str) -> date:
    if _DATE.fullmatch(text):
        with suppress(ValueError):  # a day the month does not have
            return date.fromisoformat(text)
    raise ValueError(f"{text!r} is not a date; write it like 2026-12-25")
