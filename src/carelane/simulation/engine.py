"""The discrete-event simulation: contacts arrive at their real times, routing gives them
to simulated agents, agents answer after their handle time, customers give up after
their patience. Simulated time only: no clock, no database; the same inputs give the
same run.

Events, in time order; at one instant: an answer first (the slot it frees is free at
that instant), then a staffing change, an arrival, an overflow, an abandonment last (a
customer taken at the very instant their patience ends was answered in time):

- **arrival**: routing's push (`choose_agent`) gives the contact to the best available
  agent with a free slot on its network, or it waits;
- **answer**: the agent sends the first response `handle time` after taking the contact
  (this is the contact's first-response time) and frees the slot; with a slot free they
  pull (`next_conversation` over a `WaitingQueue`) the most urgent waiting contact they
  may take, again while slots stay free;
- **overflow**: a waiting contact reaches its lane's overflow time; push is tried again,
  now with relaxed skills and the lane's backup teams;
- **abandonment**: a contact nobody has taken within its patience leaves, unanswered;
- **staffing change**: the plan changes how many agents are on duty; those coming on
  pull work at once, those going off take nothing new and leave once they hold nothing.

An agent holds up to their teams-file capacity on each network at once; each contact
they hold is answered after its own handle time. An agent is busy while holding at
least one contact. Each contact's first-response deadline is its service-level policy's
first-response target (by network and priority) counted in the policy's business
calendar, so a contact arriving out of hours has until the target's business time has
passed.
"""

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

from carelane.domain.channels import Network
from carelane.routing.agents import AgentProfile, AgentSnapshot, AgentState
from carelane.routing.pull import WaitingQueue, next_conversation
from carelane.routing.push import PushOutcome, choose_agent
from carelane.routing.queues import DEFAULT_BREACH_WINDOW
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster
from carelane.routing.team_config import RoutingConfig
from carelane.simulation.arrivals import Contact
from carelane.simulation.distributions import ByNetwork, draw_seconds
from carelane.simulation.staffing import StaffingPlan, plan_needs
from carelane.sla.policies import ServiceLevels

HANDLE_STREAM, PATIENCE_STREAM = 1, 2
"""Random streams of the run's seed: handle times and patience are drawn apart."""


class _Kind(IntEnum):
    """Event kinds, in the order they happen at one instant."""

    ANSWER = 0
    STAFFING = 1
    ARRIVAL = 2
    OVERFLOW = 3
    ABANDONMENT = 4


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one contact. `due_at` is its first-response deadline; `taken_at`
    when an agent took it; `answered_at` when their first response went out; or
    `abandoned_at` when the customer gave up. None of the three: still waiting at the end
    (nobody on duty could take it and the customer never gives up)."""

    contact: Contact
    due_at: datetime
    taken_at: datetime | None = None
    answered_at: datetime | None = None
    abandoned_at: datetime | None = None
    agent_id: int | None = None
    by_overflow: bool = False

    @property
    def first_response(self) -> timedelta | None:
        return self.answered_at - self.contact.arrived_at if self.answered_at else None

    @property
    def met(self) -> bool:
        """Answered by the deadline."""
        return self.answered_at is not None and self.answered_at <= self.due_at


@dataclass(frozen=True, slots=True)
class Span:
    """An agent's stretch of time (busy, or on duty); None: open on that side (on duty
    since before the first event, or still at the end)."""

    agent_id: int
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """A run: each contact's outcome (in contact order), the agents' busy and on-duty
    spans, the last event's time, and how many events were processed."""

    agents: tuple[AgentProfile, ...]
    outcomes: tuple[Outcome, ...]
    busy: tuple[Span, ...]
    duty: tuple[Span, ...]
    ended_at: datetime | None
    events: int


@dataclass(frozen=True, slots=True)
class SimulationSetup:
    """Everything a run needs besides its contacts.

    `agents` are the simulated agents (see `staffing.simulated_agents`); `routing` gives
    their teams and lane policies (its own agents are not used); `plan` says how many of
    them are on duty when (None: all of them, all the time).
    """

    agents: tuple[AgentProfile, ...]
    routing: RoutingConfig
    service_levels: ServiceLevels
    handle_time: ByNetwork
    patience: ByNetwork
    seed: int = 0
    plan: StaffingPlan | None = None
    breach_window: timedelta = DEFAULT_BREACH_WINDOW


def simulate(contacts: Sequence[Contact], setup: SimulationSetup) -> SimulationResult:
    """Run the contacts through routing with the setup's agents, handle times and
    patience drawn from the setup's distributions with its seed."""
    networks = [contact.network for contact in contacts]
    handle = draw_seconds(setup.handle_time, networks, seed=setup.seed, stream=HANDLE_STREAM)
    patience = draw_seconds(setup.patience, networks, seed=setup.seed, stream=PATIENCE_STREAM)
    return replay(contacts, setup, handle.tolist(), patience.tolist())


