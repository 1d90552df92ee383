"""Breach benchmark: how late the service-level scheduler fires warnings and breaches.

A fresh database holds `--conversations` conversations (2,000) under a policy of a
30-second first response that warns at half time, opened so that their warnings fall due
over the next ~5-15 seconds and their breaches over ~20-30 seconds. `--schedulers`
schedulers (2 on PostgreSQL, 1 on SQLite), each on an engine of its own in a thread of its
own, start before the first alarm and sleep until each next one. Lateness is reported two
ways: as the event log records it (`recorded_at - occurred_at`: when the round fired,
against the alarm's instant) and as observed once the round's transaction committed.
Also: how many alarms fired twice (must be 0). Figures are printed; nothing about time is
asserted. Run with `python benchmarks/breaches.py [--conversations N] [--backend B]`.
"""

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select, update

from carelane.deadlines.alarms import FiredAlarm
from carelane.deadlines.scheduler import AlarmScheduler
from carelane.domain.channels import Network
from carelane.domain.events import EventType
from carelane.domain.posts import Author, NormalisedPost
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.sla.timers import Alarm
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.migrate import upgrade_database
from carelane.store.models import Event, SlaAlarm, Workspace

POSTGRES_SERVER = os.environ.get("CARELANE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "carelane_bench_breaches"
LEVELS = """\
version: 1
calendars:
  - {name: always, time_zone: UTC, hours: 24/7}
policies:
  - name: Half a minute
    calendar: always
    first_response: 30s
    warning_fraction: 0.5
    breach_actions: {raise_priority: 20, alert_supervisor: true}
"""


def fresh_database(backend: str, folder: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'breaches.db'}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    return POSTGRES_SERVER.replace("postgresql://", "postgresql+psycopg://", 1) + f"/{DATABASE}"


def post(number: int, created_at: datetime) -> PostToStore:
    return PostToStore(
        number,
        NormalisedPost(
            workspace="acme",
            network=Network.TWITTER,
            channel="AcmeHelp",
            external_id=str(number),
            author=Author(f"customer{number}"),
            text="@AcmeHelp my order is late",
            created_at=created_at,
        ),
    )


def seed(url: str, conversations: int) -> None:
    """The workspace under LEVELS, then the conversations: opened 0-10 s ago, so their
    warnings fall due in 5-15 s and their breaches in 20-30 s (plus the seeding's time)."""
    engine = create_database_engine(url)
    upgrade_database(engine)
    sessions = create_session_factory(engine)
    spread = random.Random(11)
    with sessions() as session:
        do_ingest_posts(
            session=session,
            posts=[post(-1, datetime.now(UTC))],
            now=datetime.now(UTC),
            create_workspaces=True,
        )
        with session.begin():
            session.execute(update(Workspace).values(service_levels_yaml=LEVELS))
        now = datetime.now(UTC)
        posts = [
            post(n, now - timedelta(seconds=spread.uniform(0, 10))) for n in range(conversations)
        ]
        for start in range(0, conversations, 1000):
            do_ingest_posts(
                session=session, posts=posts[start : start + 1000], now=now, create_workspaces=True
            )
    engine.dispose()


def percentiles(values: Sequence[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return (
        f"p50 {at(0.5) * 1000:7.1f} ms  p90 {at(0.9) * 1000:7.1f} ms  "
        f"p99 {at(0.99) * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms  "
        f"mean {statistics.fmean(ordered) * 1000:7.1f} ms  count {len(ordered)}"
    )


def run(backend: str, conversations: int, schedulers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(backend, Path(folder))
        seed(url, conversations)
        observed: dict[Alarm, list[float]] = {Alarm.WARNING: [], Alarm.BREACH: []}
        lock = threading.Lock()

        def committed(fired: Sequence[FiredAlarm]) -> None:
            seen = datetime.now(UTC)
            with lock:
                for alarm in fired:
                    observed[alarm.alarm].append((seen - alarm.due_at).total_seconds())

        engines = [create_database_engine(url) for _ in range(schedulers)]
        running = [AlarmScheduler(engine, on_fired=committed).start() for engine in engines]
        sessions = create_session_factory(engines[0])
        give_up = time.monotonic() + 120
        breached = 0
        while breached < conversations and time.monotonic() < give_up:
            time.sleep(0.5)
            with sessions() as session:
                breached = (
                    session.scalar(
                        select(func.count())
                        .select_from(Event)
                        .where(Event.type == EventType.SLA_BREACHED.value)
                    )
                    or 0
                )
        for scheduler in running:
            scheduler.stop()
        with sessions() as session:
            rows = session.execute(
                select(
                    Event.type, Event.conversation_id, Event.occurred_at, Event.recorded_at
                ).where(Event.type.in_([EventType.SLA_WARNING.value, EventType.SLA_BREACHED.value]))
            ).all()
            recorded = session.scalar(select(func.count()).select_from(SlaAlarm)) or 0
        for engine in engines:
            engine.dispose()
    twice = sum(n - 1 for n in Counter((r.type, r.conversation_id) for r in rows).values() if n > 1)
    print(
        f"\n{backend}: {conversations} conversations, {schedulers} scheduler(s); "
        f"{recorded} alarms recorded, {sum(s.fired for s in running)} fired, {twice} fired twice"
    )
    for kind, alarm in (
        (EventType.SLA_WARNING, Alarm.WARNING),
        (EventType.SLA_BREACHED, Alarm.BREACH),
    ):
        logged = [(r.recorded_at - r.occurred_at).total_seconds() for r in rows if r.type == kind]
        print(f"  {alarm.value:7} as logged:    {percentiles(logged)}")
        print(f"  {alarm.value:7} committed:    {percentiles(observed[alarm])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--schedulers", type=int, help="default: 2 on PostgreSQL, 1 on SQLite")
    args = parser.parse_args()
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    for backend in backends:
        run(backend, args.conversations, args.schedulers or (2 if backend == "postgresql" else 1))


if __name__ == "__main__":
    main()
