"""Replaying a data set at its original pace, compressed by a speed factor.

Pure timing: which items are due when, measured on an injectable monotonic clock, with an
injectable sleep, so that the schedule can be checked without waiting for it.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from carelane.ingest.readers.base import RawItem

MonotonicClock = Callable[[], float]
Sleep = Callable[[float], None]

AS_FAST_AS_POSSIBLE = "max"


def parse_speed(text: str) -> float | None:
    """The speed factor `text` names: a positive number (60 = one hour of posts per
    minute), or None for "max" (as fast as possible). ValueError for anything else."""
    if text.strip().lower() == AS_FAST_AS_POSSIBLE:
        return None
    try:
        speed = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is neither a number nor {AS_FAST_AS_POSSIBLE!r}") from None
    if not speed > 0 or speed == float("inf"):
        raise ValueError(f"must be a positive number or {AS_FAST_AS_POSSIBLE!r}, not {text!r}")
    return speed


def _known_time(item: RawItem) -> datetime | None:
    """The item's original time when it is usable for ordering (zone-aware)."""
    at = item.at
    if at is None or at.utcoffset() is None:
        return None
    return at


def order_by_time(items: Iterable[RawItem]) -> list[RawItem]:
    """`items` in order of their original time; items of equal time keep their input order,
    and items without a usable time (they will be rejected) come last, so that a slice
    of the first posts holds posts."""
    timed: list[tuple[datetime, int, RawItem]] = []
    untimed: list[RawItem] = []
    for position, item in enumerate(items):
        at = _known_time(item)
        if at is None:
            untimed.append(item)
        else:
            timed.append((at, position, item))
    timed.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in timed] + untimed


def replay_schedule(items: Iterable[RawItem], *, speed: float) -> Iterator[tuple[float, RawItem]]:
    """(seconds after the start when it is due, item) for items in time order.

    The first timed item is due at once; each later one when its original distance from
    the first has passed, divided by `speed`. An item without a usable time is due with
    the item before it. Offsets never go backwards, even for input out of order.
    """
    origin: datetime | None = None
    due = 0.0
    for item in items:
        at = _known_time(item)
        if at is not None:
            if origin is None:
                origin = at
            due = max(due, (at - origin) / timedelta(seconds=1) / speed)
        yield due, item


def _chunks(items: Iterable[RawItem], size: int) -> Iterator[list[RawItem]]:
    chunk: list[RawItem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def paced_batches(
    items: Iterable[RawItem],
    *,
    speed: float | None,
    batch_size: int,
    clock: MonotonicClock = time.monotonic,
    sleep: Sleep = time.sleep,
) -> Iterator[list[RawItem]]:
    """`items` (in time order) in batches released when they fall due.

    Each batch holds whatever is due when it is released, up to `batch_size`; while the
    next item is not yet due the generator sleeps. Time spent by the consumer on a batch
    counts: if it falls behind, the next batches are bigger, not later. `speed` None
    releases everything at once in full batches.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if speed is None:
        yield from _chunks(items, batch_size)
        return
    start = clock()
    batch: list[RawItem] = []
    for due, item in replay_schedule(items, speed=speed):
        if due > clock() - start:
            if batch:
                yield batch
                batch = []
            wait = due - (clock() - start)
            if wait > 0:
                sleep(wait)
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch
