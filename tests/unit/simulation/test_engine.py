"""The simulation engine on scenarios whose every figure is worked out by hand."""

import math
from dataclasses import replace
from datetime import timedelta

import pytest

from carelane.domain.channels import Network
from carelane.simulation.distributions import ByNetwork, Distribution, Family
from carelane.simulation.engine import replay, simulate
from carelane.simulation.report import report
from carelane.simulation.staffing import StaffingPlan, StaffingPlanError
from carelane.sla.config_file import load_service_levels
from tests.unit.simulation.scenarios import agent, at, contact, fixed, setup

HOUR = timedelta(hours=1)
OFFICE_HOURS = """
version: 1
calendars:
  - {name: office, time_zone: UTC, hours: {mon-fri: "11:00-17:00"}}
policies:
  - {name: All, calendar: office, first_response: 30m, next_response: 30m}
"""


def minutes(span: timedelta | None) -> float:
    assert span is not None
    return span.total_seconds() / 60


def test_one_agent_answers_three_arrivals_in_turn() -> None:
    # One slot, 12 minutes each: taken at 0, 12, 24; answered at 12, 24, 36; arrivals at
    # 0, 1, 2, so first responses take 12, 23 and 34 minutes and the last misses 30.
    contacts = [contact(1, 0), contact(2, 1), contact(3, 2)]
    result = simulate(contacts, setup([agent("Ana")], handle=fixed(12)))
    assert [minutes(o.first_response) for o in result.outcomes] == [12, 23, 34]
    assert [o.taken_at for o in result.outcomes] == [at(0), at(12), at(24)]
    assert [o.met for o in result.outcomes] == [True, True, False]
    assert [o.due_at for o in result.outcomes] == [at(30), at(31), at(32)]
    figures = report(result, HOUR)
    (row,) = figures.intervals
    assert (row.arrivals, row.answered, row.abandoned, row.met) == (3, 3, 0, 2)
    assert row.attainment == pytest.approx(2 / 3)
    assert minutes(row.average_first_response) == 23
    assert minutes(row.p90_first_response) == 34  # nearest rank: the 3rd of 3
    assert minutes(row.busy) == 36
    assert row.on_duty == HOUR
    assert row.occupancy == pytest.approx(0.6)
    assert figures.total == replace(row, start=None)


def test_concurrent_slots_answer_in_parallel() -> None:
    contacts = [contact(1, 0), contact(2, 1), contact(3, 2)]
    result = simulate(contacts, setup([agent("Ana", capacity=3)], handle=fixed(12)))
    assert [minutes(o.first_response) for o in result.outcomes] == [12, 12, 12]
    assert minutes(report(result, HOUR).total.busy) == 14  # holding something 10:00-10:14


def test_busy_time_is_split_across_intervals() -> None:
    result = simulate([contact(1, 50)], setup([agent("Ana")], handle=fixed(20)))
    first, second = report(result, HOUR).intervals
    assert (minutes(first.busy), minutes(second.busy)) == (10, 10)
    assert (first.arrivals, second.arrivals) == (1, 0)
    assert first.occupancy == pytest.approx(10 / 60)


def test_contacts_wait_when_no_slot_is_free_and_the_most_urgent_goes_first() -> None:
    contacts = [contact(1, 0), contact(2, 1, priority=10), contact(3, 2, priority=90)]
    result = simulate(contacts, setup([agent("Ana")], handle=fixed(5)))
    assert [o.taken_at for o in result.outcomes] == [at(0), at(10), at(5)]


def test_patience_of_zero_abandons_every_contact_not_taken_on_arrival() -> None:
    contacts = [contact(1, 0), contact(2, 1), contact(3, 2)]
    result = simulate(contacts, setup([agent("Ana")], handle=fixed(5), patience=fixed(0)))
    assert [o.answered_at for o in result.outcomes] == [at(5), None, None]
    assert [o.abandoned_at for o in result.outcomes] == [None, at(1), at(2)]
    total = report(result, HOUR).total
    assert (total.answered, total.abandoned, total.met) == (1, 2, 1)
    assert total.abandonment == pytest.approx(2 / 3)
    assert total.attainment == pytest.approx(1 / 3)


def test_a_customer_taken_as_their_patience_ends_is_answered() -> None:
    contacts = [contact(1, 0), contact(2, 0)]
    result = replay(contacts, setup([agent("Ana")]), [300, 300], [math.inf, 300])
    assert [o.answered_at for o in result.outcomes] == [at(5), at(10)]


def test_nobody_on_duty_leaves_contacts_waiting_until_the_plan_staffs() -> None:
    plan = StaffingPlan(((at(30), 1), (at(45), 0)))
    contacts = [contact(1, 0), contact(2, 1)]
    result = simulate(contacts, setup([agent("Ana")], handle=fixed(10), plan=plan))
    # on at 10:30; off at 10:45 but finishes the second contact, taken at 10:40, at 10:50
    assert [o.taken_at for o in result.outcomes] == [at(30), at(40)]
    assert [o.met for o in result.outcomes] == [False, False]
    (row,) = report(result, HOUR).intervals
    assert minutes(row.on_duty) == 20  # 10:30 until the second answer at 10:50
    assert minutes(row.busy) == 20


def test_a_contact_nobody_can_take_stays_waiting() -> None:
    spanish = replace(contact(1, 0), language="es")
    result = simulate([spanish], setup([replace(agent("Ana"), capacity={Network.FACEBOOK: 1})]))
    (outcome,) = result.outcomes
    assert (outcome.taken_at, outcome.abandoned_at) == (None, None)
    assert report(result, HOUR).total.waiting == 1


def test_overflow_lets_an_agent_without_the_language_take_it() -> None:
    spanish = replace(contact(1, 0), language="es")
    result = simulate([spanish], setup([agent("Ana")]))
    (outcome,) = result.outcomes
    assert outcome.taken_at == at(15)  # the lane's default overflow wait
    assert outcome.by_overflow


def test_the_deadline_counts_business_hours_only() -> None:
    levels = load_service_levels(OFFICE_HOURS)
    result = simulate([contact(1, 0)], setup([agent("Ana")], handle=fixed(50), levels=levels))
    (outcome,) = result.outcomes
    assert outcome.due_at == at(90)  # opens 11:00, 30 business minutes later
    assert outcome.met


def test_the_same_seed_gives_the_same_run_and_another_seed_another() -> None:
    contacts = [contact(n, n * 0.5) for n in range(1, 60)]
    handle = ByNetwork(Distribution(Family.LOGNORMAL, timedelta(minutes=6)))
    patience = ByNetwork(Distribution(Family.EXPONENTIAL, timedelta(minutes=10)))
    agents = [agent("Ana", 2), agent("Ben", 2)]
    runs = [
        simulate(contacts, setup(agents, handle=handle, patience=patience, seed=seed))
        for seed in (7, 7, 8)
    ]
    assert runs[0] == runs[1]
    assert runs[0].outcomes != runs[2].outcomes


def test_refuses_a_plan_beyond_its_agents_and_endless_handling() -> None:
    with pytest.raises(StaffingPlanError, match="raise --agents to 2"):
        simulate([contact(1, 0)], setup([agent("Ana")], plan=StaffingPlan.constant(2)))
    with pytest.raises(ValueError, match="finite"):
        replay([contact(1, 0)], setup([agent("Ana")]), [math.inf], [0])
