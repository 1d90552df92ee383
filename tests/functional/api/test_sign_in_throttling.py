"""Sign-in throttling over HTTP on each backend: the sixth attempt within 15 minutes is a
429 with Retry-After, for a known and an unknown email alike, until the window passes on
the app's clock (set by the test; nothing sleeps)."""

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from httpx import Response

from carelane.accounts.roles import Role
from carelane.config import Settings
from carelane.web.auth import SESSION_COOKIE
from tests.functional.api.conftest import add_user

PASSWORD = "a long enough password"


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _sign_in(client: TestClient, email: str, password: str) -> Response:
    form = client.get("/signin").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def test_the_sixth_attempt_is_refused_until_the_window_passes(
    anonymous_client: TestClient, settings: Settings, now: datetime
) -> None:
    add_user(settings, "ana@example.com", Role.AGENT)
    clock = Clock(now)
    anonymous_client.app.state.clock = clock  # type: ignore[attr-defined]
    answers = []
    for minute in range(5):
        clock.now = now + timedelta(minutes=minute)
        answers.append(
            _sign_in(anonymous_client, "ana@example.com", "not the password").status_code
        )
    assert answers == [401] * 5
    clock.now = now + timedelta(minutes=10)
    refused = _sign_in(anonymous_client, "ana@example.com", PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "300"
    assert "Too many failed sign-ins: try again in 5 min." in refused.text
    assert SESSION_COOKIE not in refused.cookies
    clock.now = now + timedelta(minutes=15)
    signed_in = _sign_in(anonymous_client, "ana@example.com", PASSWORD)
    assert signed_in.status_code == 303
    assert SESSION_COOKIE in signed_in.cookies


def test_an_unknown_email_and_a_known_one_are_refused_alike(
    client: TestClient, settings: Settings, now: datetime
) -> None:
    add_user(settings, "ana@example.com", Role.AGENT)
    answers = {}
    for email in ("ana@example.com", "nobody@example.com"):
        with TestClient(client.app, client=(f"10.0.0.{len(answers) + 1}", 50000)) as stranger:
            stranger.app.state.clock = Clock(now)  # type: ignore[attr-defined]
            for _ in range(5):
                assert _sign_in(stranger, email, "not the password").status_code == 401
            refused = _sign_in(stranger, email, "not the password")
            answers[email] = (
                refused.status_code,
                refused.headers.get("Retry-After"),
                refused.text.split('id="signin-error">')[1].split("</p>")[0],
            )
    assert answers["ana@example.com"] == (
        429,
        "900",
        "Too many failed sign-ins: try again in 15 min.",
    )
    assert answers["ana@example.com"] == answers["nobody@example.com"]


def test_one_address_guessing_many_emails_is_refused_for_every_account(
    client: TestClient, settings: Settings, now: datetime
) -> None:
    add_user(settings, "ana@example.com", Role.AGENT)
    client.app.state.clock = Clock(now)  # type: ignore[attr-defined]
    with TestClient(client.app, client=("10.0.0.9", 50000)) as guesser:
        for index in range(5):
            assert _sign_in(guesser, f"guess{index}@example.com", PASSWORD).status_code == 401
        assert _sign_in(guesser, "ana@example.com", PASSWORD).status_code == 429
    with TestClient(client.app, client=("10.0.0.10", 50000)) as ana:
        assert _sign_in(ana, "ana@example.com", PASSWORD).status_code == 303
