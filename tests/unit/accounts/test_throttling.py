"""Sign-in throttling on each backend: failures counted per email and per client address
within the window, the wait until the oldest leaves it, and a success clearing the
account's count; the clock is passed in, so nothing sleeps."""

from datetime import datetime, timedelta

import pytest
from argon2 import profiles
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.accounts.errors import SignInFailedError, SignInThrottledError
from carelane.accounts.passwords import Passwords
from carelane.accounts.service import SessionLifetime, do_add_user, do_sign_in
from carelane.accounts.throttling import (
    SignInThrottle,
    check_sign_in_allowed,
    record_sign_in_failure,
)
from carelane.store.database import unit_of_work
from carelane.store.models import SignInAttempt

THROTTLE = SignInThrottle(max_failures=5, window=timedelta(minutes=15))
PASSWORDS = Passwords(profiles.CHEAPEST)
LIFETIME = SessionLifetime(idle=timedelta(hours=1), longest=timedelta(hours=8))
PASSWORD = "a long enough password"


def _fail(
    session: Session, now: datetime, email: str = "ana@example.com", address: str = "10.0.0.1"
) -> None:
    with unit_of_work(session):
        record_sign_in_failure(
            session=session, email=email, client_address=address, throttle=THROTTLE, now=now
        )


def _wait(
    session: Session, now: datetime, email: str = "ana@example.com", address: str = "10.0.0.2"
) -> int | None:
    try:
        check_sign_in_allowed(
            session=session, email=email, client_address=address, throttle=THROTTLE, now=now
        )
    except SignInThrottledError as error:
        return error.retry_after_seconds
    return None


def test_five_failures_of_an_email_within_the_window_hold_it_until_the_oldest_leaves(
    session: Session, now: datetime
) -> None:
    for minute in range(4):
        _fail(session, now + timedelta(minutes=minute))
    assert _wait(session, now + timedelta(minutes=5)) is None
    _fail(session, now + timedelta(minutes=5))
    assert _wait(session, now + timedelta(minutes=6)) == 9 * 60
    assert _wait(session, now + timedelta(minutes=6), email="bo@example.com") is None
    assert _wait(session, now + timedelta(minutes=15)) is None
    _fail(session, now + timedelta(minutes=15))
    assert _wait(session, now + timedelta(minutes=15)) == 60


def test_five_failures_from_one_address_hold_it_whatever_the_emails(
    session: Session, now: datetime
) -> None:
    for index in range(5):
        _fail(session, now, email=f"guess{index}@example.com", address="10.0.0.9")
    assert (
        _wait(session, now + timedelta(seconds=30), email="new@example.com", address="10.0.0.9")
        == 870
    )
    assert _wait(session, now + timedelta(seconds=30), email="new@example.com") is None


def test_failures_past_the_window_are_forgotten_as_new_ones_come(
    session: Session, now: datetime
) -> None:
    for minute in range(5):
        _fail(session, now + timedelta(minutes=minute))
    _fail(session, now + timedelta(minutes=30), email="bo@example.com")
    assert session.scalar(select(func.count()).select_from(SignInAttempt)) == 1


@pytest.fixture
def ana(session: Session, now: datetime) -> None:
    do_add_user(
        session=session,
        email="ana@example.com",
        display_name="Ana",
        role="agent",
        password=PASSWORD,
        passwords=PASSWORDS,
        now=now,
    )


def _sign_in(
    session: Session, now: datetime, email: str, password: str, address: str = "10.0.0.1"
) -> str:
    """'ok', 'failed' or 'throttled N'."""
    try:
        do_sign_in(
            session=session,
            email=email,
            password=password,
            passwords=PASSWORDS,
            lifetime=LIFETIME,
            now=now,
            client_address=address,
            throttle=THROTTLE,
        )
    except SignInFailedError:
        return "failed"
    except SignInThrottledError as error:
        return f"throttled {error.retry_after_seconds}"
    return "ok"


@pytest.mark.usefixtures("ana")
def test_sign_in_is_refused_after_five_failures_even_with_the_right_password(
    session: Session, now: datetime
) -> None:
    outcomes = [
        _sign_in(session, now + timedelta(minutes=minute), "ANA@example.com", "wrong password!")
        for minute in range(5)
    ]
    assert outcomes == ["failed"] * 5
    assert (
        _sign_in(session, now + timedelta(minutes=5), "ana@example.com", PASSWORD)
        == "throttled 600"
    )
    assert _sign_in(session, now + timedelta(minutes=15), "ana@example.com", PASSWORD) == "ok"
    # the success cleared the account's count, not the address's: 4 of its 5 remain, and
    # one more failure from it (for anyone) holds the address, not the account elsewhere
    later = now + timedelta(minutes=15)
    assert _sign_in(session, later, "bo@example.com", "wrong password!") == "failed"
    assert _sign_in(session, later, "ana@example.com", PASSWORD) == "throttled 60"
    assert _sign_in(session, later, "ana@example.com", PASSWORD, address="10.0.0.7") == "ok"


@pytest.mark.usefixtures("ana")
def test_an_unknown_email_is_throttled_exactly_like_a_known_one(
    session: Session, now: datetime
) -> None:
    for email in ("ana@example.com", "nobody@example.com"):
        outcomes = [
            _sign_in(session, now, email, "wrong password!", address=email) for _ in range(6)
        ]
        assert outcomes == ["failed"] * 5 + ["throttled 900"], email
