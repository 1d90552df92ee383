"""The service-level scheduler: sleeps until the earliest alarm not yet fired, fires
what is due, and sleeps again.

It never polls on a fixed interval. It sleeps exactly until the next stored alarm
(`conversation.sla_alarm_at`, indexed), and is woken early when another transaction
stores an earlier one (`wakeups`: LISTEN/NOTIFY on PostgreSQL, the committing session in
this process on SQLite). Its first round after a start fires every alarm missed while no
scheduler ran, once; any number of schedulers may run against one database
(`alarms.fire_due_round` never fires an alarm twice).

Two defences, not the mechanism: a long re-check (`SAFETY_RECHECK`, minutes) covers a
wake-up that could not be heard, such as a SQLite database written by another process or
a LISTEN connection lost and re-opened; and due conversations another transaction holds
locked (another scheduler firing them, say) are looked at again after `LOCKED_RETRY`.
"""

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from carelane.deadlines.alarms import (
    CLAIM_BATCH,
    FiredAlarm,
    claim_due_conversations,
    fire_due_round,
    next_alarm_at,
)
from carelane.deadlines.wakeups import AlarmWakeups
from carelane.store.database import create_session_factory

logger = logging.getLogger(__name__)

SAFETY_RECHECK = timedelta(minutes=5)
"""The longest sleep: a defence against a lost wake-up, never how alarms are found."""
LOCKED_RETRY = 0.05
"""Seconds before looking again at due conversations another transaction holds locked."""
FAILURE_PAUSE = 5.0
"""Seconds before trying again after the database failed a round."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class AlarmScheduler:
    """Fires the service-level alarms of the database behind `engine` until stopped.

    `run()` works in the calling thread until `stop()`; `start()` runs it in a thread of
    its own. `on_fired` is told each round's alarms once they are committed. A
    conversation whose alarms cannot be computed (its round fails again when fired
    alone) is logged and passed over until the scheduler restarts, so it never holds up
    the others."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = utc_now,
        batch: int = CLAIM_BATCH,
        safety_recheck: timedelta = SAFETY_RECHECK,
        on_fired: Callable[[Sequence[FiredAlarm]], None] | None = None,
    ) -> None:
        self._engine = engine
        self._sessions: sessionmaker[Session] = create_session_factory(engine)
        self._clock = clock
        self._batch = batch
        self._safety_recheck = safety_recheck.total_seconds()
        self._on_fired = on_fired
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._wakeups: AlarmWakeups | None = None
        self._thread: threading.Thread | None = None
        self.passed_over: set[int] = set()
        self.fired = 0
        """Alarms this scheduler fired."""
        self.sleeps = 0
        """Times it went to sleep (after looking at what is due)."""
        self.listening = threading.Event()
        """Set once the scheduler hears wake-ups (before its first look at the alarms)."""

    # -- running ---------------------------------------------------------------------

    def start(self) -> "AlarmScheduler":
        """Run in a daemon thread; returns once it listens for wake-ups."""
        self._thread = threading.Thread(target=self.run, name="carelane-sla-scheduler", daemon=True)
        self._thread.start()
        self.listening.wait()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the round in progress (committed or rolled back whole)."""
        self._stopping.set()
        with self._lock:
            if self._wakeups is not None:
                self._wakeups.wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def run(self) -> None:
        """Fire what is due, sleep until the next alarm or a wake-up, until `stop()`."""
        wakeups = AlarmWakeups(self._engine)
        with self._lock:
            self._wakeups = wakeups
        self.listening.set()
        try:
            while not self._stopping.is_set():
                try:
                    plan = self._fire_due()
                except Exception:
                    logger.exception("firing service-level alarms failed; trying again")
                    wakeups.wait(FAILURE_PAUSE)
                    continue
                self._sleep(wakeups, plan)
        finally:
            with self._lock:
                self._wakeups = None
            wakeups.close()

    # -- one wake-up -----------------------------------------------------------------

    def _fire_due(self) -> tuple[float, datetime | None]:
        """Fire rounds until none is due; how long to sleep (seconds) and until what
        alarm (None when there is none)."""
        with self._sessions() as session:
            while not self._stopping.is_set():
                now = self._clock()
                try:
                    firing = fire_due_round(
                        session=session, now=now, limit=self._batch, passing_over=self.passed_over
                    )
                except Exception:
                    logger.exception("a round of service-level alarms failed; firing one by one")
                    self._fire_one_by_one(session, now)
                    continue
                if firing.fired:
                    self.fired += len(firing.fired)
                    if self._on_fired is not None:
                        self._on_fired(firing.fired)
                if not firing.claimed:
                    break
            next_at = next_alarm_at(session, passing_over=self.passed_over)
            session.rollback()
        if next_at is None:
            return self._safety_recheck, None
        wait = (next_at - self._clock()).total_seconds()
        if wait <= 0:  # due, but held locked by another transaction: look again soon
            return LOCKED_RETRY, next_at
        return min(wait, self._safety_recheck), next_at

    def _fire_one_by_one(self, session: Session, now: datetime) -> None:
        with session.begin():
            due = claim_due_conversations(
                session, now=now, limit=self._batch, passing_over=self.passed_over
            )
        for conversation_id in due:
            try:
                firing = fire_due_round(session=session, now=now, only=conversation_id)
            except Exception:
                logger.exception(
                    "conversation %s: its service-level alarms cannot be fired; passed over "
                    "until the scheduler restarts",
                    conversation_id,
                )
                self.passed_over.add(conversation_id)
                continue
            self.fired += len(firing.fired)
            if firing.fired and self._on_fired is not None:
                self._on_fired(firing.fired)

    def _sleep(self, wakeups: AlarmWakeups, plan: tuple[float, datetime | None]) -> None:
        """Sleep until the planned instant, or until an alarm earlier than it is stored."""
        timeout, next_at = plan
        self.sleeps += 1
        until = self._clock() + timedelta(seconds=timeout)
        while not self._stopping.is_set():
            left = (until - self._clock()).total_seconds()
            woken, announced = wakeups.wait(max(left, 0.0))
            if not woken:
                return  # the alarm's instant (or the safety re-check) has come
            if announced is not None and next_at is not None and announced >= next_at:
                continue  # later than what we sleep for: keep sleeping
            return
