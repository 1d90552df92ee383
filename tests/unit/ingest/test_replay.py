"""Replay timing: which items are released when, on a clock the test drives."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.sources import read_source
from carelane.ingest.replay import order_by_time, paced_batches, parse_speed, replay_schedule

START = datetime(2015, 2, 17, 8, 0, tzinfo=UTC)


def _item(name: str, minutes: float | None) -> RawItem:
    at = None if minutes is None else START + timedelta(minutes=minutes)
    return RawItem(name, {"external_id": name}, at=at)


class ManualClock:
    """A monotonic clock that moves only when slept on or told to."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _names(batches: list[list[RawItem]]) -> list[list[str]]:
    return [[item.where for item in batch] for batch in batches]


@pytest.mark.parametrize(
    ("text", "speed"), [("60", 60.0), ("0.5", 0.5), ("max", None), (" MAX ", None)]
)
def test_parse_speed_accepts_factors_and_max(text: str, speed: float | None) -> None:
    assert parse_speed(text) == speed


@pytest.mark.parametrize("text", ["0", "-3", "fast", "", "nan", "inf"])
def test_parse_speed_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="max"):
        parse_speed(text)


def test_order_by_time_puts_untimed_last_and_keeps_ties_in_input_order() -> None:
    naive = RawItem("naive", {}, at=datetime(2015, 2, 17, 8, 0))  # noqa: DTZ001
    items = [_item("c", 10), _item("a", 0), naive, _item("b1", 5), _item("b2", 5), _item("x", None)]
    assert [i.where for i in order_by_time(items)] == ["a", "b1", "b2", "c", "naive", "x"]


def test_schedule_compresses_original_gaps_by_the_speed() -> None:
    items = [_item("a", 0), _item("b", 1), _item("c", 61), _item("d", 61)]
    schedule = [(due, item.where) for due, item in replay_schedule(items, speed=60)]
    assert schedule == [(0.0, "a"), (1.0, "b"), (61.0, "c"), (61.0, "d")]


def test_schedule_counts_from_the_first_timed_item_and_never_goes_back() -> None:
    items = [_item("x", None), _item("a", 30), _item("late", 10), _item("b", 90)]
    schedule = [(due, item.where) for due, item in replay_schedule(items, speed=2)]
    assert schedule == [(0.0, "x"), (0.0, "a"), (0.0, "late"), (1800.0, "b")]


def test_paced_batches_sleep_until_due_and_group_what_is_due_together() -> None:
    clock = ManualClock()
    items = [_item("a", 0), _item("b", 0), _item("c", 2), _item("d", 3), _item("e", 3)]
    released = []
    for batch in paced_batches(items, speed=60, batch_size=10, clock=clock, sleep=clock.sleep):
        released.append(([item.where for item in batch], clock.now - 100.0))
    assert released == [(["a", "b"], 0.0), (["c"], 2.0), (["d", "e"], 3.0)]
    assert clock.sleeps == [2.0, 1.0]


def test_time_the_consumer_spends_makes_bigger_batches_not_later_ones() -> None:
    clock = ManualClock()
    items = [_item(name, minutes) for name, minutes in [("a", 0), ("b", 1), ("c", 2), ("d", 9)]]
    released = []
    for batch in paced_batches(items, speed=60, batch_size=10, clock=clock, sleep=clock.sleep):
        released.append([item.where for item in batch])
        clock.now += 2.5  # storing the batch takes longer than the gaps of b and c
    assert released == [["a"], ["b", "c"], ["d"]]
    assert clock.sleeps == [pytest.approx(4.0)]


def test_paced_batches_respect_the_batch_size() -> None:
    clock = ManualClock()
    items = [_item(str(n), 0) for n in range(5)] + [_item("later", 60)]
    batches = list(paced_batches(items, speed=3600, batch_size=2, clock=clock, sleep=clock.sleep))
    assert _names(batches) == [["0", "1"], ["2", "3"], ["4"], ["later"]]
    assert clock.sleeps == [1.0]


def test_max_speed_never_sleeps() -> None:
    clock = ManualClock()
    items = [_item(str(n), n * 600) for n in range(7)]
    batches = list(paced_batches(items, speed=None, batch_size=3, clock=clock, sleep=clock.sleep))
    assert _names(batches) == [["0", "1", "2"], ["3", "4", "5"], ["6"]]
    assert clock.sleeps == []


def test_spotify_slice_replayed_at_speed_60_takes_its_span_over_60(data_dir: Path) -> None:
    items = order_by_time(read_source("spotify", data_dir))[:200]
    times = [item.at for item in items if item.at is not None]
    assert times == sorted(times)
    span = (times[-1] - times[0]).total_seconds()
    clock = ManualClock()
    released = [
        item
        for batch in paced_batches(items, speed=60, batch_size=50, clock=clock, sleep=clock.sleep)
        for item in batch
    ]
    assert released == items
    assert clock.now - 100.0 == pytest.approx(span / 60)
