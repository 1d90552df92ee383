"""The app on each backend, driven over HTTP with TestClient, signed in as an admin of
every workspace unless a test signs in as someone else."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from argon2 import profiles
from fastapi.testclient import TestClient

from carelane.accounts.passwords import Passwords
from carelane.accounts.roles import Role
from carelane.accounts.service import SessionLifetime, do_add_user, do_open_session
from carelane.config import Settings
from carelane.ingest.readers.sources import read_source
from carelane.store.database import create_database_engine, create_session_factory
from carelane.web.app import create_app
from carelane.web.auth import CSRF_HEADER, SESSION_COOKIE
from carelane.web.dependencies import utc_now

CHEAP_PASSWORDS = Passwords(profiles.CHEAPEST)
"""Users the fixtures add need no costly hashes: they are signed in without a password."""
ADMIN_EMAIL = "admin@carelane.test"
LIFETIME = SessionLifetime(idle=timedelta(hours=1), longest=timedelta(hours=8))


def add_user(
    settings: Settings,
    email: str,
    role: Role,
    *,
    workspaces: Sequence[str] = (),
    all_workspaces: bool = False,
    password: str = "a long enough password",
    passwords: Passwords = CHEAP_PASSWORDS,
) -> int:
    """Add a user straight through the service; their id."""
    engine = create_database_engine(settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            user = do_add_user(
                session=session,
                email=email,
                display_name=email.split("@", maxsplit=1)[0].title(),
                role=role,
                password=password,
                passwords=passwords,
                now=utc_now(),
                workspaces=workspaces,
                all_workspaces=all_workspaces,
            )
    finally:
        engine.dispose()
    return user.id


def sign_in_as(client: TestClient, settings: Settings, user_id: int) -> None:
    """Give `client` a session of the user: its cookie, and its CSRF token on every
    request."""
    engine = create_database_engine(settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            opened = do_open_session(
                session=session, user_id=user_id, lifetime=LIFETIME, now=utc_now()
            )
    finally:
        engine.dispose()
    client.cookies.set(SESSION_COOKIE, opened.token)
    client.headers[CSRF_HEADER] = opened.csrf_token


@pytest.fixture
def anonymous_client(settings: Settings) -> Iterator[TestClient]:
    """The app with nobody signed in."""
    with TestClient(create_app(settings)) as client:
        yield client


@contextmanager
def admin_client(settings: Settings) -> Iterator[TestClient]:
    """The app of `settings`, signed in as an admin of every workspace."""
    with TestClient(create_app(settings)) as client:
        admin = add_user(settings, ADMIN_EMAIL, Role.ADMIN, all_workspaces=True)
        sign_in_as(client, settings, admin)
        yield client


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app, signed in as an admin of every workspace."""
    with admin_client(settings) as client:
        yield client


def create_workspace(client: TestClient, slug: str, name: str | None = None) -> dict[str, Any]:
    response = client.post("/api/v1/workspaces", json={"slug": slug, "name": name or slug})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def real_rows(source: str, data_dir: Path, count: int) -> list[dict[str, Any]]:
    """The first `count` readable rows of a real data set, in the normalised format."""
    rows = [item.data for item in islice(read_source(source, data_dir), count)]
    return [row for row in rows if row is not None]


def assert_error_shape(body: dict[str, Any], code: str) -> list[dict[str, str]]:
    """The body is the stable error shape with `code`; its details."""
    assert set(body) >= {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    for detail in error["details"]:
        assert set(detail) == {"field", "message"}
    details: list[dict[str, str]] = error["details"]
    return details


TWO_AGENTS_TEAMS = """\
version: 1
teams:
  - name: Care
    lanes: [Customer Service, Marketing/PR]
agents:
  - name: Ana
    email: ana@example.com
    teams: [Care]
    languages: {en: 5}
    capacity: {twitter: 1}
  - name: Ben
    email: ben@example.com
    teams: [Care]
    languages: {en: 5}
    capacity: {twitter: 1}
"""
"""One team in both lanes, two English-speaking agents with one X/Twitter slot each."""


def two_agents(client: TestClient, slug: str = "acme") -> dict[str, int]:
    """Workspace `slug` with `TWO_AGENTS_TEAMS`; its agents' ids by name (all offline)."""
    create_workspace(client, slug, slug.title())
    routing = client.put(
        f"/api/v1/workspaces/{slug}/routing",
        content=TWO_AGENTS_TEAMS,
        headers={"content-type": "text/yaml"},
    )
    assert routing.status_code == 200, routing.text
    return {agent["name"]: agent["id"] for agent in routing.json()["agents"]}
