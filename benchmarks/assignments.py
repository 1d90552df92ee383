"""Assignment service benchmark on PostgreSQL: push decisions per second and "next
conversation" latency, through the service and its row locks, as the API runs them.

A fresh database of its own holds one workspace with `--agents` agents (200), all
available, with room for every conversation, and `--waiting` conversations (10,000)
waiting, stored through the ingest before any timing. Measured, each call timed alone:

  (a) push: `do_assign` (best agent now) for `--pushes` conversations (2,000), spread over
      `--workers` processes (1 and 4) each with its own engine: decisions per second over
      the whole run, and p50, p99 and the slowest call;
  (b) pull: `do_next_conversation` for every agent, `--rounds` times (3), over the same
      workers: the same figures;
  (c) dispatch: `do_dispatch_waiting` in batches of `--batch` (200) by one process, on a
      database of its own, until the queue is empty or nobody has a free slot: decisions
      per second over the whole run, and p50, p99 and the slowest batch, per batch and
      per decision (a batch's time over the decisions it made).

Each worker process of (a) and (b) is started, and reads the roster once (the kept
roster frame built, its connection opened: a read, no decision), before its calls are
timed, so that the figures show decisions, not processes starting up; decisions per
second count from the first worker's first timed call to the last one's last.

Figures are printed; nothing about time is asserted. Targets: >= 1,000 decisions/s and
p99 < 50 ms for "next conversation" with 200 agents on PostgreSQL.
Run with `make bench`, or `python benchmarks/assignments.py`.
"""

import argparse
import multiprocessing
import os
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing.managers import BarrierProxy

import psycopg

from carelane.assignments.agent_reads import roster_agents
from carelane.assignments.dispatch import do_dispatch_waiting
from carelane.assignments.next_conversation import do_next_conversation
from carelane.assignments.rehearsal import Rehearsal, stage_rehearsal
from carelane.assignments.roster_store import RosterFrame
from carelane.assignments.service import do_assign
from carelane.domain.errors import ConflictError
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.migrate import upgrade_database

