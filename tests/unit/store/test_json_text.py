"""JSON columns are written by orjson, and what it refuses by json: the same values back."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from carelane.store.database import create_database_engine
from carelane.store.json_text import json_text
from carelane.store.types import Json

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),  # lone surrogates included: orjson refuses them
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text() | st.integers(), children, max_size=4)
    ),
    max_leaves=12,
)


@given(values)
def test_any_json_value_reads_back_as_json_dumps_would_have_it(value: Any) -> None:
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))


def test_plain_values_are_written_compactly_in_utf8() -> None:
    assert (
        json_text({"text": "déjà vu", "scores": [0.5, 1]}) == '{"text":"déjà vu","scores":[0.5,1]}'
    )


def test_what_orjson_refuses_is_written_by_json() -> None:
    assert json_text({"text": "\udcff"}) == '{"text": "\\udcff"}'
    assert json_text({1: 2}) == '{"1": 2}'
    assert json_text(2**70) == str(2**70)


@dataclass
class _Point:
    x: int


@pytest.mark.parametrize("value", [datetime(2026, 1, 1, tzinfo=UTC), _Point(1), {1, 2}])
def test_what_json_has_no_form_for_is_refused(value: Any) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_text(value)


def test_json_columns_round_trip_through_the_engine(tmp_path: Any) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'json.db'}")
    table = Table("docs", MetaData(), Column("id", Integer, primary_key=True), Column("doc", Json))
    table.metadata.create_all(engine)
    docs = [{"text": "déjà vu", "n": [1, 2.5, None]}, {"bad": "\udcff"}, {"1": {"2": True}}]
    with engine.begin() as connection:
        connection.execute(insert(table), [{"doc": doc} for doc in docs])
        stored = connection.execute(select(table.c.doc).order_by(table.c.id)).scalars().all()
    engine.dispose()
    assert stored == docs
