"""Simulation benchmark: how fast `carelane simulate` replays every real data set.

The contacts of `all` the data sets (read, validated and triaged before any timing; the
triage's time is printed apart) are run through routing with 20 agents dealt from the
shipped example teams, the default handle time (lognormal, mean 6 min, spread 0.75) and
patience (exponential, mean 2 h), then with 5 agents, where queues form and pull and
abandonment do most of the work. Each rate is the best of `--repeat` runs (3), each
with the same seed. Figures are printed; nothing about time is asserted.
Run with `python benchmarks/simulation.py [--data-dir DIR] [--agents 20]`.
"""

import argparse
import os
import time
from datetime import timedelta
from pathlib import Path

from carelane.routing.config_file import example_team_config
from carelane.simulation.arrivals import read_arrivals
from carelane.simulation.distributions import ByNetwork, Distribution, Family
from carelane.simulation.engine import SimulationResult, SimulationSetup, simulate
from carelane.simulation.report import report
from carelane.simulation.staffing import simulated_agents
from carelane.sla.config_file import shipped_service_levels

DATA_DIR = Path(os.environ.get("CARELANE_DATA_DIR", Path(__file__).parents[2] / "shared" / "data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    started = time.perf_counter()
    arrivals = read_arrivals("all", options.data_dir)
    contacts = arrivals.contacts
    print(
        f"all: {arrivals.rows:,} rows read, validated and triaged in "
        f"{time.perf_counter() - started:.1f} s: {len(contacts):,} contacts"
    )
    config = example_team_config()
    for count in (options.agents, 5):
        setup = SimulationSetup(
            agents=simulated_agents(config, count),
            routing=config,
            service_levels=shipped_service_levels(),
            handle_time=ByNetwork(Distribution(Family.LOGNORMAL, timedelta(minutes=6))),
            patience=ByNetwork(Distribution(Family.EXPONENTIAL, timedelta(hours=2))),
        )
        best = float("inf")
        result: SimulationResult | None = None
        for _ in range(options.repeat):
            start = time.perf_counter()
            result = simulate(contacts, setup)
            best = min(best, time.perf_counter() - start)
        assert result is not None
        start = time.perf_counter()
        total = report(result, timedelta(hours=1)).total
        report_seconds = time.perf_counter() - start
        print(
            f"  {count:>3} agents: {len(contacts) / best:>9,.0f} contacts/s "
            f"({result.events / best:,.0f} events/s, {best:.2f} s); report "
            f"{report_seconds * 1e3:.0f} ms; SLA {total.attainment or 0:.1%}, "
            f"abandoned {total.abandonment or 0:.1%}, occupancy {total.occupancy or 0:.1%}"
        )


if __name__ == "__main__":
    main()
