"""UTC instants are stored on SQLite exactly as SQLAlchemy's own DateTime stores them."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.dialects import sqlite

from carelane.store.types import UTCDateTime

DIALECT = sqlite.dialect()
OURS = UTCDateTime().bind_processor(DIALECT)
THEIRS = DateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
instants = st.datetimes(  # hypothesis takes naive bounds and adds the zones itself
    min_value=datetime(1, 1, 2),  # noqa: DTZ001
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.timezones(),
)


@given(instants)
def test_an_instant_is_written_as_sqlalchemy_writes_its_utc_time(value: datetime) -> None:
    assert OURS is not None
    assert THEIRS is not None
    assert OURS(value) == THEIRS(value.astimezone(UTC).replace(tzinfo=None))


def test_a_naive_datetime_is_refused() -> None:
    assert OURS is not None
    with pytest.raises(ValueError, match="naive datetime 2015-02-24T11:35:52"):
        OURS(datetime(2015, 2, 24, 11, 35, 52))  # noqa: DTZ001 - the naive datetime refused


def test_an_instant_written_before_lets_no_naive_one_of_the_same_time_through() -> None:
    assert OURS is not None
    assert OURS(datetime(2015, 2, 24, 11, 35, 52, tzinfo=UTC)) == "2015-02-24 11:35:52.000000"
    eastern = datetime(2015, 2, 24, 6, 35, 52, tzinfo=timezone(timedelta(hours=-5)))
    assert OURS(eastern) == "2015-02-24 11:35:52.000000"
    with pytest.raises(ValueError, match="naive datetime"):
        OURS(datetime(2015, 2, 24, 11, 35, 52))  # noqa: DTZ001 - the naive datetime refused


def test_instants_come_back_as_the_same_aware_utc_instants() -> None:
    engine = create_engine("sqlite://")
    table = Table(
        "times", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime())
    )
    table.metadata.create_all(engine)
    given_times = [
        datetime(2015, 2, 24, 11, 35, 52, 7, tzinfo=UTC),
        datetime(2015, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-8))),
        None,
    ]
    with engine.begin() as connection:
        connection.execute(insert(table), [{"at": at} for at in given_times])
        stored = connection.execute(select(table.c.at).order_by(table.c.id)).scalars().all()
    assert stored == given_times
    assert all(at is None or at.tzinfo is UTC for at in stored)
    assert stored[1] == datetime(2015, 3, 29, 9, 30, tzinfo=UTC)
