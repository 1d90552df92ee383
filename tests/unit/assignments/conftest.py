"""A PostgreSQL engine for the tests of assignments at once, with the rows emptied after."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from carelane.store.database import create_database_engine
from carelane.store.models import Base

POOL = 6


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_database_engine(postgres_url, pool_size=POOL)
    yield engine
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
