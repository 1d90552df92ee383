"""The browser tests: the real app served by uvicorn on a free loopback port, on a fresh
SQLite file and a fresh PostgreSQL database, seeded with real airline tweets and the demo
accounts; Debian's Chromium driven headless by Playwright at 1366x768."""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from carelane.accounts.roles import Role
from carelane.accounts.service import do_open_session
from carelane.cli.users import add_demo_accounts
from carelane.config import Settings
from carelane.responses.shipped import shipped_canned_responses
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.migrate import upgrade_database
from carelane.web.app import create_app
from carelane.web.auth import CSRF_HEADER, SESSION_COOKIE
from carelane.web.dependencies import utc_now
from tests.conftest import POSTGRES_SERVER
from tests.functional.api.conftest import LIFETIME, add_user, real_rows

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).parents[3] / "test-artifacts" / "screenshots"
WORKSPACE = "united"
SUPERVISOR = ("supervisor@demo.carelane.dev", "demo-supervisor")
AGENT_PASSWORD = "demo-agent-pass"
MARKETING = ("grace.lee@example.com", "demo-marketing")
"""The demo's Marketing/PR member: she sees the Marketing/PR lane only."""
ANA, BEN, CHLOE = "ana.ruiz@example.com", "ben.okafor@example.com", "chloe.martin@example.com"
TRAINEE = CHLOE
"""Every reply of hers waits for a supervisor's approval."""
ON_PROBATION = BEN
"""His replies go out at once and wait for a quality review."""
SEED_POSTS = 60
TIMEOUT_MS = 10_000
# Assertions wait as long as actions do: on a shared two-core machine a request that
# writes (a reply sent and recorded) can take several seconds under load.
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class Site:
    """A running carelane with its data: where it answers and how to feed it."""

    backend: str
    base_url: str
    settings: Settings
    ingest: httpx.Client
    """Signed in as an admin of every workspace, with the session's CSRF token."""

    def url(self, path: str) -> str:
        return self.base_url + path

    def post_tweet(self, external_id: str, handle: str, text: str) -> dict[str, Any]:
        """A customer's new tweet to the workspace, through the API; its result."""
        response = self.ingest.post(
            "/api/v1/posts",
            json=[
                {
                    "workspace": WORKSPACE,
                    "network": "twitter",
                    "channel": "united",
                    "external_id": external_id,
                    "author": {"handle": handle, "followers": 1200},
                    "text": text,
                    "created_at": datetime.now(UTC).isoformat(),
                }
            ],
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()["results"][0]
        return result


def _recent(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The real rows moved to the last two hours, in their own order and spacing."""
    times = [datetime.fromisoformat(row["created_at"]) for row in rows]
    first, last = min(times), max(times)
    span = (last - first).total_seconds() or 1.0
    end = datetime.now(UTC) - timedelta(minutes=1)
    moved = []
    for row, at in zip(rows, times, strict=True):
        offset = (last - at).total_seconds() / span * 7200
        moved.append(row | {"created_at": (end - timedelta(seconds=offset)).isoformat()})
    return moved


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
    """The app of `settings` served on a free loopback port: (server, its thread, URL)."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    app = create_app(settings)
    app.state.live_keepalive_seconds = 2.0
    config = uvicorn.Config(
        app, log_level="warning", ws="none", lifespan="on", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start in 30 s"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _admin_client(settings: Settings, base_url: str) -> httpx.Client:
    admin = add_user(settings, "admin@carelane.test", Role.ADMIN, all_workspaces=True)
    engine = create_database_engine(settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            opened = do_open_session(
                session=session, user_id=admin, lifetime=LIFETIME, now=utc_now()
            )
    finally:
        engine.dispose()
    client = httpx.Client(base_url=base_url, timeout=30)
    client.cookies.set(SESSION_COOKIE, opened.token)
    client.headers[CSRF_HEADER] = opened.csrf_token
    return client


def _seed(site: Site, data_dir: Path) -> None:
    rows = [r for r in real_rows("airline", data_dir, 3000) if r["workspace"] == WORKSPACE]
    created = site.ingest.post("/api/v1/workspaces", json={"slug": WORKSPACE, "name": "United"})
    assert created.status_code == 201, created.text
    response = site.ingest.post("/api/v1/posts", json=_recent(rows[:SEED_POSTS]))
    assert response.status_code in (201, 422), response.text
    add_demo_accounts(site.settings)
    for canned in shipped_canned_responses("airline"):
        made = site.ingest.post(
            f"/api/v1/workspaces/{WORKSPACE}/canned-responses", json=canned.model_dump(mode="json")
        )
        assert made.status_code == 201, made.text
    routing = site.ingest.get(f"/api/v1/workspaces/{WORKSPACE}/routing").json()
    chloe = next(agent["id"] for agent in routing["agents"] if agent["email"] == TRAINEE)
    trainee = site.ingest.put(
        f"/api/v1/workspaces/{WORKSPACE}/agents/{chloe}/certification",
        json={"level": "trainee", "note": "first week"},
    )
    assert trainee.status_code == 200, trainee.text
    ben = next(agent["id"] for agent in routing["agents"] if agent["email"] == ON_PROBATION)
    probation = site.ingest.put(
        f"/api/v1/workspaces/{WORKSPACE}/agents/{ben}/certification",
        json={"level": "probation", "note": "second week"},
    )
    assert probation.status_code == 200, probation.text


def _database(backend: str, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "carelane.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    name = f"carelane_browser_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES_SERVER.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    engine = create_database_engine(url)
    upgrade_database(engine)
    engine.dispose()
    yield url
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    data_dir: Path,
) -> Iterator[Site]:
    """carelane serving a fresh database of the backend, seeded with real tweets."""
    backend: str = request.param
    databases = _database(backend, tmp_path_factory.mktemp("site"), sqlite_template)
    database_url = next(databases)
    settings = Settings(database_url=database_url, data_dir=data_dir)
    server, thread, base_url = serve(settings)
    ingest = _admin_client(settings, base_url)
    site = Site(backend=backend, base_url=base_url, settings=settings, ingest=ingest)
    try:
        _seed(site, data_dir)
        yield site
    finally:
        ingest.close()
        server.should_exit = True
        thread.join(timeout=15)
        for _ in databases:
            pass


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright for one module: it runs an event loop of its own in this thread, which
    must not outlive the browser tests."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; never a browser of Playwright's own download."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, site: Site, email: str, password: str, next_path: str = "/") -> None:
    """Sign in through the form, as a person would."""
    page.goto(site.url(f"/signin?next={next_path}"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    if next_path.startswith("/w/"):
        script_ready(page)


def script_ready(page: Page) -> None:
    """Wait until the page's own script has started (its handlers are in place)."""
    expect(page.locator("body")).to_have_attribute("data-script", "ready")
    if page.locator("#composer").count():
        expect(page.locator("#composer")).to_have_attribute("data-script", "ready")


def screenshot(page: Page, site: Site, name: str) -> Path:
    """Save what the page shows as a test artefact; its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{site.backend}-{name}.png"
    page.screenshot(path=path, full_page=False)
    return path
