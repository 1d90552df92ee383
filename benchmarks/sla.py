"""Service-level benchmark: how fast carelane computes deadlines.

For a business-hours calendar (the shipped London office: Mon-Fri 08:00-18:00, Europe/London,
with holidays) and for the shipped 24/7 calendar, over starts spread across three years
(clock changes included) and the shipped targets (15 minutes to 2 days):

  (a) deadline_after: one deadline from a start and a target;
  (b) business_time_between: the business time between two instants;
  (c) conversation_deadlines: every clock of a conversation (a message, a reply, a second
      message: first response met, next response and resolution running), with their
      warnings, as a service reads them after each event;

each on a calendar whose days are already worked out (warm) and, for (a), on a fresh
calendar per run (cold: every day's opening instants computed as first met). Each rate is
the best of `--repeat` runs (3). Figures are printed; nothing about time is asserted.
Run with `python benchmarks/sla.py [--count N]`.
"""

import argparse
import dataclasses
import random
from datetime import UTC, datetime, timedelta
from functools import partial

from carelane.domain.channels import Network
from carelane.sla.calendars import BusinessCalendar
from carelane.sla.clocks import conversation_deadlines
from carelane.sla.config_file import shipped_service_levels
from carelane.sla.durations import format_duration
from carelane.sla.policies import ServiceLevelPolicy
from carelane.sla.timeline import AgentReply, CustomerMessage, TimelineFact
from timing import best_of

FIRST_START = datetime(2025, 1, 1, tzinfo=UTC)
SPREAD_SECONDS = 3 * 365 * 86_400


def report(label: str, seconds: float, count: int, unit: str) -> None:
    print(
        f"  {label:<44} {count / seconds:>10,.0f} {unit}/s  {seconds / count * 1e6:>7.2f} µs each"
    )


def deadlines(calendar: BusinessCalendar, starts: list[tuple[datetime, timedelta]]) -> None:
    for start, target in starts:
        calendar.deadline_after(start, target)


def cold_deadlines(calendar: BusinessCalendar, starts: list[tuple[datetime, timedelta]]) -> None:
    deadlines(dataclasses.replace(calendar), starts)  # a copy remembers no day yet


def business_times(calendar: BusinessCalendar, ranges: list[tuple[datetime, datetime]]) -> None:
    for start, end in ranges:
        calendar.business_time_between(start, end)


def conversations(
    calendar: BusinessCalendar,
    policy: ServiceLevelPolicy,
    timelines: list[tuple[list[TimelineFact], datetime]],
) -> None:
    for timeline, now in timelines:
        conversation_deadlines(timeline, policy=policy, calendar=calendar, now=now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    levels = shipped_service_levels()
    targets = sorted(
        {
            target
            for policy in levels.policies
            for target in (policy.first_response, policy.resolution)
            if target
        }
    )
    choose = random.Random(2025)
    starts = [
        (
            FIRST_START + timedelta(seconds=choose.randrange(SPREAD_SECONDS)),
            choose.choice(targets),
        )
        for _ in range(options.count)
    ]
    ranges = [(start, start + choose.choice(targets) * 2) for start, _ in starts]
    timelines: list[tuple[list[TimelineFact], datetime]] = [
        (
            [
                CustomerMessage(start),
                AgentReply(start + timedelta(minutes=20)),
                CustomerMessage(start + timedelta(hours=2)),
            ],
            start + timedelta(hours=2, minutes=5),
        )
        for start, _ in starts
    ]
    policy = levels.policy_for(Network.TWITTER, 50)
    print(
        f"{options.count:,} starts over three years, targets "
        f"{', '.join(map(format_duration, targets))}; best of {options.repeat} runs"
    )
    for name in ("London office", "24/7"):
        calendar = levels.calendar(name)
        print(f"{name} calendar{' (24/7 fast path)' if calendar.is_always_open else ''}:")
        deadlines(calendar, starts)  # every day worked out once
        report(
            "(a) deadline_after, warm",
            best_of(options.repeat, partial(deadlines, calendar, starts)),
            options.count,
            "deadlines",
        )
        report(
            "(a) deadline_after, cold",
            best_of(options.repeat, partial(cold_deadlines, calendar, starts)),
            options.count,
            "deadlines",
        )
        report(
            "(b) business_time_between",
            best_of(options.repeat, partial(business_times, calendar, ranges)),
            options.count,
            "ranges",
        )
        report(
            "(c) conversation_deadlines (3 clocks)",
            best_of(options.repeat, partial(conversations, calendar, policy, timelines)),
            options.count,
            "conversations",
        )


if __name__ == "__main__":
    main()
