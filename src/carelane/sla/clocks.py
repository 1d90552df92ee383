"""A conversation's service-level clocks and their deadlines, read from its timeline.

The rules, fact by fact (statuses move as `domain.conversations.status_after_post` says):

- A customer message starts a response clock unless one is already owed (running or
  paused): the conversation's first is the first-response clock, every later one a
  next-response clock. It also starts a resolution clock unless one is owed. When the
  conversation was pending, the message makes it open and every paused clock runs again;
  when it was resolved, the message reopens it (see below); when closed, it is ignored.
- An agent reply stops the response clock owed, if any: the response is met, or late.
  The reply leaves the conversation pending (waiting on the customer).
- Pending pauses every clock owed; open (or new) makes paused clocks run again. A pause
  pushes a deadline later by the business time it lasts: a clock counts only business
  time while running.
- Resolved or closed stops every clock: the resolution clock is met (or late); a response
  clock still owed is stopped without a response, which is no breach if its deadline had
  not yet passed.
- Reopening (resolved or closed, then new, open or pending, by a status change or a
  customer message) starts a new response clock and a new resolution clock at that
  instant, paused if the conversation reopens as pending.

A clock's deadline is the instant its target of business time is used up. A response at
that very instant is on time; a clock still running at it is breached, and the breach
fires then. Every clock, past and present, is reported, so reports can read how late each
answer was.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from carelane.domain.conversations import ConversationStatus, status_after_post
from carelane.domain.instants import utc_instant
from carelane.sla.calendars import BusinessCalendar
from carelane.sla.policies import DeadlineKind, ServiceLevelPolicy
from carelane.sla.timeline import AgentReply, CustomerMessage, TimelineFact

_RUNNING_STATUSES = frozenset({ConversationStatus.NEW, ConversationStatus.OPEN})
_ENDED_STATUSES = frozenset({ConversationStatus.RESOLVED, ConversationStatus.CLOSED})


class ClockState(StrEnum):
    """Where a service-level clock stands at `now`."""

    RUNNING = "running"  # counting, before its warning
    WARNING = "warning"  # counting, past its warning
    PAUSED = "paused"  # waiting on the customer, its deadline not yet passed
    MET = "met"  # stopped by what it measures (a reply, a resolution) in time
    STOPPED = "stopped"  # a response clock the resolution stopped before its deadline
    BREACHED = "breached"  # its deadline passed while it was counting


@dataclass(frozen=True, slots=True)
class Deadline:
    """One service-level clock of a conversation, as of `now`.

    `due_at` and `warning_at` are the instants the target and its warning share are used
    up: exact when reached while the clock counted; projected when it is counting or
    stopped (as if it ran on without a pause), and None while it is paused short of them."""

    kind: DeadlineKind
    target: timedelta
    started_at: datetime
    state: ClockState
    elapsed: timedelta  # business time counted so far
    due_at: datetime | None
    warning_at: datetime | None
    stopped_at: datetime | None = None
    paused_at: datetime | None = None  # when it was last paused, while it is paused

    @property
    def is_counting(self) -> bool:
        """True while the clock runs: neither stopped nor paused."""
        return self.stopped_at is None and self.paused_at is None

    @property
    def counted_until(self) -> datetime | None:
        """When the clock last stopped counting (stopped or paused); None while it counts."""
        return self.stopped_at or self.paused_at

    @property
    def overdue(self) -> timedelta:
        """Business time counted past the target: how late it is, or was."""
        return max(self.elapsed - self.target, timedelta())

    @property
    def remaining(self) -> timedelta:
        """Business time left before the deadline (0 once it has passed)."""
        return max(self.target - self.elapsed, timedelta())


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Every service-level clock of one conversation, in the order they started."""

    responses: tuple[Deadline, ...] = ()  # the first response, then each next response
    resolutions: tuple[Deadline, ...] = ()  # one per opening: reopening starts another

    @property
    def first_response(self) -> Deadline | None:
        return self.responses[0] if self.responses else None

    @property
    def next_response(self) -> Deadline | None:
        """The latest next-response clock."""
        return self.responses[-1] if len(self.responses) > 1 else None

    @property
    def resolution(self) -> Deadline | None:
        """The latest resolution clock."""
        return self.resolutions[-1] if self.resolutions else None

    @property
    def clocks(self) -> tuple[Deadline, ...]:
        return (*self.responses, *self.resolutions)

    @property
    def owed(self) -> tuple[Deadline, ...]:
        """The clocks still owed: counting or paused."""
        return tuple(clock for clock in self.clocks if clock.stopped_at is None)


def conversation_deadlines(
    timeline: Sequence[TimelineFact],
    *,
    policy: ServiceLevelPolicy,
    calendar: BusinessCalendar,
    now: datetime,
) -> Deadlines:
    """The clocks `timeline` starts under `policy`, counted in `calendar`'s business time,
    as they stand at `now`. Facts must be in order and none later than `now` (ValueError)."""
    now = utc_instant(now, "now")
    clocks = _Clocks()
    previous: datetime | None = None
    for position, fact in enumerate(timeline):
        at = fact.at if fact.at.tzinfo is UTC else utc_instant(fact.at, f"timeline[{position}].at")
        if previous is not None and at < previous:
            raise ValueError(f"timeline[{position}] at {at.isoformat()} is out of order")
        if at > now:
            raise ValueError(f"timeline[{position}] at {at.isoformat()} is later than now")
        previous = at
        clocks.apply(fact, at)
    return Deadlines(
        responses=tuple(_deadline(clock, policy, calendar, now) for clock in clocks.responses),
        resolutions=()
        if policy.resolution is None
        else tuple(_deadline(clock, policy, calendar, now) for clock in clocks.resolutions),
    )


