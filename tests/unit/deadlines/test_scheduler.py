"""The scheduler on real clocks and real deadlines fractions of a second ahead: it fires
what was missed while it was down, once; sleeps until the next deadline and is woken by an
earlier one stored meanwhile (from another process too, on PostgreSQL); restarts and
concurrent schedulers never fire an alarm twice. Tests wait on what the database shows,
with a bounded timeout, and never assert on durations."""

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from carelane.deadlines.scheduler import AlarmScheduler
from carelane.domain.channels import Network
from carelane.domain.events import EventType
from carelane.domain.posts import Author, NormalisedPost
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.models import Event, SlaAlarm

TWITTER_TARGET = timedelta(minutes=30)  # the shipped X/Twitter first-response target
PATIENCE = 20.0
"""Seconds a test waits for what must happen long before; never a measure of speed."""
ASLEEP = timedelta(hours=1)
"""A safety re-check too far off to fire anything a test waits for."""


def _post(number: int, breach_at: datetime) -> PostToStore:
    """A tweet whose first response is due at `breach_at` (its warning long past)."""
    return PostToStore(
        number,
        NormalisedPost(
            workspace="acme",
            network=Network.TWITTER,
            channel="AcmeHelp",
            external_id=str(number),
            author=Author(f"customer{number}"),
            text="@AcmeHelp my order is late",
            created_at=breach_at - TWITTER_TARGET,
        ),
    )


def ingest(sessions: sessionmaker[Session], posts: list[PostToStore]) -> None:
    with sessions() as session:
        do_ingest_posts(session=session, posts=posts, now=datetime.now(UTC), create_workspaces=True)


def _count(sessions: sessionmaker[Session], kind: EventType) -> int:
    with sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Event).where(Event.type == kind.value))
            or 0
        )


def _wait_for(what: Callable[[], bool], description: str) -> None:
    give_up = time.monotonic() + PATIENCE
    while not what():
        if time.monotonic() > give_up:
            pytest.fail(f"gave up waiting: {description}")
        time.sleep(0.02)


@pytest.fixture
def schedulers(engine: Engine) -> Iterator[list[AlarmScheduler]]:
    """Schedulers a test starts; all stopped at its end."""
    started: list[AlarmScheduler] = []
    yield started
    for scheduler in started:
        scheduler.stop()


def _start(engine: Engine, started: list[AlarmScheduler]) -> AlarmScheduler:
    scheduler = AlarmScheduler(engine, safety_recheck=ASLEEP).start()
    started.append(scheduler)
    return scheduler


def test_a_breach_a_moment_ahead_fires_once_after_the_missed_warning(
    engine: Engine, sessions: sessionmaker[Session], schedulers: list[AlarmScheduler]
) -> None:
    ingest(sessions, [_post(1, datetime.now(UTC) + timedelta(seconds=0.5))])

    _start(engine, schedulers)

    _wait_for(lambda: _count(sessions, EventType.SLA_BREACHED) == 1, "the breach")
    assert _count(sessions, EventType.SLA_WARNING) == 1
    assert _count(sessions, EventType.SUPERVISOR_ALERTED) == 1


def test_what_was_missed_while_stopped_fires_once_at_start_and_never_after_a_restart(
    engine: Engine, sessions: sessionmaker[Session], schedulers: list[AlarmScheduler]
) -> None:
    past = datetime.now(UTC) - timedelta(minutes=5)
    ingest(sessions, [_post(n, past + timedelta(seconds=n)) for n in range(3)])

    first = _start(engine, schedulers)
    _wait_for(lambda: _count(sessions, EventType.SLA_BREACHED) == 3, "the missed breaches")
    first.stop()
    ingest(sessions, [_post(9, datetime.now(UTC) - timedelta(seconds=1))])  # missed while down
    second = _start(engine, schedulers)
    _wait_for(lambda: _count(sessions, EventType.SLA_BREACHED) == 4, "the new missed breach")
    second.stop()
    third = _start(engine, schedulers)
    _wait_for(lambda: third.sleeps >= 1, "the third scheduler to look")
    third.stop()

    assert _count(sessions, EventType.SLA_BREACHED) == 4
    assert _count(sessions, EventType.SLA_WARNING) == 4
    assert first.fired + second.fired + third.fired == 8


