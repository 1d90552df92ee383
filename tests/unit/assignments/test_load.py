"""Assignments under load on PostgreSQL: 200 agents pulling and being pushed 10,000
conversations at once by worker processes, each with its own engine and session, while
the same workers also dispatch batches of the queue.
Afterwards the rows and the event log agree: every conversation held by exactly one agent,
none lost, no agent past its capacity.

PostgreSQL only (SQLite's one writer at a time cannot collide): runs on the server the
suite uses, never skipped.
"""

import multiprocessing
import random
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select

from carelane.assignments.dispatch import do_dispatch_waiting
from carelane.assignments.next_conversation import do_next_conversation
from carelane.assignments.rehearsal import stage_rehearsal
from carelane.assignments.service import do_assign
from carelane.domain.errors import ConflictError
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.models import Conversation, Event

AGENTS = 200
CONVERSATIONS = 10_000
CAPACITY = CONVERSATIONS // AGENTS  # exactly enough slots: every conversation must be held
WORKERS = 4
PUSHED_SHARE = 0.2
DISPATCHES = 40
DISPATCH_BATCH = 50
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _work(url: str, workspace_id: int, work: list[tuple[str, int]]) -> Counter[str]:
    """One worker process: its own engine and session, its share of pushes, pulls and
    dispatches; the conflicts it met, by code (a push of a conversation a pull took
    meanwhile, say)."""
    engine = create_database_engine(url)
    conflicts = Counter[str]()
    try:
        with create_session_factory(engine)() as session:
            for kind, ident in work:
                try:
                    if kind == "push":
                        do_assign(
                            session=session,
                            workspace_id=workspace_id,
                            conversation_id=ident,
                            now=NOW,
                        )
                    elif kind == "dispatch":
                        do_dispatch_waiting(
                            session=session, workspace_id=workspace_id, now=NOW, limit=ident
                        )
                    else:
                        do_next_conversation(
                            session=session, workspace_id=workspace_id, agent_id=ident, now=NOW
                        )
                except ConflictError as error:
                    conflicts[error.code] += 1
    finally:
        engine.dispose()
    return conflicts


def test_no_double_assignment_no_loss_no_capacity_exceeded(
    pg_engine: Engine, postgres_url: str
) -> None:
    sessions = create_session_factory(pg_engine)
    with sessions() as session:
        rehearsal = stage_rehearsal(
            session=session, agents=AGENTS, waiting=CONVERSATIONS, capacity=CAPACITY, now=NOW
        )
    workspace_id, agents = rehearsal.workspace_id, rehearsal.agent_ids
    conversations = rehearsal.conversation_ids
    assert len(conversations) == CONVERSATIONS
    shuffled = random.Random(7)
    pushed = shuffled.sample(conversations, int(CONVERSATIONS * PUSHED_SHARE))
    work: list[tuple[str, int]] = [("push", c) for c in pushed]
    work += [("pull", a) for a in agents for _ in range(CAPACITY)]
    work += [("dispatch", DISPATCH_BATCH)] * DISPATCHES
    shuffled.shuffle(work)
    shares = [work[index::WORKERS] for index in range(WORKERS)]

    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_work, [postgres_url] * WORKERS, [workspace_id] * WORKERS, shares))
    conflicts = sum(results, Counter[str]())

    with sessions() as session:
        # Pulls by agents left with room take what pushes could not place.
        for agent_id in agents:
            do_next_conversation(
                session=session, workspace_id=workspace_id, agent_id=agent_id, now=NOW
            )
        held = dict(
            session.execute(
                select(Conversation.id, Conversation.assignee_id).where(
                    Conversation.workspace_id == workspace_id
                )
            ).all()
        )
        assigned = session.execute(
            select(Event.conversation_id, Event.agent_id).where(
                Event.type == "conversation.assigned"
            )
        ).all()
    assert len(held) == CONVERSATIONS
    assert [c for c, agent in held.items() if agent is None] == []  # none lost
    per_conversation = Counter(conversation for conversation, _ in assigned)
    assert max(per_conversation.values()) == 1  # never assigned twice
    assert len(per_conversation) == CONVERSATIONS
    assert all(held[conversation] == agent for conversation, agent in assigned)
    per_agent = Counter(held.values())
    assert max(per_agent.values()) <= CAPACITY  # no capacity exceeded
    assert sum(per_agent.values()) == CONVERSATIONS
    assert set(conflicts) <= {"capacity_exceeded", "conversation_held"}
    with sessions() as session:
        per_agent_rows = session.execute(
            select(Conversation.assignee_id, func.count()).group_by(Conversation.assignee_id)
        ).all()
    assert all(count <= CAPACITY for _, count in per_agent_rows)