POSTGRES_SERVER = os.environ.get("CARELANE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "carelane_bench_assignments"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def fresh_database() -> str:
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    return POSTGRES_SERVER.replace("postgresql://", "postgresql+psycopg://", 1) + f"/{DATABASE}"


def seed(url: str, agents: int, waiting: int) -> Rehearsal:
    """The workspace, its agents (all available, with room for every conversation) and
    its waiting conversations; the planner's statistics brought up to date, as
    autovacuum would soon after such a bulk load."""
    engine = create_database_engine(url)
    upgrade_database(engine)
    try:
        with create_session_factory(engine)() as session:
            rehearsal = stage_rehearsal(
                session=session,
                agents=agents,
                waiting=waiting,
                capacity=waiting // agents + 1,
                now=NOW,
            )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return rehearsal


def started(everyone: BarrierProxy) -> int:
    """Hold a worker process until every worker has started (their imports done)."""
    everyone.wait()
    return os.getpid()


def work(
    url: str, workspace_id: int, kind: str, idents: Sequence[int]
) -> tuple[list[float], float, float]:
    """One worker process: each call of its share timed alone, in seconds, after an
    untimed read of the roster; and when its first timed call began and its last ended."""
    engine = create_database_engine(url)
    seconds = []
    try:
        with create_session_factory(engine)() as session:
            frame = RosterFrame.of(session, workspace_id)  # warm-up: built and kept
            roster_agents(session.connection(), frame)
            session.rollback()
            began = time.perf_counter()
            for ident in idents:
                start = time.perf_counter()
                try:
                    if kind == "push":
                        do_assign(
                            session=session,
                            workspace_id=workspace_id,
                            conversation_id=ident,
                            now=NOW,
                        )
                    else:
                        do_next_conversation(
                            session=session, workspace_id=workspace_id, agent_id=ident, now=NOW
                        )
                except ConflictError:
                    pass  # held meanwhile by another worker's pull: still a decision
                seconds.append(time.perf_counter() - start)
            ended = time.perf_counter()
    finally:
        engine.dispose()
    return seconds, began, ended


def run(url: str, workspace_id: int, kind: str, idents: list[int], workers: int) -> str:
    shares = [idents[index::workers] for index in range(workers)]
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(workers, mp_context=context) as pool:
        everyone = manager.Barrier(workers)
        pids = set(pool.map(started, [everyone] * workers))  # every worker started
        assert len(pids) == workers
        results = list(
            pool.map(work, [url] * workers, [workspace_id] * workers, [kind] * workers, shares)
        )
    # perf_counter is the system's monotonic clock: one timeline for every process here
    elapsed = max(ended for _, _, ended in results) - min(began for _, began, _ in results)
    calls = sorted(second for seconds, _, _ in results for second in seconds)
    p99 = calls[min(len(calls) - 1, int(len(calls) * 0.99))]
    return (
        f"{len(calls) / elapsed:>8,.0f} decisions/s  p50 {statistics.median(calls) * 1e3:6.2f} ms"
        f"  p99 {p99 * 1e3:6.2f} ms  max {calls[-1] * 1e3:7.2f} ms  ({len(calls):,} calls)"
    )


def dispatch(url: str, workspace_id: int, batch: int) -> str:
    """Batches dispatched one after another, each timed alone, until one assigns nothing."""
    engine = create_database_engine(url)
    batches: list[tuple[float, int]] = []
    try:
        with create_session_factory(engine)() as session:
            start = time.perf_counter()
            while True:
                began = time.perf_counter()
                done = do_dispatch_waiting(
                    session=session, workspace_id=workspace_id, now=NOW, limit=batch
                )
                if not done.assigned:
                    break
                batches.append((time.perf_counter() - began, done.assigned))
            elapsed = time.perf_counter() - start
    finally:
        engine.dispose()
    decisions = sum(assigned for _, assigned in batches)
    per_batch = sorted(seconds for seconds, _ in batches)
    per_decision = sorted(seconds / assigned for seconds, assigned in batches)

    def p99(values: list[float]) -> float:
        return values[min(len(values) - 1, int(len(values) * 0.99))]

    return (
        f"{decisions / elapsed:>8,.0f} decisions/s  batch size {batch}: "
        f"per batch p50 {statistics.median(per_batch) * 1e3:6.2f} ms  "
        f"p99 {p99(per_batch) * 1e3:6.2f} ms  max {per_batch[-1] * 1e3:7.2f} ms; "
        f"per decision p50 {statistics.median(per_decision) * 1e3:5.2f} ms  "
        f"p99 {p99(per_decision) * 1e3:5.2f} ms  ({decisions:,} decisions, "
        f"{len(batches)} batches)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--pushes", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default="1,4")
    parser.add_argument("--batch", type=int, default=200)
    options = parser.parse_args()

    print(
        f"carelane assignment service on PostgreSQL: {options.agents} agents, "
        f"{options.waiting:,} waiting conversations"
    )
    for workers in [int(w) for w in options.workers.split(",")]:
        url = fresh_database()
        started = time.perf_counter()
        rehearsal = seed(url, options.agents, options.waiting)
        workspace_id = rehearsal.workspace_id
        agents, conversations = rehearsal.agent_ids, rehearsal.conversation_ids
        print(f"  {workers} worker(s): seeded in {time.perf_counter() - started:.1f} s (untimed)")
        pushes = conversations[: options.pushes]
        pulls = [agent for _ in range(options.rounds) for agent in agents]
        print(f"    (a) push  {run(url, workspace_id, 'push', pushes, workers)}")
        print(f"    (b) pull  {run(url, workspace_id, 'pull', pulls, workers)}")
    url = fresh_database()
    started = time.perf_counter()
    rehearsal = seed(url, options.agents, options.waiting)
    print(f"  1 dispatcher: seeded in {time.perf_counter() - started:.1f} s (untimed)")
    print(f"    (c) dispatch  {dispatch(url, rehearsal.workspace_id, options.batch)}")
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    print("targets: >= 1,000 decisions/s; next conversation p99 < 50 ms (200 agents)")


if __name__ == "__main__":
    main()