def replay(
    contacts: Sequence[Contact],
    setup: SimulationSetup,
    handle_seconds: Sequence[float],
    patience_seconds: Sequence[float],
) -> SimulationResult:
    """Run the contacts with given handle times and patience in seconds (contact i's are
    at index i; patience may be `math.inf`). ValueError for a handle time that is not a
    finite duration, or a plan needing more agents than the setup has."""
    if not len(contacts) == len(handle_seconds) == len(patience_seconds):
        raise ValueError("one handle time and one patience per contact")
    if any(not 0 <= s < math.inf for s in handle_seconds):
        raise ValueError("every handle time must be a finite duration of at least 0s")
    plan = setup.plan or StaffingPlan.constant(len(setup.agents))
    plan_needs(plan, setup.agents)
    return _Run(contacts, setup, plan, handle_seconds, patience_seconds).run()


@dataclass(slots=True)
class _Agent:
    id: int
    profile: AgentProfile
    load: dict[Network, int] = field(default_factory=dict)
    held: int = 0
    on_duty: bool = False
    leaving: bool = False
    busy_since: datetime | None = None
    duty_since: datetime | None = None
    idle_since: datetime | None = None
    snapshot: AgentSnapshot | None = None

    def snap(self) -> AgentSnapshot:
        if self.snapshot is None:
            state = (
                AgentState.OFFLINE
                if not self.on_duty
                else AgentState.AWAY
                if self.leaving
                else AgentState.AVAILABLE
            )
            self.snapshot = AgentSnapshot(
                self.id, self.profile, state, dict(self.load), self.idle_since
            )
        return self.snapshot


@dataclass(slots=True)
class _Fate:
    taken_at: datetime | None = None
    answered_at: datetime | None = None
    abandoned_at: datetime | None = None
    agent_id: int | None = None
    by_overflow: bool = False


