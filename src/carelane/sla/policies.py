"""Service-level policies: the targets a conversation gets, chosen by its network, channel
kind and priority, and what happens when a target is missed.

A policy covers the networks and channel kinds it lists (all when it lists none) and a band
of priorities (`min_priority`..`max_priority`, 0..100 inclusive). When several cover a
conversation, the most specific wins: first the narrower priority band, then fewer
networks, then fewer channel kinds. So "urgent posts anywhere (priority 80+): 15 minutes"
beats "X/Twitter: 30 minutes" for an urgent tweet, and "urgent tweets" beats both. A set
of policies must cover every network at every priority with policies that name no channel
kind, and no two covering policies may be equally specific: each conversation has exactly
one policy.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from itertools import pairwise

from carelane.domain.channels import ChannelKind, Network
from carelane.sla.calendars import BusinessCalendar

MIN_PRIORITY, MAX_PRIORITY = 0, 100
MAX_TARGET = timedelta(days=366)
DEFAULT_WARNING_FRACTION = 0.75
"""The share of a target after which a warning fires, unless a policy sets its own."""


class DeadlineKind(StrEnum):
    """Which target a service-level clock measures."""

    FIRST_RESPONSE = "first_response"  # the brand's first answer to the conversation
    NEXT_RESPONSE = "next_response"  # each later answer owed after the customer writes again
    RESOLUTION = "resolution"  # the conversation resolved


@dataclass(frozen=True, slots=True)
class BreachActions:
    """What happens when a conversation misses a target."""

    raise_priority: int = 0  # points added to the conversation's priority (capped at 100)
    reassign: bool = False  # routing takes it from its agent and offers it to the next
    alert_supervisor: bool = False  # the team's supervisors are alerted

    def __post_init__(self) -> None:
        if not MIN_PRIORITY <= self.raise_priority <= MAX_PRIORITY:
            raise ValueError(f"raise_priority {self.raise_priority} is not within 0..100")

    def priority_after_breach(self, priority: int) -> int:
        """The conversation's priority once the breach has raised it."""
        return min(MAX_PRIORITY, priority + self.raise_priority)


@dataclass(frozen=True, slots=True)
class ServiceLevelPolicy:
    """Targets for the conversations in one scope, counted in `calendar`'s business time."""

    name: str
    calendar: str
    first_response: timedelta
    next_response: timedelta
    resolution: timedelta | None = None  # no resolution target when None
    networks: frozenset[Network] = frozenset()  # empty: every network
    channel_kinds: frozenset[ChannelKind] = frozenset()  # empty: every kind of channel
    min_priority: int = MIN_PRIORITY
    max_priority: int = MAX_PRIORITY
    warning_fraction: float = DEFAULT_WARNING_FRACTION
    breach_actions: BreachActions = BreachActions()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a service-level policy needs a name")
        object.__setattr__(self, "networks", frozenset(map(Network, self.networks)))
        object.__setattr__(self, "channel_kinds", frozenset(map(ChannelKind, self.channel_kinds)))
        for kind in DeadlineKind:
            target = self.target(kind)
            if target is not None and (problem := target_problem(target)):
                raise ValueError(f"policy {self.name!r}: {kind.value} {problem}")
        if not 0.0 < self.warning_fraction < 1.0:
            raise ValueError(
                f"policy {self.name!r}: warning_fraction {self.warning_fraction} is not "
                "between 0 and 1"
            )
        if not MIN_PRIORITY <= self.min_priority <= self.max_priority <= MAX_PRIORITY:
            raise ValueError(
                f"policy {self.name!r}: priorities {self.min_priority}..{self.max_priority} "
                "are not a band within 0..100"
            )

    def target(self, kind: DeadlineKind) -> timedelta | None:
        """The business time allowed for `kind`; None when the policy sets no such target."""
        if kind is DeadlineKind.FIRST_RESPONSE:
            return self.first_response
        if kind is DeadlineKind.NEXT_RESPONSE:
            return self.next_response
        return self.resolution

    def warning_after(self, target: timedelta) -> timedelta:
        """The business time after which a clock with `target` warns."""
        return target * self.warning_fraction

    def covers(
        self, network: Network, priority: int, channel_kind: ChannelKind | None = None
    ) -> bool:
        """Whether a conversation on `network` at `priority` is in this policy's scope; one
        whose channel kind is unknown (None) is not in the scope of a policy naming kinds."""
        return (
            (not self.networks or network in self.networks)
            and self.min_priority <= priority <= self.max_priority
            and (not self.channel_kinds or channel_kind in self.channel_kinds)
        )

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Smaller is more specific: priority band width, networks, channel kinds."""
        return (
            self.max_priority - self.min_priority,
            len(self.networks) or len(Network),
            len(self.channel_kinds) or len(ChannelKind),
        )

    def describe_scope(self) -> str:
        """The scope in words: `twitter, facebook at priority 80-100`."""
        networks = ", ".join(sorted(self.networks)) or "every network"
        kinds = f" ({', '.join(sorted(self.channel_kinds))})" if self.channel_kinds else ""
        return f"{networks}{kinds} at priority {self.min_priority}-{self.max_priority}"


def target_problem(target: timedelta) -> str | None:
    """What is wrong with `target` as a service-level target, or None if nothing is."""
    if target <= timedelta():
        return "must be more than 0"
    if target > MAX_TARGET:
        return f"is longer than the longest target, {MAX_TARGET.days} days"
    return None


@dataclass(frozen=True, slots=True)
class ScopeProblem:
    """A problem with how a set of policies divides conversations among themselves."""

    policy: int | None  # the position of the policy it concerns; None for the set (a gap)
    message: str


Scope = tuple[Network, ChannelKind | None, int]


def scope_problems(policies: Iterable[ServiceLevelPolicy]) -> list[ScopeProblem]:
    """Gaps (a network and priorities no policy without channel kinds covers) and ties (two
    policies covering the same conversations, neither more specific), each reported once."""
    return _divide(tuple(policies))[1]


@dataclass(frozen=True, slots=True)
class ServiceLevels:
    """A workspace's calendars and policies, checked to give every conversation one policy.

    Construction raises ValueError naming the first problem: duplicate names, a policy
    naming an unknown calendar, a gap or a tie (see `scope_problems`)."""

    calendars: tuple[BusinessCalendar, ...]
    policies: tuple[ServiceLevelPolicy, ...]
    _calendars_by_name: Mapping[str, BusinessCalendar] = field(
        init=False, repr=False, compare=False
    )
    _policy_by_scope: Mapping[Scope, ServiceLevelPolicy] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "calendars", tuple(self.calendars))
        object.__setattr__(self, "policies", tuple(self.policies))
        calendars = {calendar.name: calendar for calendar in self.calendars}
        if len(calendars) < len(self.calendars):
            raise ValueError("two calendars have the same name")
        if len({policy.name for policy in self.policies}) < len(self.policies):
            raise ValueError("two service-level policies have the same name")
        for policy in self.policies:
            if policy.calendar not in calendars:
                raise ValueError(
                    f"policy {policy.name!r} names calendar {policy.calendar!r}, which is not "
                    f"one of {', '.join(calendars) or 'none'}"
                )
        by_scope, problems = _divide(self.policies)
        for problem in problems:
            raise ValueError(problem.message)
        object.__setattr__(self, "_calendars_by_name", calendars)
        object.__setattr__(self, "_policy_by_scope", by_scope)

    def policy_for(
        self, network: Network, priority: int, channel_kind: ChannelKind | None = None
    ) -> ServiceLevelPolicy:
        """The policy for a conversation on `network` at `priority` (0..100), arriving on a
        channel of `channel_kind` (None when unknown)."""
        if not MIN_PRIORITY <= priority <= MAX_PRIORITY:
            raise ValueError(f"priority {priority} is not within 0..100")
        return self._policy_by_scope[(Network(network), channel_kind, priority)]

    def calendar(self, name: str) -> BusinessCalendar:
        """The calendar called `name`; a KeyError if there is none."""
        return self._calendars_by_name[name]

    def calendar_for(self, policy: ServiceLevelPolicy) -> BusinessCalendar:
        """The calendar whose business time `policy`'s targets count."""
        return self._calendars_by_name[policy.calendar]