def test_an_earlier_deadline_stored_meanwhile_wakes_the_sleeping_scheduler(
    engine: Engine, sessions: sessionmaker[Session], schedulers: list[AlarmScheduler]
) -> None:
    ingest(sessions, [_post(1, datetime.now(UTC) + timedelta(hours=2))])
    scheduler = _start(engine, schedulers)  # sleeps until the warning above, hours on
    _wait_for(lambda: scheduler.sleeps >= 1, "the scheduler to sleep")

    ingest(sessions, [_post(2, datetime.now(UTC) + timedelta(seconds=0.3))])

    _wait_for(lambda: _count(sessions, EventType.SLA_BREACHED) == 1, "the earlier breach")


def _ingest_elsewhere(url: str, breach_in_seconds: float) -> None:
    engine = create_database_engine(url)
    try:
        ingest(
            create_session_factory(engine),
            [_post(2, datetime.now(UTC) + timedelta(seconds=breach_in_seconds))],
        )
    finally:
        engine.dispose()


def test_an_earlier_deadline_stored_by_another_process_wakes_it_on_postgresql(
    postgres_url: str, schedulers: list[AlarmScheduler]
) -> None:
    engine = create_database_engine(postgres_url)
    sessions = create_session_factory(engine)
    try:
        ingest(sessions, [_post(1, datetime.now(UTC) + timedelta(hours=2))])
        scheduler = _start(engine, schedulers)
        _wait_for(lambda: scheduler.sleeps >= 1, "the scheduler to sleep")

        child = multiprocessing.get_context("spawn").Process(
            target=_ingest_elsewhere, args=(postgres_url, 0.3)
        )
        child.start()
        child.join(PATIENCE)
        assert child.exitcode == 0

        _wait_for(lambda: _count(sessions, EventType.SLA_BREACHED) == 1, "the breach")
    finally:
        for scheduler in schedulers:
            scheduler.stop()
        schedulers.clear()
        _truncate(engine)
        engine.dispose()


def _truncate(engine: Engine) -> None:
    from sqlalchemy import text

    from carelane.store.models import Base

    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


CONCURRENT = 300


def test_schedulers_running_at_once_fire_each_alarm_exactly_once(
    database_url: str, sessions: sessionmaker[Session], schedulers: list[AlarmScheduler]
) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    ingest(sessions, [_post(n, soon + timedelta(milliseconds=5 * n)) for n in range(CONCURRENT)])
    engines = [create_database_engine(database_url) for _ in range(3)]
    try:
        for own_engine in engines:  # each as if in a process of its own
            scheduler = AlarmScheduler(own_engine, safety_recheck=ASLEEP, batch=20).start()
            schedulers.append(scheduler)

        _wait_for(lambda: _count(sessions, EventType.SLA_BREACHED) >= CONCURRENT, "every breach")
        for scheduler in schedulers:
            scheduler.stop()

        with sessions() as session:
            fired = Counter(
                session.execute(
                    select(Event.conversation_id, Event.type).where(
                        Event.type.in_([EventType.SLA_WARNING.value, EventType.SLA_BREACHED.value])
                    )
                ).all()
            )
            recorded = session.scalar(select(func.count()).select_from(SlaAlarm))
        assert len(fired) == 2 * CONCURRENT
        assert set(fired.values()) == {1}
        assert recorded == 2 * CONCURRENT
        assert sum(scheduler.fired for scheduler in schedulers) == 2 * CONCURRENT
    finally:
        for scheduler in schedulers:
            scheduler.stop()
        for own_engine in engines:
            own_engine.dispose()
