"""Intervals of a run's report: alignment, quiet intervals, on-duty time."""

from datetime import timedelta

from carelane.simulation.engine import simulate
from carelane.simulation.report import report
from tests.unit.simulation.scenarios import agent, at, contact, fixed, setup


def test_quiet_intervals_are_left_out_of_the_table_and_the_on_duty_time() -> None:
    result = simulate([contact(1, 0), contact(2, 210)], setup([agent("Ana")], handle=fixed(6)))
    figures = report(result, timedelta(hours=1))
    assert [row.start for row in figures.intervals] == [at(0), at(180)]
    assert figures.quiet_intervals == 2
    assert figures.total.on_duty == timedelta(hours=2)
    assert figures.total.busy == timedelta(minutes=12)


def test_intervals_are_aligned_on_utc_whatever_the_first_arrival() -> None:
    result = simulate([contact(1, 7), contact(2, 22)], setup([agent("Ana")]))
    figures = report(result, timedelta(minutes=15))
    assert [row.start for row in figures.intervals] == [at(0), at(15)]
    assert [row.arrivals for row in figures.intervals] == [1, 1]
    assert figures.intervals[0].on_duty == timedelta(minutes=15)
