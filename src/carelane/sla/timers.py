"""When a conversation's service-level alarms fire, so a scheduler can sleep until then.

Each clock has two alarms: a warning when the policy's share of the target is used up,
and a breach at its deadline. An alarm fires if its instant comes while the clock counts:
for a counting clock, every alarm still ahead will fire unless the timeline changes (then
the deadlines are read again); for a paused or stopped clock, only those already reached.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from carelane.domain.instants import utc_instant
from carelane.sla.clocks import Deadline, Deadlines
from carelane.sla.policies import DeadlineKind


class Alarm(StrEnum):
    """What fires at a timer."""

    WARNING = "warning"  # the policy's share of the target is used up
    BREACH = "breach"  # the deadline passed: the policy's breach actions run


@dataclass(frozen=True, slots=True)
class Timer:
    """An alarm of one clock, named by its kind and the instant it started (which is
    unique within a conversation), so firing it can be recorded once."""

    at: datetime
    alarm: Alarm
    kind: DeadlineKind
    clock_started_at: datetime


def deadline_timers(deadline: Deadline) -> tuple[Timer, ...]:
    """The alarms of `deadline` that fire, or fired, as things stand; in time order."""
    timers = []
    for alarm, at in ((Alarm.WARNING, deadline.warning_at), (Alarm.BREACH, deadline.due_at)):
        until = deadline.counted_until
        if at is not None and (until is None or at < until):
            timers.append(Timer(at, alarm, deadline.kind, deadline.started_at))
    return tuple(timers)


def timers_of(deadlines: Deadlines) -> list[Timer]:
    """Every alarm of a conversation's clocks that fires or fired, in the order they fire
    (at the same instant, warnings first)."""
    timers = [timer for clock in deadlines.clocks for timer in deadline_timers(clock)]
    return sorted(timers, key=firing_order)


def next_timer(deadlines: Deadlines, now: datetime) -> Timer | None:
    """The first alarm after `now` (strictly), or None when nothing more will fire."""
    now = utc_instant(now, "now")
    return next((timer for timer in timers_of(deadlines) if timer.at > now), None)


def timers_between(deadlines: Deadlines, after: datetime, until: datetime) -> list[Timer]:
    """The alarms that fire after `after` and at or before `until`, in order: what a
    scheduler that last looked at `after` and wakes at `until` must fire."""
    after, until = utc_instant(after, "after"), utc_instant(until, "until")
    return [timer for timer in timers_of(deadlines) if after < timer.at <= until]


_ALARM_ORDER = {alarm: position for position, alarm in enumerate(Alarm)}


def firing_order(timer: Timer) -> tuple[datetime, int, datetime]:
    """The sort key of timers in the order they fire."""
    return (timer.at, _ALARM_ORDER[timer.alarm], timer.clock_started_at)