def _divide(
    policies: tuple[ServiceLevelPolicy, ...],
) -> tuple[dict[Scope, ServiceLevelPolicy], list[ScopeProblem]]:
    """Each scope's policy, and the problems that leave a scope with none or with two."""
    chosen: dict[Scope, ServiceLevelPolicy] = {}
    gaps: dict[Network, list[int]] = defaultdict(list)
    ties: dict[tuple[int, int], Scope] = {}
    # Which policies cover a priority changes only where a band starts or ends.
    edges = {MIN_PRIORITY, MAX_PRIORITY + 1}
    for policy in policies:
        edges.update((policy.min_priority, policy.max_priority + 1))
    bands = list(pairwise(sorted(edges)))
    for network in Network:
        for kind in (None, *ChannelKind):
            for low, end in bands:
                covering = [
                    index
                    for index, policy in enumerate(policies)
                    if policy.covers(network, low, kind)
                ]
                if not covering:
                    if kind is None:
                        gaps[network].extend(range(low, end))
                    continue
                best = min(policies[index].specificity for index in covering)
                tied = [index for index in covering if policies[index].specificity == best]
                for later in tied[1:]:
                    ties.setdefault((tied[0], later), (network, kind, low))
                for priority in range(low, end):
                    chosen[(network, kind, priority)] = policies[tied[0]]
    problems = [_tie_problem(policies, pair, scope) for pair, scope in ties.items()]
    problems.sort(key=lambda problem: problem.policy or 0)
    networks_by_gap: dict[tuple[tuple[int, int], ...], list[str]] = defaultdict(list)
    for network, priorities in gaps.items():
        networks_by_gap[tuple(_runs(priorities))].append(network.value)
    for runs, networks in networks_by_gap.items():
        uncovered = ", ".join(f"{low}-{high}" for low, high in runs)
        problems.append(
            ScopeProblem(
                None,
                f"no policy covers {', '.join(networks)} at priority {uncovered}; add one that "
                "names no channel kind, or widen one",
            )
        )
    return chosen, problems


def _tie_problem(
    policies: tuple[ServiceLevelPolicy, ...], pair: tuple[int, int], scope: Scope
) -> ScopeProblem:
    first, second = policies[pair[0]], policies[pair[1]]
    if (first.networks, first.channel_kinds, first.min_priority, first.max_priority) == (
        second.networks,
        second.channel_kinds,
        second.min_priority,
        second.max_priority,
    ):
        return ScopeProblem(pair[1], f"has the same scope as policy {first.name!r}")
    network, kind, priority = scope
    where = f"{network.value}{f' ({kind.value})' if kind else ''} at priority {priority}"
    return ScopeProblem(
        pair[1],
        f"covers {where} as specifically as policy {first.name!r}; narrow one of them",
    )


def _runs(values: list[int]) -> list[tuple[int, int]]:
    """Sorted whole numbers as runs of consecutive ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for value in values:
        if runs and runs[-1][1] == value - 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs
