"""Page benchmark: how long the inbox and conversation pages take to render on the server
with 10,000 open conversations, and how long an assignment takes to reach a browser's
live stream, on SQLite and on PostgreSQL.

Each backend gets a fresh database with one workspace of `--agents` agents (20, all
available) and `--conversations` customers' tweets (10,000: the real texts of the airline
and Spotify data sets, each from its own customer, in the last two hours), posted through
the ingest pipeline as `POST /api/v1/posts` runs it (triage, push on arrival). Measured:

  (a) the inbox of a supervisor (the whole workspace, most urgent first) and of an agent
      (their own), and the conversation page of random conversations: `--requests`
      (200) GETs each through the app, each timed alone: median, p95, p99;
  (b) the app served by uvicorn on a loopback port, a client reading the workspace's live
      stream as a supervisor; `--assignments` (100) conversations assigned one at a time
      through `do_assign`: the time from the assignment's commit to its
      `conversation.assigned` event read by the client: median, p95, p99, slowest.

Targets: pages under 200 ms; a live update under 1 s after the assignment. Figures are
printed; nothing about time is asserted. Run with `make bench`, or
`python benchmarks/pages.py`.
"""

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvicorn
from argon2 import profiles
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from carelane.accounts.passwords import Passwords
from carelane.accounts.roles import Role
from carelane.accounts.service import SessionLifetime, do_add_user, do_open_session
from carelane.assignments.rehearsal import rehearsal_teams_file
from carelane.assignments.service import do_assign, do_set_agent_state
from carelane.config import Settings
from carelane.domain.conversations import ACTIVE_STATUSES
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.sources import read_source
from carelane.posts.service import do_receive_posts
from carelane.routing.agents import AgentState
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.migrate import upgrade_database
from carelane.store.models import Agent, Conversation
from carelane.web.app import create_app
from carelane.web.auth import SESSION_COOKIE
from carelane.workspaces.service import do_create_workspace
from carelane.workspaces.teams import do_set_teams

