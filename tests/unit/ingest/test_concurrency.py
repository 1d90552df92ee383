"""Concurrent ingesters on one database: every post once, one active conversation each.

Each worker has its own engine and sessions, as separate processes would, and ingests the
same real posts in its own order at the same time.
"""

import random
import threading
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.domain.posts import NormalisedPost
from carelane.ingest.readers import SOURCES
from carelane.ingest.results import ItemResult, ItemStatus
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.models import Author, Conversation, Event, Message, Post

WORKERS = 4
POSTS = 2000
BATCH = 200


def _real_posts(source: str, data_dir: Path, now: datetime) -> list[NormalisedPost]:
    posts = []
    for item in SOURCES[source].read(data_dir / SOURCES[source].file_name):
        if item.data is None:
            continue
        post = validate_post(item.data, now=now, max_clock_skew=timedelta(minutes=5))
        if isinstance(post, NormalisedPost):
            posts.append(post)
        if len(posts) == POSTS:
            return posts
    raise AssertionError("not enough posts in the data set")


def _ingest_all(
    *,
    database_url: str,
    posts: list[NormalisedPost],
    seed: int,
    now: datetime,
    start: threading.Barrier,
    results: list[ItemResult],
    failures: list[BaseException],
) -> None:
    engine = create_database_engine(database_url)
    sessions = create_session_factory(engine)
    order = list(enumerate(posts))
    random.Random(seed).shuffle(order)
    try:
        start.wait()
        for first in range(0, len(order), BATCH):
            chunk = [PostToStore(index, post) for index, post in order[first : first + BATCH]]
            with sessions() as session:
                results.extend(
                    do_ingest_posts(session=session, posts=chunk, now=now, create_workspaces=True)
                )
    except BaseException as error:  # reported to the test, which fails on it
        failures.append(error)
    finally:
        engine.dispose()


@pytest.mark.parametrize("source", ["spotify", "airline"])
def test_concurrent_ingesters_store_each_post_once(
    source: str, database_url: str, session: Session, data_dir: Path, now: datetime
) -> None:
    # Spotify: one busy channel; airline: six workspaces created by whoever comes first.
    posts = _real_posts(source, data_dir, now)
    start = threading.Barrier(WORKERS)
    results: list[ItemResult] = []
    failures: list[BaseException] = []
    workers = [
        threading.Thread(
            target=_ingest_all,
            kwargs={
                "database_url": database_url,
                "posts": posts,
                "seed": seed,
                "now": now,
                "start": start,
                "results": results,
                "failures": failures,
            },
        )
        for seed in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    statuses = Counter(r.status for r in results)
    assert statuses == {ItemStatus.CREATED: POSTS, ItemStatus.DUPLICATE: POSTS * (WORKERS - 1)}
    post_ids = {r.index: r.post_id for r in results if r.status is ItemStatus.CREATED}
    assert all(post_ids[r.index] == r.post_id for r in results)  # duplicates point at it

    count = func.count()
    assert session.scalar(select(count).select_from(Post)) == POSTS
    assert session.scalar(select(count).select_from(Message)) == POSTS
    assert session.scalar(select(func.count(func.distinct(Message.post_id)))) == POSTS
    authors = {(p.workspace, p.author.handle) for p in posts}
    workspaces = {p.workspace for p in posts}
    assert session.scalar(select(count).select_from(Author)) == len(authors)

    # Every customer here writes inbound posts only: one conversation each, still active.
    per_author = session.execute(
        select(
            Conversation.channel_id, Conversation.author_id, Conversation.status, count
        ).group_by(Conversation.channel_id, Conversation.author_id, Conversation.status)
    ).all()
    assert len(per_author) == len(authors)
    assert all(n == 1 and status in ("new", "open") for _, _, status, n in per_author)

    # Each conversation's counters agree with its messages.
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.message_count,
            Conversation.last_message_at,
            func.count(Message.id),
            func.max(Message.created_at),
        )
        .join(Message, Message.conversation_id == Conversation.id)
        .group_by(Conversation.id)
    ).all()
    for conversation_id, message_count, last_message_at, messages, latest in rows:
        assert message_count == messages, conversation_id
        assert last_message_at == latest.replace(tzinfo=last_message_at.tzinfo), conversation_id

    events = Counter(session.scalars(select(Event.type)).all())
    assert events["post.received"] == POSTS
    assert events["conversation.opened"] == len(authors)
    assert events["workspace.created"] == len(workspaces)
    assert events["channel.created"] == len(workspaces)