class _Run:
    """One run's state; `run` processes the events until none are left."""

    def __init__(
        self,
        contacts: Sequence[Contact],
        setup: SimulationSetup,
        plan: StaffingPlan,
        handle_seconds: Sequence[float],
        patience_seconds: Sequence[float],
    ) -> None:
        self.contacts = contacts
        self.setup = setup
        self.plan = plan
        self.handle = handle_seconds
        self.patience = patience_seconds
        self.agents = [
            _Agent(number, profile) for number, profile in enumerate(setup.agents, start=1)
        ]
        self.routes = [self._route(index, contact) for index, contact in enumerate(contacts)]
        self.fates = [_Fate() for _ in contacts]
        self.events: list[tuple[datetime, int, int, int, int]] = []
        self.sequence = 0
        self.waiting: dict[int, int] = {}  # contact id -> index, in order of waiting
        self.queue: WaitingQueue | None = None
        self.queue_valid_until: datetime | None = None
        self.gone: set[int] = set()  # ids taken or abandoned since the queue was built
        self.roster: Roster | None = None
        self.busy: list[Span] = []
        self.duty: list[Span] = []
        self.processed = 0

    def _route(self, index: int, contact: Contact) -> ConversationToRoute:
        levels = self.setup.service_levels
        policy = levels.policy_for(contact.network, contact.priority, contact.channel_kind)
        due = levels.calendar_for(policy).deadline_after(contact.arrived_at, policy.first_response)
        return ConversationToRoute(
            id=contact.id,
            lane=contact.lane,
            network=contact.network,
            priority=contact.priority,
            waiting_since=contact.arrived_at,
            language=contact.language,
            categories=contact.categories,
            response_due_at=due,
        )

    def _schedule(self, at: datetime, kind: _Kind, first: int, second: int = 0) -> None:
        self.sequence += 1
        heapq.heappush(self.events, (at, int(kind), self.sequence, first, second))

    def run(self) -> SimulationResult:
        self._staff(self.plan.initial, None)
        for at, count in self.plan.changes():
            self._schedule(at, _Kind.STAFFING, count)
        for index, contact in enumerate(self.contacts):
            self._schedule(contact.arrived_at, _Kind.ARRIVAL, index)
        now: datetime | None = None
        while self.events:
            at, kind, _, first, second = heapq.heappop(self.events)
            now = at
            self.processed += 1
            if kind == _Kind.ANSWER:
                self._answer(first, second, at)
            elif kind == _Kind.STAFFING:
                self._staff(first, at)
            elif kind == _Kind.ARRIVAL:
                self._push(first, at)
            elif kind == _Kind.OVERFLOW:
                if self.routes[first].id in self.waiting:
                    self._push(first, at)
            elif self.routes[first].id in self.waiting:
                self._abandon(first, at)
        return self._result(now)

    # agents

    def _changed(self, agent: _Agent) -> None:
        agent.snapshot = None
        self.roster = None

    def _roster(self) -> Roster:
        if self.roster is None:
            routing = self.setup.routing
            self.roster = Roster(
                tuple(agent.snap() for agent in self.agents), routing.teams, routing.lanes
            )
        return self.roster

    def _staff(self, count: int, at: datetime | None) -> None:
        """Agents 1..count on duty, the rest going off; those coming on pull work."""
        coming = []
        for agent in self.agents:
            wanted = agent.id <= count
            if wanted and (not agent.on_duty or agent.leaving):
                if not agent.on_duty:
                    agent.duty_since = at
                coming.append(agent)
                agent.on_duty, agent.leaving = True, False
                self._changed(agent)
            elif not wanted and agent.on_duty and not agent.leaving:
                agent.leaving = True
                self._changed(agent)
                if agent.held == 0:
                    self._go_off(agent, at)
        if at is not None:
            for agent in coming:
                self._pull(agent, at)

    def _go_off(self, agent: _Agent, at: datetime | None) -> None:
        self.duty.append(Span(agent.id, agent.duty_since, at))
        agent.on_duty = agent.leaving = False
        self._changed(agent)

    def _take(self, agent: _Agent, index: int, at: datetime, *, by_overflow: bool) -> None:
        contact = self.contacts[index]
        self.waiting.pop(contact.id, None)
        self.gone.add(contact.id)
        network = contact.network
        agent.load[network] = agent.load.get(network, 0) + 1
        if agent.held == 0:
            agent.busy_since = at
        agent.held += 1
        agent.idle_since = at
        self._changed(agent)
        fate = self.fates[index]
        fate.taken_at, fate.agent_id, fate.by_overflow = at, agent.id, by_overflow
        self._schedule(
            at + timedelta(seconds=self.handle[index]), _Kind.ANSWER, agent.id - 1, index
        )

    def _answer(self, agent_index: int, index: int, at: datetime) -> None:
        agent = self.agents[agent_index]
        network = self.contacts[index].network
        agent.load[network] -= 1
        agent.held -= 1
        self.fates[index].answered_at = at
        self._changed(agent)
        if agent.held == 0:
            self.busy.append(Span(agent.id, agent.busy_since, at))
            if agent.leaving:
                self._go_off(agent, at)
                return
        self._pull(agent, at)

    # contacts

    def _push(self, index: int, at: datetime) -> None:
        route = self.routes[index]
        decision = choose_agent(route, self._roster(), now=at)
        if decision.agent is not None:
            by_overflow = decision.outcome is PushOutcome.OVERFLOW
            self._take(self.agents[decision.agent.id - 1], index, at, by_overflow=by_overflow)
            return
        if route.id in self.waiting:
            return
        self.waiting[route.id] = index
        self.queue = None  # a newcomer: the queue is built again at the next pull
        patience = self.patience[index]
        if patience < math.inf:
            self._schedule(at + timedelta(seconds=patience), _Kind.ABANDONMENT, index)
        overflow_after = self._roster().policy(route.lane).overflow_after
        self._schedule(at + overflow_after, _Kind.OVERFLOW, index)

    def _abandon(self, index: int, at: datetime) -> None:
        del self.waiting[self.routes[index].id]
        self.gone.add(self.routes[index].id)
        self.fates[index].abandoned_at = at

    def _pull(self, agent: _Agent, at: datetime) -> None:
        """The agent takes the most urgent waiting contacts they may, while they have
        room."""
        while self.waiting and agent.on_duty and not agent.leaving:
            decision = next_conversation(agent.snap(), self._queue(at), exclude=self.gone)
            taken = decision.conversation
            if taken is None:
                return
            index = self.waiting[taken.id]
            self._take(agent, index, at, by_overflow=decision.by_overflow)

    def _queue(self, at: datetime) -> WaitingQueue:
        """The waiting queue at `at`: the one built before while nobody new waits and no
        contact has since become at risk or overflowed (its order and groups are then
        the same), with those taken or gone excluded; else a new one."""
        valid_until = self.queue_valid_until
        if self.queue is None or (valid_until is not None and at >= valid_until):
            roster = self._roster()
            waiting = [self.routes[index] for index in self.waiting.values()]
            self.queue = WaitingQueue(
                waiting, roster=roster, now=at, breach_window=self.setup.breach_window
            )
            self.gone = set()
            moments = []
            for route in waiting:
                due = route.response_due_at
                if due is not None and due - at > self.setup.breach_window:
                    moments.append(due - self.setup.breach_window)
                overflows_at = route.waiting_since + roster.policy(route.lane).overflow_after
                if overflows_at > at:
                    moments.append(overflows_at)
            self.queue_valid_until = min(moments, default=None)
        return self.queue

    def _result(self, ended_at: datetime | None) -> SimulationResult:
        for agent in self.agents:
            if agent.on_duty:
                self.duty.append(Span(agent.id, agent.duty_since, None))
        outcomes = tuple(
            Outcome(
                contact=contact,
                due_at=route.response_due_at or contact.arrived_at,
                taken_at=fate.taken_at,
                answered_at=fate.answered_at,
                abandoned_at=fate.abandoned_at,
                agent_id=fate.agent_id,
                by_overflow=fate.by_overflow,
            )
            for contact, route, fate in zip(self.contacts, self.routes, self.fates, strict=True)
        )
        return SimulationResult(
            agents=self.setup.agents,
            outcomes=outcomes,
            busy=tuple(self.busy),
            duty=tuple(self.duty),
            ended_at=ended_at,
            events=self.processed,
        )
