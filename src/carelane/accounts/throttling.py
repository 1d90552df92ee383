"""Sign-in throttling: after `max_failures` failed sign-ins for one email, or from one
client address, within `window`, further attempts are refused until the oldest of them
leaves the window.

Failures are rows of the database (`sign_in_attempt`), so every web process counts the
same ones, on SQLite and PostgreSQL alike. An email is counted whether or not an account
has it, so a refusal says nothing about which accounts exist. A successful sign-in clears
its email's count; those failures still count for the addresses they came from. Two
attempts checked at the same instant may both pass a count of `max_failures - 1`; the
limit is a brake on guessing, not an exact quota.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from carelane.accounts.errors import SignInThrottledError
from carelane.store.models import SignInAttempt

MAX_CLIENT_ADDRESS = 64
FORGIVEN = ""
"""The email of failures a successful sign-in forgave: counted for their address only (no
account has an empty email, and an empty one is never counted as an email)."""


@dataclass(frozen=True, slots=True)
class SignInThrottle:
    """How many failed sign-ins within how long refuse the next ones."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


def _retry_after(times: list[datetime], throttle: SignInThrottle, now: datetime) -> int | None:
    """Seconds until fewer than `max_failures` of `times` (oldest first, all within the
    window) remain in it; None when already fewer."""
    if len(times) < throttle.max_failures:
        return None
    leaves = times[len(times) - throttle.max_failures] + throttle.window
    return max(1, math.ceil((leaves - now).total_seconds()))


def _failure_times(
    session: Session, column: InstrumentedAttribute[str], value: str, since: datetime
) -> list[datetime]:
    return list(
        session.scalars(
            select(SignInAttempt.attempted_at)
            .where(column == value, SignInAttempt.attempted_at > since)
            .order_by(SignInAttempt.attempted_at)
        )
    )


def check_sign_in_allowed(
    *, session: Session, email: str, client_address: str, throttle: SignInThrottle, now: datetime
) -> None:
    """SignInThrottledError, with the seconds to wait, when `email` (normalised) or
    `client_address` has `max_failures` failures within the window before `now`."""
    since = now - throttle.window
    waits = [
        _retry_after(_failure_times(session, SignInAttempt.email, email, since), throttle, now)
        if email
        else None,
        _retry_after(
            _failure_times(
                session, SignInAttempt.client_address, client_address[:MAX_CLIENT_ADDRESS], since
            ),
            throttle,
            now,
        ),
    ]
    longest = max((wait for wait in waits if wait is not None), default=None)
    if longest is not None:
        raise SignInThrottledError(longest)


def record_sign_in_failure(
    *, session: Session, email: str, client_address: str, throttle: SignInThrottle, now: datetime
) -> None:
    """Count a failed sign-in for `email` (normalised) from `client_address`, and forget
    failures that have left the window. The caller commits."""
    session.execute(
        delete(SignInAttempt).where(SignInAttempt.attempted_at <= now - throttle.window)
    )
    session.add(
        SignInAttempt(
            email=email[:320], client_address=client_address[:MAX_CLIENT_ADDRESS], attempted_at=now
        )
    )


def clear_sign_in_failures(*, session: Session, email: str) -> None:
    """Forgive `email`'s failed sign-ins (after a successful one): they no longer count
    for the account, but still for the addresses they came from. The caller commits."""
    if email:
        session.execute(
            update(SignInAttempt).where(SignInAttempt.email == email).values(email=FORGIVEN)
        )
