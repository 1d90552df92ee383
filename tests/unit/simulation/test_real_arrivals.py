"""The simulation over a slice of the real airline tweets."""

from datetime import timedelta
from itertools import islice, pairwise
from pathlib import Path

import pytest

from carelane.domain.channels import Network
from carelane.ingest.readers.sources import read_source
from carelane.routing.config_file import example_team_config
from carelane.simulation.arrivals import Arrivals, arrivals_from_items, source_names
from carelane.simulation.distributions import ByNetwork, Distribution, Family
from carelane.simulation.engine import SimulationSetup, simulate
from carelane.simulation.report import report
from carelane.simulation.staffing import simulated_agents
from carelane.sla.config_file import shipped_service_levels

ROWS = 600


@pytest.fixture(scope="module")
def arrivals(data_dir: Path) -> Arrivals:
    return arrivals_from_items("airline", islice(read_source("airline", data_dir), ROWS))


def test_actionable_inbound_posts_become_contacts_in_arrival_order(arrivals: Arrivals) -> None:
    contacts = arrivals.contacts
    assert arrivals.rows == ROWS
    assert len(contacts) + arrivals.not_actionable + arrivals.rejected == ROWS
    assert 0 < arrivals.not_actionable < ROWS / 2
    assert [c.id for c in contacts] == list(range(1, len(contacts) + 1))
    assert all(a.arrived_at <= b.arrived_at for a, b in pairwise(contacts))
    assert {c.network for c in contacts} == {Network.TWITTER}
    assert {c.lane for c in contacts} <= {"Customer Service", "Marketing/PR"}
    assert all(c.arrived_at.utcoffset() == timedelta(0) for c in contacts)


def test_source_names() -> None:
    assert source_names("all") == ("airline", "spotify", "conversations")
    with pytest.raises(ValueError, match="no data set 'airlines'"):
        source_names("airlines")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_more_agents_never_make_attainment_or_abandonment_worse(
    arrivals: Arrivals, seed: int
) -> None:
    config = example_team_config()
    totals = []
    for count in range(1, 8):
        setup = SimulationSetup(
            agents=simulated_agents(config, count),
            routing=config,
            service_levels=shipped_service_levels(),
            handle_time=ByNetwork(Distribution(Family.LOGNORMAL, timedelta(minutes=30))),
            patience=ByNetwork(Distribution(Family.EXPONENTIAL, timedelta(minutes=30))),
            seed=seed,
        )
        totals.append(report(simulate(arrivals.contacts, setup), timedelta(hours=1)).total)
    attainment = [t.attainment for t in totals]
    abandonment = [t.abandonment for t in totals]
    assert attainment == sorted(attainment)
    assert abandonment == sorted(abandonment, reverse=True)
    assert attainment[-1] > attainment[0]  # the slice loads one agent enough to tell
