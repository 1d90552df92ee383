"""The live stream over real HTTP (uvicorn on a loopback port), on SQLite and PostgreSQL:
events as they commit, filtered to what the reader sees, reconnecting with Last-Event-ID,
and the walls of workspace and sign-in."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import select

from carelane.accounts.service import do_open_session
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.models import UserAccount
from carelane.web.auth import SESSION_COOKIE
from carelane.web.dependencies import utc_now
from tests.functional.api.conftest import LIFETIME
from tests.functional.browser.conftest import ANA, MARKETING, SUPERVISOR, WORKSPACE, Site, serve

LIVE = f"/api/v1/workspaces/{WORKSPACE}/live"
WAIT_SECONDS = 20.0


def _session_cookie(site: Site, email: str) -> str:
    engine = create_database_engine(site.settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            user_id = session.scalar(select(UserAccount.id).where(UserAccount.email == email))
            assert user_id is not None
            return do_open_session(
                session=session, user_id=user_id, lifetime=LIFETIME, now=utc_now()
            ).token
    finally:
        engine.dispose()


class Stream:
    """A live stream read in a thread: each message as (id, event, data)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str | None, str, dict[str, Any]]] = []
        self.arrived = threading.Condition()

    def wait_for(self, event: str, **data: Any) -> tuple[str | None, str, dict[str, Any]]:
        """The first message of `event` whose data holds `data`; fails after a while."""

        def found() -> tuple[str | None, str, dict[str, Any]] | None:
            return next(
                (
                    m
                    for m in self.messages
                    if m[1] == event and all(m[2].get(k) == v for k, v in data.items())
                ),
                None,
            )

        with self.arrived:
            self.arrived.wait_for(lambda: found() is not None, timeout=WAIT_SECONDS)
            message = found()
        assert message is not None, f"no {event} {data} in {self.messages}"
        return message

    def kinds(self) -> list[str]:
        with self.arrived:
            return [m[1] for m in self.messages]


@contextmanager
def live(site: Site, email: str, last_event_id: str | None = None) -> Iterator[Stream]:
    stream = Stream()
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    client = httpx.Client(
        base_url=site.base_url,
        cookies={SESSION_COOKIE: _session_cookie(site, email)},
        timeout=httpx.Timeout(WAIT_SECONDS, read=None),
    )
    stop = threading.Event()

    def read() -> None:
        try:
            with client.stream("GET", LIVE, headers=headers) as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                event_id, event = None, "message"
                for line in response.iter_lines():
                    if stop.is_set():
                        return
                    if line.startswith("id: "):
                        event_id = line[4:]
                    elif line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        with stream.arrived:
                            stream.messages.append((event_id, event, json.loads(line[6:])))
                            stream.arrived.notify_all()
                        event_id, event = None, "message"
        except httpx.HTTPError:
            return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        stream.wait_for("ready")
        yield stream
    finally:
        stop.set()
        client.close()
        reader.join(timeout=5)


def test_a_supervisor_hears_a_new_conversation_as_it_commits(site: Site) -> None:
    with live(site, SUPERVISOR[0]) as stream:
        ready = stream.wait_for("ready")[2]
        assert ready["server_time"]
        result = site.post_tweet(f"stream-{site.backend}-1", "stream_one", "@united lost my bag")
        event_id, _, data = stream.wait_for(
            "conversation.opened", conversation_id=result["conversation_id"]
        )
        assert event_id is not None
        assert data["type"] == "conversation.opened"
        assert data["occurred_at"]


