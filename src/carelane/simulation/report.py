"""A run's figures per interval and in total, as a contact centre reports them.

Intervals are aligned on UTC (an hour's run from :00, a day's from midnight UTC). A
contact counts in the interval it arrived in:

- **arrivals**: contacts that arrived; **answered**: those first answered; **abandoned**:
  those whose customer gave up; **waiting**: neither, when the run ended;
- **SLA attainment**: contacts first answered by their policy's deadline, of all that
  arrived (an abandoned or never-answered contact missed it);
- **first-response time**: from arrival to the first response, over the answered ones:
  the average and the 90th percentile (nearest rank: the smallest time that at least 90 %
  of them took no longer than);
- **occupancy**: agents' busy time (holding at least one contact) over their on-duty
  time, each split exactly across the intervals it spans.

Quiet intervals, with no contact waiting or held at any moment, are left out of the
table and of the totals' on-duty time: nothing arrived to staff them for.
"""

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from carelane.simulation.engine import Outcome, SimulationResult, Span

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PERCENTILE = 0.9
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Figures:
    """One interval's figures (or the total's, when `start` is None)."""

    start: datetime | None
    arrivals: int
    answered: int
    abandoned: int
    met: int
    average_first_response: timedelta | None
    p90_first_response: timedelta | None
    busy: timedelta
    on_duty: timedelta

    @property
    def waiting(self) -> int:
        return self.arrivals - self.answered - self.abandoned

    @property
    def attainment(self) -> float | None:
        return self.met / self.arrivals if self.arrivals else None

    @property
    def abandonment(self) -> float | None:
        return self.abandoned / self.arrivals if self.arrivals else None

    @property
    def occupancy(self) -> float | None:
        duty = self.on_duty.total_seconds()
        return self.busy.total_seconds() / duty if duty > 0 else None


@dataclass(frozen=True, slots=True)
class SimulationReport:
    """Each interval with something in it, in order, the total, and how many quiet
    intervals between the first and the last were left out."""

    interval: timedelta
    intervals: tuple[Figures, ...]
    total: Figures
    quiet_intervals: int


def interval_of(moment: datetime, interval: timedelta) -> int:
    """The number of the interval `moment` falls in, counted from 1970-01-01 UTC."""
    return (moment - _EPOCH) // interval


def report(result: SimulationResult, interval: timedelta) -> SimulationReport:
    """The run's figures per `interval` (more than 0) and in total."""
    if interval <= timedelta(0):
        raise ValueError("an interval must be longer than 0")
    ended = result.ended_at
    active: set[int] = set()
    by_interval: dict[int, list[Outcome]] = {}
    for outcome in result.outcomes:
        arrived = outcome.contact.arrived_at
        left = outcome.answered_at or outcome.abandoned_at or ended or arrived
        first = interval_of(arrived, interval)
        last = max(first, interval_of(left - _MICROSECOND, interval))  # up to, not at, left
        active.update(range(first, last + 1))
        by_interval.setdefault(first, []).append(outcome)
    numbers = sorted(active)
    busy = _split(result.busy, numbers, interval)
    duty = _split(result.duty, numbers, interval)
    rows = tuple(
        _figures(_start(number, interval), by_interval.get(number, ()), busy[i], duty[i])
        for i, number in enumerate(numbers)
    )
    total = _figures(None, result.outcomes, sum(busy, timedelta()), sum(duty, timedelta()))
    quiet = numbers[-1] - numbers[0] + 1 - len(numbers) if numbers else 0
    return SimulationReport(interval, rows, total, quiet)


def _start(number: int, interval: timedelta) -> datetime:
    return _EPOCH + number * interval


def _split(spans: Iterable[Span], numbers: list[int], interval: timedelta) -> list[timedelta]:
    """Each span's time within each of the (sorted) active intervals, summed per interval."""
    totals = [timedelta(0)] * len(numbers)
    if not numbers:
        return totals
    for span in spans:
        low = 0 if span.start is None else bisect_left(numbers, interval_of(span.start, interval))
        high = (
            len(numbers)
            if span.end is None
            else bisect_right(numbers, interval_of(span.end, interval))
        )
        for i in range(low, high):
            begins = _start(numbers[i], interval)
            ends = begins + interval
            start = begins if span.start is None else max(begins, span.start)
            end = ends if span.end is None else min(ends, span.end)
            if end > start:
                totals[i] += end - start
    return totals


def _figures(
    start: datetime | None, outcomes: Iterable[Outcome], busy: timedelta, on_duty: timedelta
) -> Figures:
    arrivals = answered = abandoned = met = 0
    times: list[timedelta] = []
    for outcome in outcomes:
        arrivals += 1
        response = outcome.first_response
        if response is not None:
            answered += 1
            times.append(response)
            met += outcome.met
        elif outcome.abandoned_at is not None:
            abandoned += 1
    times.sort()
    return Figures(
        start=start,
        arrivals=arrivals,
        answered=answered,
        abandoned=abandoned,
        met=met,
        average_first_response=sum(times, timedelta()) / len(times) if times else None,
        p90_first_response=times[math.ceil(PERCENTILE * len(times)) - 1] if times else None,
        busy=busy,
        on_duty=on_duty,
    )
