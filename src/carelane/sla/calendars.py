"""Business-hours calendars: when a service-level clock runs.

A calendar has an IANA time zone, weekly opening hours (zero or more intervals a day, an
interval may run past midnight) and holidays (dates closed all day in the calendar's zone).
Business time is real elapsed time while the calendar is open; outside opening hours the
clock does not run, which is how a team with no off-hours support is described.

Opening hours are readings of the zone's wall clock. Each opening or closing time is the
first instant at which the clock shows that time or later: on the night clocks go forward,
a time that does not exist (01:30 in London on the last Sunday of March) is the instant of
the change, and on the night they go back, a time shown twice is its first showing. So a
09:00-17:00 day is 8 hours on the day clocks change, an overnight 22:00-06:00 shift is 7 or
9 hours that night, and a calendar open all week is plain arithmetic in any zone. A shift
that runs past midnight belongs to both dates: a holiday closes its own date from 00:00 to
24:00, and the part of an overnight shift that falls on it.

Everything is exact to the microsecond; instants go in aware (any zone) and come out in UTC.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from carelane.domain.instants import utc_instant

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
_NONE = timedelta()
_MICROSECOND = timedelta(microseconds=1)
_CACHED_DAYS = 4096
"""Days whose opening instants a calendar keeps; a few years, cleared when full."""

Span = tuple[datetime, datetime]
"""An open stretch of time as UTC instants, start included and end excluded."""


class Weekday(IntEnum):
    """A day of the week, numbered as `date.weekday()` numbers it."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6

    @property
    def short_name(self) -> str:
        """`mon` .. `sun`, as configuration files write it."""
        return self.name[:3].lower()


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Open on `weekday` from `opens` until `closes`, on the calendar's wall clock.

    `closes` at 00:00 is midnight at the end of the day (00:00-00:00 is the whole day); a
    `closes` earlier than `opens` runs past midnight into the next day (22:00-06:00)."""

    weekday: Weekday
    opens: time
    closes: time

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekday", Weekday(self.weekday))  # 0..6, or a ValueError
        for moment in (self.opens, self.closes):
            if moment.tzinfo is not None:
                raise ValueError(f"opening hours are wall-clock times; {moment} has a time zone")

    @property
    def length(self) -> timedelta:
        """How long the interval is on the wall clock: more than 0, at most 24 hours."""
        length = (_since_midnight(self.closes) - _since_midnight(self.opens)) % DAY
        return length or DAY

    def __str__(self) -> str:
        closes = "24:00" if self.closes == time() else f"{self.closes:%H:%M}"
        return f"{self.weekday.short_name} {self.opens:%H:%M}-{closes}"


def weekly_hours(weekdays: Iterable[int], opens: time, closes: time) -> tuple[OpeningHours, ...]:
    """The same opening hours on each of `weekdays` (e.g. `range(5)` for Monday to Friday)."""
    return tuple(OpeningHours(Weekday(day), opens, closes) for day in weekdays)


ALWAYS_OPEN = weekly_hours(range(7), time(), time())
"""Opening hours of a calendar that never closes (24/7)."""


def load_zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (`Europe/London`, `UTC`); a ValueError if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not a zone key at all
        raise ValueError(f"{name!r} is not a known time zone") from None


def overlapping_hours(hours: Iterable[OpeningHours]) -> list[tuple[int, int]]:
    """Pairs of positions in `hours` whose intervals share some time of the week (touching
    ends do not count), each pair once and in order; a calendar must have none."""
    pieces = sorted(_week_pieces(tuple(hours)))
    pairs: set[tuple[int, int]] = set()
    for position, (start, _, index) in enumerate(pieces):
        for _, earlier_end, earlier in pieces[:position]:
            if earlier_end > start and earlier != index:
                pairs.add((min(earlier, index), max(earlier, index)))
    return sorted(pairs)


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When a team answers: a time zone, weekly opening hours and holidays.

    Construction checks the values (a known zone, at least one opening, no overlapping
    intervals, holidays as dates) and raises ValueError naming the first thing wrong."""

    name: str
    time_zone: str
    opening_hours: tuple[OpeningHours, ...]
    holidays: frozenset[date] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _daily: tuple[tuple[tuple[timedelta, timedelta], ...], ...] = field(
        init=False, repr=False, compare=False
    )
    _always_open: bool = field(init=False, repr=False, compare=False)
    _spans: dict[int, tuple[Span, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a calendar needs a name")
        object.__setattr__(self, "opening_hours", tuple(self.opening_hours))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if not self.opening_hours:
            raise ValueError(f"calendar {self.name!r} has no opening hours; its clock never runs")
        for first, second in overlapping_hours(self.opening_hours):
            raise ValueError(
                f"calendar {self.name!r}: {self.opening_hours[first]} overlaps "
                f"{self.opening_hours[second]}"
            )
        for holiday in self.holidays:
            if isinstance(holiday, datetime) or not isinstance(holiday, date):
                raise ValueError(f"calendar {self.name!r}: holiday {holiday!r} is not a date")
        daily = _daily_intervals(self.opening_hours)
        object.__setattr__(self, "_zone", load_zone(self.time_zone))
        object.__setattr__(self, "_daily", daily)
        always = not self.holidays and all(day == ((timedelta(), DAY),) for day in daily)
        object.__setattr__(self, "_always_open", always)
        object.__setattr__(self, "_spans", {})

    @classmethod
    def always_open(cls, name: str = "24/7", time_zone: str = "UTC") -> "BusinessCalendar":
        """A calendar that never closes: business time is plain elapsed time."""
        return cls(name, time_zone, ALWAYS_OPEN)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    @property
    def is_always_open(self) -> bool:
        """True when every instant is business time (24/7 and no holidays)."""
        return self._always_open

    def deadline_after(self, start: datetime, duration: timedelta) -> datetime:
        """The first instant by which `duration` of business time has passed since `start`.

        A deadline never falls in closed time: 30 minutes from Friday 17:50 with Mon-Fri
        08:00-18:00 hours is Monday 08:20. A zero duration is `start` itself."""
        start = utc_instant(start, "start")
        if duration < _NONE:
            raise ValueError(f"a duration of business time is at least 0, not {duration}")
        if self._always_open or not duration:
            return start + duration
        remaining = duration
        ordinal = self._local_ordinal(start)
        while True:  # ends: every week has opening hours, and holidays are finite
            for span_start, span_end in self.spans_on(ordinal):
                if span_end <= start:
                    continue
                begin = max(span_start, start)
                available = span_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            ordinal += 1

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much business time lies from `start` (included) to `end` (excluded); a
        ValueError if `end` is before `start`."""
        start, end = utc_instant(start, "start"), utc_instant(end, "end")
        if end < start:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        if self._always_open:
            return end - start
        total = timedelta()
        # One day past the end's date too: where clocks go back across midnight, the next
        # date can begin (on the wall clock) before the end does.
        for ordinal in range(self._local_ordinal(start), self._local_ordinal(end) + 2):
            for span_start, span_end in self.spans_on(ordinal):
                overlap = min(span_end, end) - max(span_start, start)
                if overlap > _NONE:
                    total += overlap
        return total

    def is_open(self, at: datetime) -> bool:
        """Whether `at` is business time."""
        at = utc_instant(at, "at")
        if self._always_open:
            return True
        ordinal = self._local_ordinal(at)
        return any(
            span_start <= at < span_end
            for day in (ordinal, ordinal + 1)
            for span_start, span_end in self.spans_on(day)
        )

    def next_opening(self, at: datetime) -> datetime:
        """The first instant at or after `at` that is business time (`at` when open)."""
        return self.deadline_after(at, _MICROSECOND) - _MICROSECOND

    def spans_on(self, ordinal: int) -> tuple[Span, ...]:
        """The open stretches of the local date `date.fromordinal(ordinal)`, as UTC
        instants in order; none on a holiday."""
        spans = self._spans.get(ordinal)
        if spans is None:
            spans = self._compute_spans(date.fromordinal(ordinal))
            if len(self._spans) >= _CACHED_DAYS:
                self._spans.clear()
            self._spans[ordinal] = spans
        return spans

    def _compute_spans(self, day: date) -> tuple[Span, ...]:
        if day in self.holidays:
            return ()
        midnight = datetime.combine(day, time())
        spans = []
        for opens, closes in self._daily[day.weekday()]:
            start = _first_instant_showing(midnight + opens, self._zone)
            end = _first_instant_showing(midnight + closes, self._zone)
            if start < end:  # an interval inside a skipped hour has no time at all
                spans.append((start, end))
        return tuple(spans)

    def _local_ordinal(self, at: datetime) -> int:
        return at.astimezone(self._zone).toordinal()


def _since_midnight(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _week_pieces(hours: tuple[OpeningHours, ...]) -> list[tuple[timedelta, timedelta, int]]:
    """Each interval as (start, end, its position) in time since Monday 00:00, split where
    it wraps from Sunday into Monday."""
    pieces = []
    for index, interval in enumerate(hours):
        start = interval.weekday * DAY + _since_midnight(interval.opens)
        end = start + interval.length
        pieces.append((start, min(end, WEEK), index))
        if end > WEEK:
            pieces.append((timedelta(), end - WEEK, index))
    return pieces


def _daily_intervals(
    hours: tuple[OpeningHours, ...],
) -> tuple[tuple[tuple[timedelta, timedelta], ...], ...]:
    """For each weekday, its open intervals as time since that day's midnight (ends up to
    24 hours), split at midnight, sorted, and touching ones joined."""
    days: list[list[tuple[timedelta, timedelta]]] = [[] for _ in range(7)]
    for start, end, _ in _week_pieces(hours):
        piece_start = start
        while piece_start < end:
            weekday = piece_start // DAY
            day_end = min(end, (weekday + 1) * DAY)
            days[weekday].append((piece_start - weekday * DAY, day_end - weekday * DAY))
            piece_start = day_end
    joined: list[tuple[tuple[timedelta, timedelta], ...]] = []
    for intervals in days:
        merged: list[tuple[timedelta, timedelta]] = []
        for opens, closes in sorted(intervals):
            if merged and merged[-1][1] >= opens:
                merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
            else:
                merged.append((opens, closes))
        joined.append(tuple(merged))
    return tuple(joined)


def _first_instant_showing(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the zone's clock shows `wall` (naive) or later."""
    local = wall.replace(tzinfo=zone)  # fold=0: the first showing of a time shown twice
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # `wall` is skipped when the clocks go forward: the first instant showing a later time
    # is the change itself, found by halving between the two readings of `wall`.
    low, high = sorted((local.replace(fold=1).astimezone(UTC), instant))
    while high - low > _MICROSECOND:
        middle = low + (high - low) // 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high
