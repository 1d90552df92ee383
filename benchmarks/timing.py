"""Timing shared by the benchmarks: the best of several runs, and the machine's speed."""

import time
from collections.abc import Callable


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The shortest time, in seconds, of `repeat` runs of `run`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _additions() -> int:
    total = 0
    for i in range(10_000_000):
        total += i
    return total


def machine_speed() -> str:
    """A line saying how fast this machine runs Python now: the best of 3 runs of a fixed
    loop of ten million additions. The same code's figures move with it from day to day,
    so compare figures measured with similar references."""
    return f"reference: a Python loop of ten million additions takes {best_of(3, _additions):.2f} s"
