"""Waking a sleeping alarm scheduler when a transaction stores an earlier alarm.

Whoever stores deadline columns calls `announce_alarms` in the same transaction with the
alarms it wrote. On PostgreSQL that sends `NOTIFY carelane_sla_alarms` with the earliest
instant: NOTIFY is transactional, so schedulers in any process hear it when (and only if)
the transaction commits. In one process (SQLite, the embedded default) the session rings
the schedulers of its database once it has committed, and forgets the alarms if it rolls
back. A scheduler waits on `AlarmWakeups`, which hears both.
"""

import contextlib
import logging
import os
import select
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

CHANNEL = "carelane_sla_alarms"
"""The PostgreSQL notification channel alarms are announced on."""
_PENDING = "carelane_sla_alarm_pending"
_LISTENING = "carelane_sla_alarm_listening"


def database_key(engine: Engine) -> str:
    """What names a database among the schedulers of this process."""
    return engine.url.render_as_string(hide_password=True)


def announce_alarms(session: Session, instants: Iterable[datetime | None]) -> None:
    """Tell schedulers, once the session's transaction commits, that it stored alarms at
    `instants` (None for a conversation with no alarm left)."""
    earliest = min((at for at in instants if at is not None), default=None)
    if earliest is None:
        return
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": earliest.astimezone(UTC).isoformat()},
        )
    pending: datetime | None = session.info.get(_PENDING)
    if pending is None or earliest < pending:
        session.info[_PENDING] = earliest
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "after_commit", _ring_after_commit)
        event.listen(session, "after_rollback", _forget_after_rollback)


def _ring_after_commit(session: Session) -> None:
    earliest: datetime | None = session.info.pop(_PENDING, None)
    if earliest is not None:
        _ring(database_key(session.get_bind().engine), earliest)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


_SUBSCRIBERS: dict[str, set["AlarmWakeups"]] = {}
_SUBSCRIBERS_LOCK = threading.Lock()


def _ring(database: str, at: datetime) -> None:
    with _SUBSCRIBERS_LOCK:
        subscribers = list(_SUBSCRIBERS.get(database, ()))
    for subscriber in subscribers:
        subscriber.announce(at)


class AlarmWakeups:
    """What a scheduler sleeps on: alarms announced in this process, NOTIFYs on
    PostgreSQL, and `wake()` (to stop it). Open before the first look at the stored
    alarms, so that nothing committed after that look goes unheard."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._database = database_key(engine)
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._lock = threading.Lock()
        self._announced: datetime | None = None
        self._listener: Any = None  # a psycopg connection LISTENing, on PostgreSQL
        with _SUBSCRIBERS_LOCK:
            _SUBSCRIBERS.setdefault(self._database, set()).add(self)
        if engine.dialect.name == "postgresql":
            self._listen()

    def _listen(self) -> None:
        import psycopg

        url = self._engine.url.set(drivername="postgresql")
        try:
            self._listener = psycopg.connect(
                url.render_as_string(hide_password=False), autocommit=True
            )
            self._listener.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as error:
            logger.warning("cannot LISTEN for service-level alarms: %s", error)
            self._close_listener()

    def announce(self, at: datetime) -> None:
        """An alarm at `at` was stored: wake the waiter."""
        with self._lock:
            if self._announced is None or at < self._announced:
                self._announced = at
        self.wake()

    def wake(self) -> None:
        """End the current or next wait now."""
        with contextlib.suppress(BlockingIOError):  # a full pipe: a wake-up is pending
            os.write(self._write, b"!")

    def wait(self, timeout: float) -> tuple[bool, datetime | None]:
        """Sleep up to `timeout` seconds; (woken, the earliest alarm announced meanwhile).
        Woken without an instant means: look again (`wake()`, or a lost connection)."""
        if self._engine.dialect.name == "postgresql" and self._listener is None:
            self._listen()
            if self._listener is not None:
                return True, None  # reconnected: what was sent meanwhile is unheard
        sources: list[Any] = [self._read]
        if self._listener is not None:
            sources.append(self._listener.fileno())
        ready, _, _ = select.select(sources, [], [], max(0.0, timeout))
        if not ready:
            return False, None
        if self._read in ready:
            while True:
                try:
                    if not os.read(self._read, 4096):
                        break
                except BlockingIOError:
                    break
        heard = self._drain_notifications()
        with self._lock:
            announced, self._announced = self._announced, None
        instants = [at for at in (heard, announced) if at is not None]
        return True, min(instants, default=None)

    def _drain_notifications(self) -> datetime | None:
        if self._listener is None:
            return None
        import psycopg

        earliest = None
        try:
            for notification in self._listener.notifies(timeout=0):
                try:
                    at = datetime.fromisoformat(notification.payload)
                except ValueError:
                    continue
                if earliest is None or at < earliest:
                    earliest = at
        except psycopg.Error as error:
            logger.warning("lost the LISTEN connection for service-level alarms: %s", error)
            self._close_listener()
        return earliest

    def _close_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except Exception:  # closing a broken connection: nothing left to keep
                logger.debug("closing the LISTEN connection failed", exc_info=True)
        self._listener = None

    def close(self) -> None:
        with _SUBSCRIBERS_LOCK:
            subscribers = _SUBSCRIBERS.get(self._database)
            if subscribers is not None:
                subscribers.discard(self)
                if not subscribers:
                    del _SUBSCRIBERS[self._database]
        self._close_listener()
        os.close(self._read)
        os.close(self._write)
