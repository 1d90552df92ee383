"""`carelane sla-scheduler`: the service-level scheduler on its own, for deployments that
run it apart from the web app (which runs one itself unless `CARELANE_SLA_SCHEDULER` is
false). Any number may run against one database: none fires an alarm twice."""

import signal
from collections import Counter
from collections.abc import Sequence
from types import FrameType

import typer

from carelane.cli.terminal import one_line_errors, open_database, out, settings_of
from carelane.deadlines.alarms import FiredAlarm
from carelane.deadlines.scheduler import AlarmScheduler


def sla_scheduler(ctx: typer.Context) -> None:
    """Fire service-level warnings and breaches as they fall due, until interrupted.

    Fires what was missed while no scheduler ran first; prints a line per round."""
    settings = settings_of(ctx)
    with one_line_errors(settings):
        engine, _ = open_database(settings)
        console = out()

        def report(fired: Sequence[FiredAlarm]) -> None:
            counts = Counter(alarm.alarm.value for alarm in fired)
            console.print(
                f"{fired[-1].fired_at.isoformat(timespec='seconds')} fired "
                + ", ".join(f"{count} {alarm}" for alarm, count in sorted(counts.items()))
            )

        scheduler = AlarmScheduler(engine, on_fired=report)

        def stop(_signal: int, _frame: FrameType | None) -> None:
            scheduler.stop(timeout=0)

        previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        console.print(f"Firing service-level alarms on {engine.url.render_as_string()}")
        try:
            scheduler.run()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            engine.dispose()
        console.print(f"Stopped; {scheduler.fired} alarms fired")
