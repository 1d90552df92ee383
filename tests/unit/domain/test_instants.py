"""Instants are taken aware and given in UTC."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from carelane.domain.instants import utc_instant


def test_an_aware_instant_comes_back_in_utc() -> None:
    paris = datetime(2026, 3, 29, 3, 30, tzinfo=timezone(timedelta(hours=2)))
    assert utc_instant(paris) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert utc_instant(paris).tzinfo is UTC


def test_a_naive_datetime_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="now 2026-03-29T03:30:00 has no time zone"):
        utc_instant(datetime(2026, 3, 29, 3, 30), "now")  # noqa: DTZ001 - the naive one refused
