"""Ids handed out ahead of inserts never collide with stored rows or with each other."""

from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session, sessionmaker

from carelane.store.database import unit_of_work
from carelane.store.ids import allocate_ids
from carelane.store.models import Workspace

workspace_t = cast(Table, Workspace.__table__)


def test_ids_follow_stored_rows_and_are_usable(session: Session, now: datetime) -> None:
    with unit_of_work(session):
        session.execute(insert(workspace_t), [{"slug": "a", "name": "A", "created_at": now}])
    with unit_of_work(session):
        ids = allocate_ids(session, workspace_t, 3)
        session.execute(
            insert(workspace_t),
            [{"id": i, "slug": f"w{i}", "name": "W", "created_at": now} for i in ids],
        )
    assert len(set(ids)) == 3
    assert min(ids) > 1
    assert allocate_ids(session, workspace_t, 0) == []


def test_two_transactions_in_turn_get_disjoint_ids(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    taken: list[int] = []
    for round_ in range(2):
        with sessions() as session, unit_of_work(session):
            ids = allocate_ids(session, workspace_t, 5)
            session.execute(
                insert(workspace_t),
                [{"id": i, "slug": f"r{round_}-{i}", "name": "W", "created_at": now} for i in ids],
            )
            taken.extend(ids)
    assert len(set(taken)) == 10