POSTGRES_SERVER = os.environ.get("CARELANE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATA_DIR = Path(os.environ.get("CARELANE_DATA_DIR", Path(__file__).parents[2] / "shared/data"))
DATABASE = "carelane_bench_pages"
WORKSPACE = "bench"
LIFETIME = SessionLifetime(idle=timedelta(hours=2), longest=timedelta(hours=8))
LIVE_AGENT = b"""\
  - name: Live Agent
    email: live.agent@example.com
    teams: [Care]
    languages: {en: 5}
    capacity: {twitter: 100}
"""
"""The agent the live benchmark assigns to: offline while the tweets arrive, so that it
has room for every assignment."""


def real_texts(count: int) -> list[str]:
    texts: list[str] = []
    for source in ("airline", "spotify"):
        for item in read_source(source, DATA_DIR):
            if item.data is not None and item.data.get("direction", "inbound") == "inbound":
                texts.append(item.data["text"])
            if len(texts) == count:
                return texts
    return (texts * (count // max(1, len(texts)) + 1))[:count]


def seed(url: str, *, agents: int, conversations: int) -> tuple[int, int]:
    """The workspace, its agents (available) and its conversations; (workspace id, the
    first agent's id)."""
    engine = create_database_engine(url)
    upgrade_database(engine)
    sessions = create_session_factory(engine)
    now = datetime.now(UTC)
    try:
        with sessions() as session:
            workspace_id = do_create_workspace(
                session=session, slug=WORKSPACE, name="Bench", now=now
            ).id
            do_set_teams(
                session=session,
                slug=WORKSPACE,
                teams_file=rehearsal_teams_file(agents, 25) + LIVE_AGENT,
                now=now,
            )
            agent_ids = list(
                session.scalars(
                    select(Agent.id).where(Agent.workspace_id == workspace_id).order_by(Agent.id)
                )
            )
            live_agent = agent_ids.pop()
            for agent_id in agent_ids:
                do_set_agent_state(
                    session=session,
                    workspace_id=workspace_id,
                    agent_id=agent_id,
                    state=AgentState.AVAILABLE,
                    now=now,
                )
        start = now - timedelta(hours=2)
        items = [
            RawItem(
                where=f"tweet {index}",
                data={
                    "workspace": WORKSPACE,
                    "network": "twitter",
                    "channel": "BenchHelp",
                    "external_id": str(index),
                    "author": {"handle": f"customer{index}", "followers": index % 50_000},
                    "text": text,
                    "created_at": (start + timedelta(milliseconds=index * 700)).isoformat(),
                },
            )
            for index, text in enumerate(real_texts(conversations))
        ]
        do_receive_posts(
            sessions=sessions,
            items=items,
            settings=Settings(database_url=url, data_dir=DATA_DIR),
            clock=lambda: datetime.now(UTC),
        )
        with sessions() as session:
            open_count = session.scalar(
                select(func.count())
                .select_from(Conversation)
                .where(
                    Conversation.workspace_id == workspace_id,
                    Conversation.status.in_([s.value for s in ACTIVE_STATUSES]),
                )
            )
        print(f"  {open_count:,} open conversations, {len(agent_ids) + 1} agents")
        if url.startswith("postgresql"):
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return workspace_id, live_agent


def signed_in(url: str, email: str, role: Role) -> tuple[str, str]:
    """A user of the workspace (an agent's email links them to that agent): (session
    token, CSRF token)."""
    engine = create_database_engine(url)
    try:
        with create_session_factory(engine)() as session:
            user = do_add_user(
                session=session,
                email=email,
                display_name=email.split("@", maxsplit=1)[0],
                role=role,
                password="a long enough password",
                passwords=Passwords(profiles.CHEAPEST),
                now=datetime.now(UTC),
                workspaces=[WORKSPACE],
            )
            opened = do_open_session(
                session=session, user_id=user.id, lifetime=LIFETIME, now=datetime.now(UTC)
            )
    finally:
        engine.dispose()
    return opened.token, opened.csrf_token


def percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return (
        f"median {statistics.median(ms):7.1f} ms, p95 {cuts[94]:7.1f} ms, "
        f"p99 {cuts[98]:7.1f} ms, slowest {ms[-1]:7.1f} ms"
    )


def time_pages(url: str, requests: int) -> None:
    supervisor = signed_in(url, "supervisor@example.com", Role.SUPERVISOR)
    agent = signed_in(url, "agent0@example.com", Role.AGENT)
    app = create_app(Settings(database_url=url, data_dir=DATA_DIR))
    with TestClient(app) as client:
        engine = app.state.engine
        with create_session_factory(engine)() as session:
            ids = list(session.scalars(select(Conversation.id)))
        rng = random.Random(7)
        pages = {
            "inbox (supervisor, whole workspace)": (supervisor, lambda: f"/w/{WORKSPACE}/inbox"),
            "inbox (agent, their own)": (agent, lambda: f"/w/{WORKSPACE}/inbox"),
            "conversation page": (
                agent,
                lambda: f"/w/{WORKSPACE}/conversations/{rng.choice(ids)}",
            ),
        }
        for name, (who, path) in pages.items():
            client.cookies.set(SESSION_COOKIE, who[0])
            seconds = []
            for number in range(requests + 3):
                start = time.perf_counter()
                response = client.get(path())
                took = time.perf_counter() - start
                assert response.status_code == 200, response.text[:300]
                if number >= 3:  # the first ones warm the caches
                    seconds.append(took)
            print(f"  {name:<38} {percentiles(seconds)}")


def time_live_updates(url: str, workspace_id: int, agent_id: int, assignments: int) -> None:
    supervisor = signed_in(url, "live@example.com", Role.SUPERVISOR)
    app = create_app(Settings(database_url=url, data_dir=DATA_DIR))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", ws="none", timeout_graceful_shutdown=1)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    arrived: dict[int, float] = {}
    ready = threading.Event()

    def read_stream() -> None:
        with (
            httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                cookies={SESSION_COOKIE: supervisor[0]},
                timeout=None,
            ) as client,
            client.stream("GET", f"/api/v1/workspaces/{WORKSPACE}/live") as stream,
        ):
            kind = ""
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    if kind == "ready":
                        ready.set()
                    elif kind == "conversation.assigned":
                        data: dict[str, Any] = json.loads(line[6:])
                        arrived.setdefault(data["conversation_id"], time.perf_counter())
                        if len(arrived) >= assignments:
                            return

    reader = threading.Thread(target=read_stream, daemon=True)
    reader.start()
    ready.wait(30)
    engine = create_database_engine(url)
    committed: dict[int, float] = {}
    try:
        with create_session_factory(engine)() as session:
            waiting = list(
                session.scalars(
                    select(Conversation.id)
                    .where(
                        Conversation.workspace_id == workspace_id,
                        Conversation.assignee_id.is_(None),
                        Conversation.status.in_(["new", "open"]),
                    )
                    .order_by(Conversation.id)
                    .limit(assignments)
                )
            )
            for conversation_id in waiting:
                do_assign(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    agent_id=agent_id,
                    now=datetime.now(UTC),
                )
                committed[conversation_id] = time.perf_counter()
                time.sleep(0.02)
        reader.join(timeout=30)
    finally:
        engine.dispose()
        server.should_exit = True
        thread.join(timeout=10)
    latencies = [arrived[c] - committed[c] for c in committed if c in arrived]
    missing = len(committed) - len(latencies)
    print(
        f"  assignment -> live event, {len(latencies)} of {len(committed)} "
        f"{percentiles(latencies)}" + (f"; {missing} never arrived" if missing else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--assignments", type=int, default=100, help="at most 100")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(
        f"carelane page benchmark: {args.conversations:,} conversations of real tweets, "
        f"{args.agents} agents, {args.requests} requests per page"
    )
    folder = Path(tempfile.mkdtemp(prefix="carelane-bench-pages-"))
    try:
        for backend in ("sqlite", "postgresql"):
            if args.backend not in (backend, "both"):
                continue
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'pages.db'}"
            else:
                with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
                    admin.execute(f'CREATE DATABASE "{DATABASE}"')
                server = POSTGRES_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
                url = f"{server}/{DATABASE}"
            print(f"{backend}:")
            workspace_id, agent_id = seed(url, agents=args.agents, conversations=args.conversations)
            time_pages(url, args.requests)
            time_live_updates(url, workspace_id, agent_id, args.assignments)
            if backend == "postgresql":
                with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
