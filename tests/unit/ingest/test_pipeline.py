"""The stages over batches: bad items are rejected, the good ones of the batch stored."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.errors import FieldError
from carelane.ingest.pipeline import (
    Batch,
    batches,
    ingest_stages,
    numbered_batches,
    run_pipeline,
)
from carelane.ingest.readers.base import RawItem
from carelane.ingest.results import ItemResult, ItemStatus
from carelane.store.models import Conversation, Event, Message, Post
from tests.conftest import at
from tests.helpers import post_data


def _run(
    sessions: sessionmaker[Session], now: datetime, items: list[dict[str, Any]], size: int = 100
) -> list[ItemResult]:
    stages = ingest_stages(
        sessions, clock=lambda: now, max_clock_skew=timedelta(minutes=5), create_workspaces=True
    )
    raw = [RawItem(f"test:{n}", item) for n, item in enumerate(items)]
    done: list[Batch] = list(run_pipeline(stages, batches(raw, size)))
    return [result for batch in done for result in batch.results()]


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"text": "NUL \x00 here"}, "raw.text"),
        ({"user": {"bio": "lone \ud800"}}, "raw.user.bio"),
        ({"nul\x00key": "x"}, "raw"),
        ({"score": float("nan")}, "raw.score"),
    ],
)
def test_raw_the_database_cannot_store_is_rejected_and_the_rest_stored(
    sessions: sessionmaker[Session], now: datetime, raw: dict[str, Any], field: str
) -> None:
    results = _run(
        sessions,
        now,
        [
            post_data("1", created_at=at(0), author="ana", raw={"id": "1"}),
            post_data("2", created_at=at(1), author="bo", raw=raw),
            post_data("3", created_at=at(2), author="cy", raw={"text": "ok\tfine 😀"}),
        ],
    )
    assert [r.status for r in results] == [
        ItemStatus.CREATED,
        ItemStatus.REJECTED,
        ItemStatus.CREATED,
    ]
    assert [e.field for e in results[1].errors] == [field]
    with sessions() as session:
        assert sorted(session.scalars(select(Post.external_id))) == ["1", "3"]
        assert session.scalar(select(Post.raw).where(Post.external_id == "3")) == {
            "text": "ok\tfine 😀"
        }
        assert _count(session, Conversation) == 2


def test_every_bad_item_rejected_with_its_field_and_good_ones_stored(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    items = [
        post_data("1", created_at=at(0)),
        post_data("2", created_at=at(1), network="myspace"),
        post_data("3", created_at=at(2), text=""),
        post_data("4", created_at=at(3), text="x" * 70_000),
        post_data("5", created_at=at(4), text="bell\x07"),
        post_data("6", created_at=at(5)) | {"created_at": "2026-11-01T11:05:00"},
        post_data("7", created_at=now + timedelta(days=1)),
        post_data("8", created_at=at(6), author="ana", mood="angry"),
        post_data("9", created_at=at(7), author={"handle": "x"}) | {"author": 5},
        post_data("10", created_at=at(8), text="multi\nline &amp; 😀"),
        post_data("1", created_at=at(0)),  # the same row again
    ]
    results = _run(sessions, now, items, size=4)
    assert [r.index for r in results] == list(range(len(items)))
    by_index = {r.index: r for r in results}
    fields = {i: [e.field for e in r.errors] for i, r in by_index.items() if r.errors}
    assert fields == {
        1: ["network"],
        2: ["text"],
        3: ["text"],
        4: ["text"],
        5: ["created_at"],
        6: ["created_at"],
        7: ["mood"],
        8: ["author"],
    }
    assert by_index[0].status is ItemStatus.CREATED
    assert by_index[9].status is ItemStatus.CREATED
    assert by_index[10].status is ItemStatus.DUPLICATE
    assert by_index[10].post_id == by_index[0].post_id
    with sessions() as session:
        assert _count(session, Post) == 2
        assert _count(session, Message) == 2
        assert session.scalar(select(Post.text).where(Post.external_id == "10")) == (
            "multi\nline &amp; 😀"
        )
        assert _count(session, Event) >= 2


def test_reader_errors_pass_through_as_rejections(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    stages = ingest_stages(
        sessions, clock=lambda: now, max_clock_skew=timedelta(minutes=5), create_workspaces=True
    )
    raw = [
        RawItem(
            "f.csv:2", None, errors=(FieldError("row", "has more fields than the header's 3"),)
        ),
        RawItem("f.csv:3", post_data("1", created_at=at(0))),
    ]
    (batch,) = run_pipeline(stages, batches(raw, 10))
    first, second = batch.results()
    assert first.status is ItemStatus.REJECTED
    assert first.errors == [FieldError("row", "has more fields than the header's 3")]
    assert second.status is ItemStatus.CREATED


def test_batches_number_items_across_batches() -> None:
    raw = [RawItem(str(n), {}) for n in range(7)]
    cut = list(batches(raw, 3))
    assert [[i.index for i in b.items] for b in cut] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [i.item for b in cut for i in b.items] == raw


def test_numbered_batches_keep_uneven_chunks_and_number_across_them() -> None:
    raw = [RawItem(str(n), {}) for n in range(5)]
    cut = list(numbered_batches([raw[:1], raw[1:4], raw[4:]]))
    assert [[i.index for i in b.items] for b in cut] == [[0], [1, 2, 3], [4]]


def test_stored_posts_are_settled_before_triage_and_new_ones_triaged(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    first = _run(
        sessions, now, [post_data("1", created_at=at(1)), post_data("2", created_at=at(2))]
    )
    stages = ingest_stages(
        sessions, clock=lambda: now, max_clock_skew=timedelta(minutes=5), create_workspaces=True
    )
    validate, known, triage = stages[0], stages[1], stages[2]
    raw = [
        RawItem("again:0", post_data("2", created_at=at(2))),
        RawItem("again:1", post_data("3", created_at=at(3))),
    ]
    (batch,) = list(batches(raw, 10))
    batch = triage(known(validate(batch)))
    stored, new = batch.items
    assert stored.result == ItemResult(0, ItemStatus.DUPLICATE, post_id=first[1].post_id)
    assert stored.triage is None  # no work spent on a post stored already
    assert new.result is None
    assert new.triage is not None
    with sessions() as session:
        assert _count(session, Post) == 2
