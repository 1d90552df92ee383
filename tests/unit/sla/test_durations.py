"""Durations as admins write service-level targets: `30m`, `4h`, `1d 2h`, `90s`."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.sla.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("30m", timedelta(minutes=30)),
        ("4h", timedelta(hours=4)),
        ("1d 2h", timedelta(days=1, hours=2)),
        ("90s", timedelta(seconds=90)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 2D 3H 4M 5S ", timedelta(days=2, hours=3, minutes=4, seconds=5)),
        ("0s", timedelta()),
    ],
)
def test_durations_are_read(text: str, duration: timedelta) -> None:
    assert parse_duration(text) == duration


@pytest.mark.parametrize(
    "text", ["", "30", "m", "30 minutes", "1.5h", "2h 1d", "1h 1h", "-5m", "٣m"]
)
def test_other_texts_are_not_durations(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration; write it like 30m, 4h, 1d 2h or 90s"):
        parse_duration(text)


def test_a_duration_beyond_any_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="'9999999999d' is too long a duration"):
        parse_duration("9999999999d")


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(minutes=30), "30m"),
        (timedelta(days=1, hours=2), "1d 2h"),
        (timedelta(seconds=90), "1m 30s"),
        (timedelta(), "0s"),
        (timedelta(seconds=1, microseconds=999_999), "1s"),
    ],
)
def test_durations_are_written(duration: timedelta, text: str) -> None:
    assert format_duration(duration) == text


def test_a_negative_duration_is_not_written() -> None:
    with pytest.raises(ValueError, match="is negative"):
        format_duration(timedelta(seconds=-1))


@given(st.timedeltas(min_value=timedelta(), max_value=timedelta(days=10_000)))
def test_a_written_duration_reads_back_to_its_whole_seconds(duration: timedelta) -> None:
    assert parse_duration(format_duration(duration)) == duration - timedelta(
        microseconds=duration.microseconds
    )
