"""`carelane simulate`: a real data set's arrivals replayed through routing with simulated
agents, and the service level, first-response times, abandonment and occupancy they
would get, per interval and in total."""

import csv
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from carelane.cli.terminal import BadUsageError, one_line_errors, out, settings_of

if TYPE_CHECKING:
    from carelane.simulation.distributions import ByNetwork
    from carelane.simulation.report import Figures, SimulationReport

DEFAULT_AGENTS = 10
TABLE_WIDTH = 100
"""Columns the table needs; a narrower console (or a pipe) still gets whole rows."""


def simulate(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(help="A data set: airline, spotify, conversations, or all.")
    ],
    *,
    agents: Annotated[
        int | None,
        typer.Option(
            min=0,
            help=f"Simulated agents [default: {DEFAULT_AGENTS}, or the plan's most on duty].",
        ),
    ] = None,
    teams: Annotated[
        Path | None,
        typer.Option(help="Teams file (YAML) to deal agents from [default: the shipped example]."),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(help="Staffing plan, YAML or CSV: interval start -> agents on duty."),
    ] = None,
    service_levels: Annotated[
        Path | None,
        typer.Option(help="Service-levels file (YAML) [default: the shipped one, 24/7]."),
    ] = None,
    handle_time: Annotated[
        list[str] | None,
        typer.Option(
            help="Handle-time distribution, [NETWORK=]SPEC, repeatable "
            "[default: lognormal:6m:0.75]."
        ),
    ] = None,
    patience: Annotated[
        list[str] | None,
        typer.Option(
            help="Patience distribution, [NETWORK=]SPEC, repeatable [default: exponential:2h]."
        ),
    ] = None,
    interval: Annotated[str, typer.Option(help="Reporting interval: 15m, 1h, 1d.")] = "1h",
    seed: Annotated[int, typer.Option(min=0, help="Seed of the random draws.")] = 0,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Folder of the real data sets [default: the global --data-dir]."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="Also write the figures to this file: .csv or .json."),
    ] = None,
) -> None:
    """Replay a data set's arrivals through routing with simulated agents and report,
    per interval and in total: arrivals, answered, abandoned, SLA attainment, average and
    90th-percentile first-response time, and agent occupancy.

    SOURCE is airline, spotify, conversations or all. Each actionable inbound post (by the
    shipped triage and example lanes) is one contact arriving at its post's time; replies are
    not merged into threads. The run is in simulated time, as fast as the machine allows.

    Agents are dealt round-robin from the teams file (default: the shipped example's eight
    agents, their skills and capacity per network); with --plan, a staffing plan (YAML or CSV:
    interval start -> agents on duty) says how many are on duty when.

    Handle time (taking the contact to sending the first response; default lognormal, mean
    6 min, spread 0.75) and patience (how long a customer waits for an agent to take the
    contact before giving up; default exponential, mean 2 h) are drawn per contact from
    --seed. Write them as 6m, lognormal:6m:0.5, exponential:2h, fixed:5m or none (patience
    only), optionally for one network: --patience forum=exponential:1d.

    SLA attainment counts first responses by the service-level policy's first-response
    deadline (shipped: 30 min on X/Twitter, 15 min for urgent posts; counted in the policy's
    business hours), of all contacts that arrived.
    """
    settings = settings_of(ctx)
    with one_line_errors(settings):
        _run(
            source,
            agents=agents,
            teams=teams,
            plan_file=plan,
            service_levels_file=service_levels,
            handle_specs=handle_time or [],
            patience_specs=patience or [],
            interval_text=interval,
            seed=seed,
            data_dir=data_dir or settings.data_dir,
            output=output,
        )


