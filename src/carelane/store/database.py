"""Engines, sessions and transactions for SQLite (embedded default) and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from carelane.store.json_text import json_text

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_TRANSACTION = {"carelane_write": True}
"""Execution options for a transaction that will write: on SQLite it takes the write lock
up front (BEGIN IMMEDIATE), so concurrent writers queue instead of failing mid-way."""


def create_database_engine(database_url: str, **engine_options: Any) -> Engine:
    """An engine for `database_url`; on SQLite also creates the file's folder and sets WAL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            json_serializer=json_text,
            **engine_options,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=json_text, **engine_options)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("carelane_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """One transaction for one state change: commit if the block succeeds, else roll back.

    Starts a write transaction when none is open, so that on SQLite the write lock is
    held from the first statement.
    """
    if not session.in_transaction():
        session.connection(execution_options=WRITE_TRANSACTION)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
