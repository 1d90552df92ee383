"""Rows inserted and updated in bulk are stored exactly as through Core."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from carelane.store.bulk_writes import insert_rows, update_rows
from carelane.store.database import unit_of_work
from carelane.store.models import Author, Event, Workspace

workspace_t = cast(Table, Workspace.__table__)
event_t = cast(Table, Event.__table__)
author_t = cast(Table, Author.__table__)

PAYLOADS: list[dict[str, Any] | None] = [
    {"text": "emoji 😀 &amp; “quotes”", "nested": {"n": [1, 2.5, None, True]}},
    None,
    {},
]


def _events(workspace_id: int, first_id: int, at: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": first_id + i,
            "workspace_id": workspace_id,
            "type": "post.received",
            "occurred_at": at + timedelta(minutes=i),
            "recorded_at": at,
            "conversation_id": None,
            "post_id": None,
            "agent_id": None,
            "data": data,
        }
        for i, data in enumerate(PAYLOADS)
    ]


def _stored(session: Session, ids: range) -> list[tuple[Any, ...]]:
    rows = session.execute(
        select(event_t.c.type, event_t.c.occurred_at, event_t.c.recorded_at, event_t.c.data)
        .where(event_t.c.id.in_(list(ids)))
        .order_by(event_t.c.id)
    )
    return [tuple(row) for row in rows]


def test_bulk_rows_read_back_as_core_rows(session: Session, now: datetime) -> None:
    other_zone = now.astimezone(timezone(timedelta(hours=5, minutes=30)))
    with unit_of_work(session):
        workspace_id = session.execute(
            insert(workspace_t).returning(workspace_t.c.id),
            [{"slug": "bulk", "name": "Bulk", "created_at": now}],
        ).scalar_one()
        session.execute(insert(event_t), _events(workspace_id, 1_000, other_zone))
        insert_rows(session, event_t, _events(workspace_id, 2_000, other_zone))
    core, bulk = _stored(session, range(1_000, 1_003)), _stored(session, range(2_000, 2_003))
    assert bulk == core
    assert [row[3] for row in bulk] == PAYLOADS
    assert bulk[0][1] == now
    assert bulk[0][1].tzinfo is UTC


def test_rows_naming_other_columns_and_python_defaults_are_stored(
    session: Session, now: datetime
) -> None:
    with unit_of_work(session):
        workspace_id = session.execute(
            insert(workspace_t).returning(workspace_t.c.id),
            [{"slug": "mixed", "name": "Mixed", "created_at": now}],
        ).scalar_one()
        seen = {"workspace_id": workspace_id, "network": "twitter", "first_seen_at": now}
        insert_rows(
            session,
            author_t,
            [  # `verified` has a Python-side default: these go through Core
                {**seen, "handle": "a", "last_seen_at": now},
                {**seen, "handle": "b", "last_seen_at": now, "verified": True},
                {**seen, "handle": "c", "last_seen_at": now, "followers": 7, "verified": False},
            ],
        )
        insert_rows(session, author_t, [])
    stored = session.execute(
        select(author_t.c.handle, author_t.c.verified, author_t.c.followers)
        .where(author_t.c.workspace_id == workspace_id)
        .order_by(author_t.c.handle)
    ).all()
    assert [tuple(row) for row in stored] == [
        ("a", False, None),
        ("b", True, None),
        ("c", False, 7),
    ]


def test_bulk_updates_set_each_row_by_its_key_and_touch_no_other(
    session: Session, now: datetime
) -> None:
    with unit_of_work(session):
        workspace_id = session.execute(
            insert(workspace_t).returning(workspace_t.c.id),
            [{"slug": "upd", "name": "Upd", "created_at": now}],
        ).scalar_one()
        seen = {"workspace_id": workspace_id, "network": "twitter", "first_seen_at": now}
        ids = (
            session.execute(
                insert(author_t).returning(author_t.c.id),
                [{**seen, "handle": h, "last_seen_at": now, "verified": False} for h in "abc"],
            )
            .scalars()
            .all()
        )
        later = now.astimezone(timezone(timedelta(hours=-5))) + timedelta(hours=1)
        update_rows(
            session,
            author_t,
            "id",
            [
                {"id": ids[0], "followers": 10, "last_seen_at": later},
                {"id": ids[2], "followers": None, "last_seen_at": later},
            ],
        )
        update_rows(session, author_t, "id", [])
    stored = session.execute(
        select(author_t.c.handle, author_t.c.followers, author_t.c.last_seen_at)
        .where(author_t.c.workspace_id == workspace_id)
        .order_by(author_t.c.handle)
    ).all()
    assert [tuple(row) for row in stored] == [
        ("a", 10, now + timedelta(hours=1)),
        ("b", None, now),
        ("c", None, now + timedelta(hours=1)),
    ]