def _run(
    source: str,
    *,
    agents: int | None,
    teams: Path | None,
    plan_file: Path | None,
    service_levels_file: Path | None,
    handle_specs: list[str],
    patience_specs: list[str],
    interval_text: str,
    seed: int,
    data_dir: Path,
    output: Path | None,
) -> None:
    from carelane.routing.config_file import example_team_config, load_team_config_file
    from carelane.simulation.arrivals import read_arrivals, source_names
    from carelane.simulation.engine import SimulationSetup, simulate
    from carelane.simulation.report import report
    from carelane.simulation.staffing import plan_needs, read_staffing_plan, simulated_agents
    from carelane.sla.config_file import load_service_levels_file, shipped_service_levels
    from carelane.sla.durations import parse_duration

    for path in (teams, plan_file, service_levels_file):
        if path is not None and not path.is_file():
            raise BadUsageError(f"no such file: {path}")
    try:
        source_names(source)
        interval = parse_duration(interval_text)
        if interval <= timedelta(0):
            raise ValueError("--interval must be longer than 0s")
        handle, waits = _distributions(handle_specs, patience_specs)
        if output is not None and output.suffix.lower() not in {".csv", ".json"}:
            raise ValueError(f"{output}: --output must end in .csv or .json")
        plan = read_staffing_plan(plan_file) if plan_file is not None else None
    except ValueError as error:
        raise BadUsageError(str(error)) from None
    routing = load_team_config_file(teams) if teams is not None else example_team_config()
    levels = (
        load_service_levels_file(service_levels_file)
        if service_levels_file is not None
        else shipped_service_levels()
    )
    count = agents if agents is not None else (plan.most if plan is not None else DEFAULT_AGENTS)
    try:
        profiles = simulated_agents(routing, count)
        if plan is not None:
            plan_needs(plan, profiles)
    except ValueError as error:
        raise BadUsageError(str(error)) from None
    console = out()
    arrivals = read_arrivals(source, data_dir)
    setup = SimulationSetup(
        agents=profiles,
        routing=routing,
        service_levels=levels,
        handle_time=handle,
        patience=waits,
        seed=seed,
        plan=plan,
    )
    started = time.perf_counter()
    result = simulate(arrivals.contacts, setup)
    seconds = time.perf_counter() - started
    figures = report(result, interval)
    staffing = f"plan {plan_file.name}" if plan is not None and plan_file else "all on duty"
    console.print(
        f"{source}: {arrivals.rows:,} rows, {len(arrivals.contacts):,} contacts "
        f"({arrivals.not_actionable:,} not actionable, {arrivals.outbound:,} the brand's, "
        f"{arrivals.rejected:,} rejected)"
    )
    console.print(
        f"{count} agents from {routing.source} ({staffing}); handle time "
        f"{handle.describe()}; patience {waits.describe()}; seed {seed}"
    )
    console.width = max(console.width, TABLE_WIDTH)
    console.print(_table(figures))
    if figures.quiet_intervals:
        console.print(f"{figures.quiet_intervals:,} quiet intervals (nothing waiting) left out")
    rate = len(arrivals.contacts) / seconds if seconds > 0 else float("inf")
    console.print(
        f"Simulated {len(arrivals.contacts):,} contacts ({result.events:,} events) in "
        f"{seconds:.2f} s: {rate:,.0f} contacts/s"
    )
    if output is not None:
        _write(
            output,
            figures,
            parameters={
                "source": source,
                "agents": count,
                "teams": routing.source,
                "plan": str(plan_file) if plan_file else None,
                "handle_time": handle.describe(),
                "patience": waits.describe(),
                "interval": interval_text,
                "seed": seed,
            },
        )
        console.print(f"Figures written to {output}")


def _distributions(
    handle_specs: list[str], patience_specs: list[str]
) -> tuple["ByNetwork", "ByNetwork"]:
    """Handle time and patience as the options give them; ValueError if one is wrong."""
    from carelane.simulation.distributions import Distribution, Family, parse_by_network

    handle = parse_by_network(
        handle_specs,
        default=Distribution(Family.LOGNORMAL, timedelta(minutes=6)),
        default_family=Family.LOGNORMAL,
    )
    if Family.NEVER in {handle.default.family, *(d.family for d in handle.networks.values())}:
        raise ValueError("--handle-time cannot be none: every contact taken is answered")
    patience = parse_by_network(
        patience_specs,
        default=Distribution(Family.EXPONENTIAL, timedelta(hours=2)),
        default_family=Family.EXPONENTIAL,
    )
    return handle, patience


_COLUMNS = (
    "Interval (UTC)",
    "Arrivals",
    "Answered",
    "Abandoned",
    "SLA",
    "Avg FRT",
    "P90 FRT",
    "Occupancy",
)


def _table(figures: "SimulationReport") -> Table:
    table = Table(*_COLUMNS, box=None, show_edge=False, pad_edge=False)
    for column in table.columns:
        column.no_wrap = True
    for column in table.columns[1:]:
        column.justify = "right"
    for row in figures.intervals:
        table.add_row(*_cells(row))
    if table.rows:
        table.rows[-1].end_section = True
    table.add_row(*_cells(figures.total))
    return table


def _cells(row: "Figures") -> list[str]:
    start = "Total" if row.start is None else row.start.strftime("%Y-%m-%d %H:%M")
    return [
        start,
        f"{row.arrivals:,}",
        f"{row.answered:,}",
        f"{row.abandoned:,} ({_percent(row.abandonment)})",
        _percent(row.attainment),
        _clock(row.average_first_response),
        _clock(row.p90_first_response),
        _percent(row.occupancy),
    ]


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def _clock(span: timedelta | None) -> str:
    """`0:05:57`: hours, minutes and seconds, rounded to the second."""
    if span is None:
        return "-"
    seconds = round(span.total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _record(row: "Figures") -> dict[str, Any]:
    def secs(span: timedelta | None) -> float | None:
        return None if span is None else round(span.total_seconds(), 3)

    return {
        "interval_start": None if row.start is None else row.start.isoformat(),
        "arrivals": row.arrivals,
        "answered": row.answered,
        "abandoned": row.abandoned,
        "waiting": row.waiting,
        "met_sla": row.met,
        "sla_attainment": row.attainment,
        "abandonment": row.abandonment,
        "average_first_response_s": secs(row.average_first_response),
        "p90_first_response_s": secs(row.p90_first_response),
        "busy_s": secs(row.busy),
        "on_duty_s": secs(row.on_duty),
        "occupancy": row.occupancy,
    }


def _write(path: Path, figures: "SimulationReport", *, parameters: dict[str, Any]) -> None:
    """The figures as CSV (one row per interval, the total last) or JSON."""
    rows = [_record(row) for row in figures.intervals]
    total = _record(figures.total)
    suffix = path.suffix.lower()
    if suffix == ".json":
        document = {"parameters": parameters, "intervals": rows, "total": total}
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    else:
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(total))
            writer.writeheader()
            writer.writerows(rows)
            writer.writerow({**total, "interval_start": "total"})
