"""Waking a sleeping alarm scheduler when a transaction stores an earlier alarm.

Whoever stores deadline columns calls `announce_alarms` in the same transaction with the
alarms it wrote. The earliest instant goes out on the `carelane_sla_alarms` notice channel
(`store.commit_notices`): on PostgreSQL as a NOTIFY, which schedulers in any process hear
when (and only if) the transaction commits; in one process (SQLite, the embedded default)
handed to the schedulers of its database once the session has committed, and forgotten if
it rolls back. A scheduler waits on `AlarmWakeups`, which hears both.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from carelane.store.commit_notices import NoticeChannel, NoticeListener

CHANNEL = "carelane_sla_alarms"
"""The PostgreSQL notification channel alarms are announced on."""
ALARM_NOTICES = NoticeChannel(CHANNEL, local_on_postgres=True)
"""Heard twice in the committing process on PostgreSQL: a scheduler only looks again."""


def announce_alarms(session: Session, instants: Iterable[datetime | None]) -> None:
    """Tell schedulers, once the session's transaction commits, that it stored alarms at
    `instants` (None for a conversation with no alarm left)."""
    earliest = min((at for at in instants if at is not None), default=None)
    if earliest is None:
        return
    ALARM_NOTICES.announce(session, [earliest.astimezone(UTC).isoformat()])


def _instant(payload: str) -> datetime | None:
    try:
        return datetime.fromisoformat(payload)
    except ValueError:
        return None


class AlarmWakeups:
    """What a scheduler sleeps on: alarms announced in this process, NOTIFYs on
    PostgreSQL, and `wake()` (to stop it). Open before the first look at the stored
    alarms, so that nothing committed after that look goes unheard."""

    def __init__(self, engine: Engine) -> None:
        self._listener = NoticeListener(CHANNEL, engine)

    def wake(self) -> None:
        """End the current or next wait now."""
        self._listener.wake()

    def wait(self, timeout: float) -> tuple[bool, datetime | None]:
        """Sleep up to `timeout` seconds; (woken, the earliest alarm announced meanwhile).
        Woken without an instant means: look again (`wake()`, or a lost connection)."""
        heard = self._listener.wait(timeout)
        if not heard.woken:
            return False, None
        if heard.lost:
            return True, None
        instants = [at for at in map(_instant, heard.payloads) if at is not None]
        return True, min(instants, default=None)

    def close(self) -> None:
        self._listener.close()