@dataclass
class _Clock:
    kind: DeadlineKind
    started_at: datetime
    runs: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    stopped_at: datetime | None = None
    paused_at: datetime | None = None
    met: bool = False  # stopped by what it measures

    def pause(self, at: datetime) -> None:
        if self.runs and self.runs[-1][1] is None:
            self.runs[-1] = (self.runs[-1][0], at)
        if self.paused_at is None:
            self.paused_at = at

    def resume(self, at: datetime) -> None:
        if not self.runs or self.runs[-1][1] is not None:
            self.runs.append((at, None))
            self.paused_at = None

    def stop(self, at: datetime, *, met: bool) -> None:
        self.pause(at)
        self.stopped_at, self.paused_at, self.met = at, None, met


@dataclass
class _Clocks:
    """The conversation's status and clocks, moved fact by fact."""

    status: ConversationStatus = ConversationStatus.NEW
    responses: list[_Clock] = field(default_factory=list)
    resolutions: list[_Clock] = field(default_factory=list)

    def owed(self) -> list[_Clock]:
        return [clock for clock in self.latest() if clock.stopped_at is None]

    def latest(self) -> list[_Clock]:
        return [clocks[-1] for clocks in (self.responses, self.resolutions) if clocks]

    def apply(self, fact: TimelineFact, at: datetime) -> None:
        before = self.status
        if isinstance(fact, CustomerMessage):
            self.status = status_after_post(before, inbound=True)
            if self.status in _RUNNING_STATUSES:
                self.start(at)
        elif isinstance(fact, AgentReply):
            self.status = status_after_post(before, inbound=False)
            if self.responses and self.responses[-1].stopped_at is None:
                self.responses[-1].stop(at, met=True)
        else:  # a status change
            self.status = fact.status
            if self.status in _ENDED_STATUSES:
                for clock in self.owed():
                    clock.stop(at, met=clock.kind is DeadlineKind.RESOLUTION)
            elif before in _ENDED_STATUSES:
                self.start(at)
        for clock in self.owed():
            if self.status in _RUNNING_STATUSES:
                clock.resume(at)
            else:
                clock.pause(at)

    def start(self, at: datetime) -> None:
        """Start a response and a resolution clock, each unless one is owed already; they
        run or pause as the status after the fact says."""
        if not self.responses or self.responses[-1].stopped_at is not None:
            kind = DeadlineKind.NEXT_RESPONSE if self.responses else DeadlineKind.FIRST_RESPONSE
            self.responses.append(_Clock(kind, at))
        if not self.resolutions or self.resolutions[-1].stopped_at is not None:
            self.resolutions.append(_Clock(DeadlineKind.RESOLUTION, at))


def _deadline(
    clock: _Clock, policy: ServiceLevelPolicy, calendar: BusinessCalendar, now: datetime
) -> Deadline:
    target = policy.target(clock.kind)
    if target is None:  # pragma: no cover - resolution clocks are read only with a target
        raise ValueError(f"policy {policy.name!r} sets no {clock.kind.value} target")
    counted = [calendar.business_time_between(start, end or now) for start, end in clock.runs]
    elapsed = sum(counted, timedelta())
    due_at = _instant_reaching(clock, counted, target, calendar)
    warning_at = _instant_reaching(clock, counted, policy.warning_after(target), calendar)
    counted_until = clock.stopped_at or clock.paused_at  # None while it counts
    if due_at is not None and (due_at <= now if counted_until is None else due_at < counted_until):
        state = ClockState.BREACHED
    elif counted_until is None:
        warned = warning_at is not None and warning_at <= now
        state = ClockState.WARNING if warned else ClockState.RUNNING
    elif clock.stopped_at is None:
        state = ClockState.PAUSED
    else:
        state = ClockState.MET if clock.met else ClockState.STOPPED
    return Deadline(
        kind=clock.kind,
        target=target,
        started_at=clock.started_at,
        state=state,
        elapsed=elapsed,
        due_at=due_at,
        warning_at=warning_at,
        stopped_at=clock.stopped_at,
        paused_at=clock.paused_at,
    )


def _instant_reaching(
    clock: _Clock, counted: list[timedelta], amount: timedelta, calendar: BusinessCalendar
) -> datetime | None:
    """The instant the clock's counted business time (`counted`, run by run) reaches
    `amount`: within its runs, else projected from where it stopped; None if it is paused
    short of `amount`."""
    remaining = amount
    for (start, end), available in zip(clock.runs, counted, strict=True):
        if end is None or available > remaining:
            return calendar.deadline_after(start, remaining)
        remaining -= available
    if clock.stopped_at is not None:
        return calendar.deadline_after(clock.stopped_at, remaining)
    return None
