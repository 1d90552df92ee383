"""A conversation's clocks as the columns that store them: the policy, each deadline and
warning while its clock counts, and the next alarm not yet fired. Pure."""

from collections.abc import Set
from datetime import datetime
from typing import Any

from carelane.sla.calendars import BusinessCalendar
from carelane.sla.clocks import Deadline, Deadlines
from carelane.sla.policies import DeadlineKind, ServiceLevelPolicy
from carelane.sla.timers import Timer, deadline_timers, firing_order

TimerKey = tuple[str, str, datetime]
"""A timer as the fired-alarms table names it: (clock kind, alarm, clock started at)."""

DEADLINE_COLUMNS = (
    "sla_policy",
    "first_response_due_at",
    "first_response_warning_at",
    "next_response_due_at",
    "next_response_warning_at",
    "resolution_due_at",
    "resolution_warning_at",
    "sla_alarm_at",
)


def timer_key(timer: Timer) -> TimerKey:
    return (timer.kind.value, timer.alarm.value, timer.clock_started_at)


def next_unfired(deadlines: Deadlines, fired: Set[TimerKey]) -> Timer | None:
    """The earliest alarm of the clocks that fires or fired and is not in `fired`: past
    ones too, so that an alarm missed while no scheduler ran still fires, once."""
    unfired = (
        timer
        for clock in deadlines.clocks
        for timer in deadline_timers(clock)
        if not fired or timer_key(timer) not in fired
    )
    return min(unfired, key=firing_order, default=None)


def deadline_columns(
    deadlines: Deadlines, *, policy: str | None, fired: Set[TimerKey] = frozenset()
) -> dict[str, Any]:
    """The stored columns of `deadlines` under the policy named `policy`."""
    alarm = next_unfired(deadlines, fired)
    return {
        "sla_policy": policy,
        **_owed("first_response", deadlines.first_response),
        **_owed("next_response", deadlines.next_response),
        **_owed("resolution", deadlines.resolution),
        "sla_alarm_at": alarm.at if alarm is not None else None,
    }


def opening_columns(
    started_at: datetime, *, policy: ServiceLevelPolicy, calendar: BusinessCalendar
) -> dict[str, Any]:
    """The stored columns of a conversation whose timeline holds customer messages only,
    the first at `started_at` (UTC): its first-response and resolution clocks have counted
    since then, none has fired. What `deadline_columns` gives for such a timeline, without
    replaying it: the ingest opens most conversations this way."""
    columns: dict[str, Any] = {
        "sla_policy": policy.name,
        "next_response_due_at": None,
        "next_response_warning_at": None,
        "resolution_due_at": None,
        "resolution_warning_at": None,
    }
    alarm_at: datetime | None = None
    for prefix, kind in (
        ("first_response", DeadlineKind.FIRST_RESPONSE),
        ("resolution", DeadlineKind.RESOLUTION),
    ):
        target = policy.target(kind)
        if target is None:  # a policy may set no resolution target
            continue
        due_at = calendar.deadline_after(started_at, target)
        warning_at = calendar.deadline_after(started_at, policy.warning_after(target))
        columns[f"{prefix}_due_at"] = due_at
        columns[f"{prefix}_warning_at"] = warning_at
        first = min(warning_at, due_at)
        alarm_at = first if alarm_at is None else min(alarm_at, first)
    columns["sla_alarm_at"] = alarm_at
    return columns


def _owed(prefix: str, clock: Deadline | None) -> dict[str, datetime | None]:
    counting = clock is not None and clock.is_counting
    return {
        f"{prefix}_due_at": clock.due_at if counting and clock is not None else None,
        f"{prefix}_warning_at": clock.warning_at if counting and clock is not None else None,
    }


def response_due_at(first: datetime | None, following: datetime | None) -> datetime | None:
    """The next moment the brand must answer by, from the stored columns: the next
    response's deadline while one is owed, else the first response's."""
    return following if following is not None else first
