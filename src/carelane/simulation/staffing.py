"""Who works in a simulation: simulated agents made from a teams file, and the staffing
plan that says how many of them are on duty when.

`simulated_agents(config, n)` deals the teams file's agents round-robin: agent i is a
copy of the file's agent i mod k (k agents in the file) with their teams, skills,
capacity per network and lane duties, named `Ana Ruiz`, then `Ana Ruiz #2` for the next
round. A staffing plan is a step function: each row's count of agents holds from its
start until the next row's; before the first row nobody is on duty, after the last its
count holds on. With `count` on duty, agents 1..count of the simulated agents are.

A plan file is YAML or CSV:

    # plan.yaml: interval start (ISO 8601 with offset) -> agents on duty
    2015-02-17T00:00:00Z: 2
    2015-02-17T08:00:00Z: 6
    2015-02-17T20:00:00Z: 3

    # plan.csv
    start,agents
    2015-02-17T00:00:00Z,2
    2015-02-17T08:00:00Z,6
"""

import csv
import io
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from carelane.routing.agents import AgentProfile
from carelane.routing.team_config import RoutingConfig

MAX_AGENTS = 10_000


class StaffingPlanError(ValueError):
    """A staffing plan that cannot be used; the message names the row."""


def simulated_agents(config: RoutingConfig, count: int) -> tuple[AgentProfile, ...]:
    """`count` agents dealt round-robin from the teams file's agents."""
    if not config.agents:
        raise ValueError(f"{config.source} defines no agents to copy")
    if not 0 <= count <= MAX_AGENTS:
        raise ValueError(f"{count} agents is not 0 to {MAX_AGENTS}")
    made = []
    for index in range(count):
        model = config.agents[index % len(config.agents)]
        round_ = index // len(config.agents) + 1
        name = model.name if round_ == 1 else f"{model.name} #{round_}"
        made.append(replace(model, name=name, email=None))
    return tuple(made)


@dataclass(frozen=True, slots=True)
class StaffingPlan:
    """Agents on duty from each start (UTC, ascending) until the next; None as a start
    means since always."""

    steps: tuple[tuple[datetime | None, int], ...]

    def __post_init__(self) -> None:
        starts = [start for start, _ in self.steps]
        if None in starts[1:]:
            raise StaffingPlanError("only the first row of a plan may hold since always")
        timed = [start for start in starts if start is not None]
        if any(later <= earlier for earlier, later in pairwise(timed)):
            raise StaffingPlanError("a plan's starts must be distinct and in order")
        for start, count in self.steps:
            if not 0 <= count <= MAX_AGENTS:
                raise StaffingPlanError(f"{count} agents at {start} is not 0 to {MAX_AGENTS}")

    @classmethod
    def constant(cls, count: int) -> "StaffingPlan":
        """`count` agents on duty all the time."""
        return cls(((None, count),))

    @property
    def most(self) -> int:
        """The most agents the plan ever has on duty."""
        return max((count for _, count in self.steps), default=0)

    def on_duty(self, at: datetime) -> int:
        """How many agents are on duty at `at`."""
        timed = [start for start, _ in self.steps if start is not None]
        offset = len(self.steps) - len(timed)
        index = bisect_right(timed, at) + offset - 1
        return self.steps[index][1] if index >= 0 else 0

    def changes(self) -> tuple[tuple[datetime, int], ...]:
        """The plan's timed rows: when the number on duty changes, and to what."""
        return tuple((start, count) for start, count in self.steps if start is not None)

    @property
    def initial(self) -> int:
        """On duty before the first timed row."""
        first = self.steps[0] if self.steps else None
        return first[1] if first is not None and first[0] is None else 0


def read_staffing_plan(path: Path) -> StaffingPlan:
    """The plan in a YAML or CSV file (by its suffix: .csv is CSV, anything else YAML);
    OSError if unreadable, StaffingPlanError naming what is wrong."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return _plan_from_rows(_csv_rows(text), path.name)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise StaffingPlanError(f"{path.name}: not YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(document, dict) or not document:
        raise StaffingPlanError(
            f"{path.name}: a plan is a mapping of interval start to agents on duty"
        )
    return _plan_from_rows(((str(k), v) for k, v in document.items()), path.name)


def _csv_rows(text: str) -> list[tuple[str, Any]]:
    rows = list(csv.reader(io.StringIO(text)))
    if rows and [cell.strip().lower() for cell in rows[0]][:2] == ["start", "agents"]:
        rows = rows[1:]
    return [(row[0], row[1] if len(row) > 1 else None) for row in rows if any(row)]


def _plan_from_rows(rows: Iterable[tuple[str, Any]], where: str) -> StaffingPlan:
    steps: list[tuple[datetime, int]] = []
    for number, (start_text, count) in enumerate(rows, start=1):
        try:
            start = datetime.fromisoformat(start_text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise StaffingPlanError(
                f"{where} row {number}: {start_text!r} is not an ISO 8601 time"
            ) from None
        if start.tzinfo is None:
            raise StaffingPlanError(
                f"{where} row {number}: {start_text!r} has no offset; write it like "
                "2015-02-17T08:00:00Z"
            )
        try:
            agents = int(str(count).strip())
        except ValueError:
            raise StaffingPlanError(
                f"{where} row {number}: agents {count!r} is not a whole number"
            ) from None
        steps.append((start, agents))
    steps.sort(key=lambda step: step[0])
    try:
        return StaffingPlan(tuple(steps))
    except StaffingPlanError as error:
        raise StaffingPlanError(f"{where}: {error}") from None


def plan_needs(plan: StaffingPlan, agents: Sequence[AgentProfile]) -> None:
    """Refuse a plan that puts more agents on duty than there are."""
    if plan.most > len(agents):
        raise StaffingPlanError(
            f"the plan puts {plan.most} agents on duty but only {len(agents)} are simulated; "
            f"raise --agents to {plan.most}"
        )
