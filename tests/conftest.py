"""Shared fixtures: every database test runs on SQLite and on the PostgreSQL server."""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from carelane.config import Settings
from carelane.ingest.readers.sources import read_texts
from carelane.store.database import create_database_engine, create_session_factory
from carelane.store.migrate import upgrade_database
from carelane.store.models import Base

DATA_DIR = Path(os.environ.get("CARELANE_DATA_DIR", Path(__file__).parents[2] / "shared" / "data"))
POSTGRES_SERVER = os.environ.get("CARELANE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
POSTGRES_DATABASE = f"carelane_test_{os.getpid()}"
BACKENDS = ["sqlite", "postgresql"]

# Property tests: a modest number of examples keeps the suite fast, and nothing is written
# into the repository (no example database).
hypothesis_settings.register_profile(
    "carelane",
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
hypothesis_settings.load_profile(os.environ.get("CARELANE_HYPOTHESIS_PROFILE", "carelane"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    assert (DATA_DIR / "airline_tweets.csv").exists(), f"real data sets not found in {DATA_DIR}"
    return DATA_DIR


@pytest.fixture(scope="session")
def real_texts(data_dir: Path) -> list[str]:
    """The text of every post of the real data sets, agents' turns included."""
    return read_texts(data_dir)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies: migrating once keeps tests fast."""
    path = tmp_path_factory.mktemp("template") / "carelane.db"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this test run's own, dropped at the end."""
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}"')
        admin.execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    server = POSTGRES_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
    url = f"{server}/{POSTGRES_DATABASE}"
    engine = create_database_engine(url)
    upgrade_database(engine)
    engine.dispose()
    yield url
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """An empty, migrated database on each backend, private to the test."""
    if request.param == "sqlite":
        path = tmp_path / "carelane.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url
    engine = create_database_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return create_session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=data_dir)


NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    """A fixed 'now' for tests that pass the clock explicitly."""
    return NOW


def at(minutes: int) -> datetime:
    """A moment `minutes` after an hour before NOW: handy for ordering test posts."""
    return NOW - timedelta(hours=1) + timedelta(minutes=minutes)
