"""Cursors round-trip, and anything else is a clear error on the `cursor` field."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.domain.errors import InvalidInputError
from carelane.posts.paging import Cursor, check_page_size, check_window, contains_pattern


@given(
    st.datetimes(timezones=st.just(UTC)),
    st.integers(min_value=0, max_value=2**63 - 1),
)
def test_cursor_round_trips(at: datetime, row_id: int) -> None:
    assert Cursor.decode(Cursor(at, row_id).encode()) == Cursor(at, row_id)


def test_cursor_keeps_the_instant_of_other_zones() -> None:
    at = datetime(2015, 2, 16, 23, 36, tzinfo=timezone(timedelta(hours=-8)))
    assert Cursor.decode(Cursor(at, 7).encode()).at == at


@pytest.mark.parametrize("value", ["", "garbage!", "W10", "WyJ4IiwgMV0", "WyIyMDE1LTAyLTE2IiwgMV0"])
def test_foreign_cursors_are_invalid_input(value: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        Cursor.decode(value)
    assert raised.value.errors[0].field == "cursor"


def test_page_size_and_window_rules() -> None:
    check_page_size(1)
    check_page_size(500)
    for bad in (0, 501):
        with pytest.raises(InvalidInputError):
            check_page_size(bad)
    t = datetime(2026, 1, 1, tzinfo=UTC)
    check_window(t, t + timedelta(1))
    with pytest.raises(InvalidInputError):
        check_window(t + timedelta(1), t)
    with pytest.raises(InvalidInputError):
        check_window(t.replace(tzinfo=None), None)


def test_contains_pattern_escapes_wildcards() -> None:
    assert contains_pattern("100%_a\\b") == "%100\\%\\_a\\\\b%"
