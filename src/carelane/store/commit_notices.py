"""Telling listeners what a transaction committed: once it commits, and only then.

A writer calls `NoticeChannel.announce(session, payloads)` inside its transaction. On
PostgreSQL each payload is sent as `NOTIFY <channel>`: NOTIFY is transactional, so every
process LISTENing hears it when (and only if) the transaction commits. In one process
(SQLite, the embedded default) the session keeps the payloads and hands them to this
process's listeners of the same database once it has committed; a rollback forgets them.
A `NoticeListener` hears both and wakes through a pipe, so a thread can sleep on it.

Used by the service-level scheduler's wake-ups (`deadlines.wakeups`) and the live feed of
workspace events (`store.live_events`).
"""

import contextlib
import logging
import os
import select
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 7900
"""PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more."""


def database_key(engine: Engine) -> str:
    """What names a database among the listeners of this process."""
    return engine.url.render_as_string(hide_password=True)


@dataclass(slots=True)
class Heard:
    """What one wait brought: whether it was woken (not timed out), the payloads heard,
    and whether notices may have been lost meanwhile (a LISTEN connection re-opened)."""

    woken: bool
    payloads: list[str] = field(default_factory=list)
    lost: bool = False


class NoticeChannel:
    """A named channel of notices sent at commit.

    `local_on_postgres`: also hand the payloads to this process's listeners on PostgreSQL
    (they then hear them twice: once directly, once by NOTIFY). Harmless for wake-ups,
    which only look again; a feed that must hear each notice once leaves it False.
    """

    def __init__(self, name: str, *, local_on_postgres: bool = False) -> None:
        self.name = name
        self.local_on_postgres = local_on_postgres
        self._pending = f"carelane_notices_pending:{name}"
        self._hooked = f"carelane_notices_hooked:{name}"

    def heard_by_anyone(self, session: Session) -> bool:
        """Whether a notice sent in `session` can reach a listener: always on PostgreSQL
        (other processes may listen), else only when this process has one."""
        if session.get_bind().dialect.name == "postgresql":
            return True
        with _LISTENERS_LOCK:
            return any(channel == self.name for channel, _database in _LISTENERS)

    def announce(self, session: Session, payloads: Iterable[str]) -> None:
        """Send `payloads` (each under `MAX_PAYLOAD_BYTES` in UTF-8) once the session's
        transaction commits."""
        payloads = list(payloads)
        if not payloads:
            return
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            session.execute(
                text("SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[])) AS p"),
                {"channel": self.name, "payloads": payloads},
            )
            if not self.local_on_postgres:
                return
        session.info.setdefault(self._pending, []).extend(payloads)
        if not session.info.get(self._hooked):
            session.info[self._hooked] = True
            event.listen(session, "after_commit", self._deliver_after_commit)
            event.listen(session, "after_rollback", self._forget_after_rollback)

    def _deliver_after_commit(self, session: Session) -> None:
        payloads: list[str] | None = session.info.pop(self._pending, None)
        if payloads:
            deliver_locally(self.name, database_key(session.get_bind().engine), payloads)

    def _forget_after_rollback(self, session: Session) -> None:
        session.info.pop(self._pending, None)


_LISTENERS: dict[tuple[str, str], set["NoticeListener"]] = {}
_LISTENERS_LOCK = threading.Lock()


def deliver_locally(channel: str, database: str, payloads: list[str]) -> None:
    """Hand `payloads` to this process's listeners of `channel` on `database`."""
    with _LISTENERS_LOCK:
        listeners = list(_LISTENERS.get((channel, database), ()))
    for listener in listeners:
        listener.deliver(payloads)


class NoticeListener:
    """What a thread sleeps on to hear a channel's notices: payloads committed in this
    process, NOTIFYs on PostgreSQL, and `wake()`. Open it before the first look at what
    it watches, so that nothing committed after that look goes unheard."""

    def __init__(self, channel: str, engine: Engine) -> None:
        self._channel = channel
        self._engine = engine
        self._key = (channel, database_key(engine))
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._lock = threading.Lock()
        self._delivered: list[str] = []
        self._connection: Any = None  # a psycopg connection LISTENing, on PostgreSQL
        self._postgres = engine.dialect.name == "postgresql"
        with _LISTENERS_LOCK:
            _LISTENERS.setdefault(self._key, set()).add(self)
        if self._postgres:
            self._listen()

    def _listen(self) -> None:
        import psycopg

        url = self._engine.url.set(drivername="postgresql")
        try:
            self._connection = psycopg.connect(
                url.render_as_string(hide_password=False), autocommit=True
            )
            self._connection.execute(f"LISTEN {self._channel}")
        except psycopg.Error as error:
            logger.warning("cannot LISTEN on %s: %s", self._channel, error)
            self._close_connection()

    def deliver(self, payloads: list[str]) -> None:
        """Payloads committed in this process: keep them and wake the waiter."""
        with self._lock:
            self._delivered.extend(payloads)
        self.wake()

    def wake(self) -> None:
        """End the current or next wait now."""
        with contextlib.suppress(BlockingIOError):  # a full pipe: a wake-up is pending
            os.write(self._write, b"!")

    def wait(self, timeout: float) -> Heard:
        """Sleep up to `timeout` seconds, or until something is heard or `wake()`."""
        if self._postgres and self._connection is None:
            self._listen()
            if self._connection is not None:
                return Heard(woken=True, lost=True)  # what was sent meanwhile is unheard
        sources: list[Any] = [self._read]
        if self._connection is not None:
            sources.append(self._connection.fileno())
        ready, _, _ = select.select(sources, [], [], max(0.0, timeout))
        if not ready:
            return Heard(woken=False)
        if self._read in ready:
            while True:
                try:
                    if not os.read(self._read, 4096):
                        break
                except BlockingIOError:
                    break
        heard, lost = self._drain_notifications()
        with self._lock:
            delivered, self._delivered = self._delivered, []
        return Heard(woken=True, payloads=delivered + heard, lost=lost)

    def _drain_notifications(self) -> tuple[list[str], bool]:
        if self._connection is None:
            return [], False
        import psycopg

        payloads: list[str] = []
        try:
            payloads.extend(n.payload for n in self._connection.notifies(timeout=0))
        except psycopg.Error as error:
            logger.warning("lost the LISTEN connection of %s: %s", self._channel, error)
            self._close_connection()
            return payloads, True
        return payloads, False

    def _close_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a broken connection: nothing left to keep
                logger.debug("closing the LISTEN connection failed", exc_info=True)
        self._connection = None

    def close(self) -> None:
        with _LISTENERS_LOCK:
            listeners = _LISTENERS.get(self._key)
            if listeners is not None:
                listeners.discard(self)
                if not listeners:
                    del _LISTENERS[self._key]
        self._close_connection()
        os.close(self._read)
        os.close(self._write)