def test_an_agent_hears_only_what_concerns_their_own_conversations(site: Site) -> None:
    routing = site.ingest.get(f"/api/v1/workspaces/{WORKSPACE}/routing").json()
    ana = next(a["id"] for a in routing["agents"] if a["email"] == ANA)
    with live(site, ANA) as stream, live(site, SUPERVISOR[0]) as everything:
        other = site.post_tweet(f"stream-{site.backend}-2", "stream_two", "@united my flight?")
        everything.wait_for("conversation.opened", conversation_id=other["conversation_id"])
        mine = site.post_tweet(f"stream-{site.backend}-3", "stream_three", "@united help me")
        assigned = site.ingest.post(
            f"/api/v1/workspaces/{WORKSPACE}/conversations/{mine['conversation_id']}/takeover",
            json={"agent_id": ana, "reason": "she knows this customer"},
        )
        if assigned.status_code == 409:  # nobody held it: assign it instead
            assigned = site.ingest.post(
                f"/api/v1/workspaces/{WORKSPACE}/conversations/{mine['conversation_id']}/assignment",
                json={"agent_id": ana},
            )
        assert assigned.status_code == 200, assigned.text
        given = stream.wait_for("conversation.assigned", conversation_id=mine["conversation_id"])
        assert given[2]["agent_id"] == ana
        resolved = site.ingest.post(
            f"/api/v1/workspaces/{WORKSPACE}/conversations/{mine['conversation_id']}/status",
            json={"status": "resolved"},
        )
        assert resolved.status_code == 200, resolved.text
        stream.wait_for("conversation.status_changed", conversation_id=mine["conversation_id"])
        seen = [m[2].get("conversation_id") for m in stream.messages if m[1] != "ready"]
        assert other["conversation_id"] not in seen
        assert set(seen) == {mine["conversation_id"]}


def test_reconnecting_with_the_last_event_id_gets_what_was_missed(site: Site) -> None:
    with live(site, SUPERVISOR[0]) as stream:
        first = site.post_tweet(f"stream-{site.backend}-4", "stream_four", "@united hello?")
        last_seen = stream.wait_for(
            "conversation.opened", conversation_id=first["conversation_id"]
        )[0]
    missed = site.post_tweet(f"stream-{site.backend}-5", "stream_five", "@united anyone?")
    with live(site, SUPERVISOR[0], last_event_id=last_seen) as again:
        again.wait_for("conversation.opened", conversation_id=missed["conversation_id"])
        assert "resync" not in again.kinds()
    with live(site, SUPERVISOR[0], last_event_id="another-process-7") as stale:
        stale.wait_for("resync")


def test_a_change_made_through_one_web_process_reaches_a_stream_of_another(site: Site) -> None:
    """Two apps on one database, each with its own feed, as two web processes have: on
    PostgreSQL only the NOTIFY carries the event from one to the other."""
    server, thread, other_url = serve(site.settings)
    try:
        elsewhere = Site(site.backend, other_url, site.settings, site.ingest)
        with live(elsewhere, SUPERVISOR[0]) as stream:
            result = site.post_tweet(f"stream-{site.backend}-6", "stream_six", "@united hi")
            stream.wait_for("conversation.opened", conversation_id=result["conversation_id"])
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def test_the_stream_keeps_out_strangers(site: Site) -> None:
    anonymous = httpx.get(site.url(LIVE), timeout=WAIT_SECONDS)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_signed_in"
    cookies = {SESSION_COOKIE: _session_cookie(site, ANA)}
    other = httpx.get(
        site.url("/api/v1/workspaces/nowhere/live"), cookies=cookies, timeout=WAIT_SECONDS
    )
    assert other.status_code == 404


def test_the_marketing_team_hears_the_marketing_lane_only(site: Site) -> None:
    with live(site, MARKETING[0]) as stream:
        support = site.post_tweet(
            f"lanes-{site.backend}-1", "lanes_one", "@united lost my bag at the carousel"
        )
        crisis = site.post_tweet(
            f"lanes-{site.backend}-2", "lanes_two", "@united your website is down, I can't check in"
        )
        stream.wait_for("conversation.opened", conversation_id=crisis["conversation_id"])
        # events arrive in commit order: the earlier one was left out, not late
        heard = {m[2].get("conversation_id") for m in stream.messages}
        assert support["conversation_id"] not in heard
    lanes = {
        result["conversation_id"]: site.ingest.get(
            f"/api/v1/workspaces/{WORKSPACE}/conversations/{result['conversation_id']}"
        ).json()["lane"]
        for result in (support, crisis)
    }
    assert lanes == {
        support["conversation_id"]: "Customer Service",
        crisis["conversation_id"]: "Marketing/PR",
    }
