"""Pull: "next conversation" gives an agent the most urgent waiting one they may take.

`WaitingQueue` orders the waiting conversations once for a moment (`queues.order_queue`)
and groups those nobody holds by everything that decides who may take them (lane,
network, language, main category, tier, team, overflowing or not). A group's members
all ask the same of an agent, so `next_conversation` assesses the agent once per group
(with the same `qualification.assess` push uses) and compares only the groups' heads:
the cost grows with the number of groups, not of conversations. A conversation someone
holds is never offered.
"""

from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from carelane.domain.channels import Network
from carelane.domain.instants import utc_instant
from carelane.routing.agents import PRESENT_STATES, AgentSnapshot, name_key
from carelane.routing.qualification import Assessment, assess
from carelane.routing.queues import DEFAULT_BREACH_WINDOW, QueueKey, QueuePosition, order_queue
from carelane.routing.requirements import ConversationToRoute, Requirements, requirements_for
from carelane.routing.roster import Roster, Standing

_GroupKey = tuple[str, Network, str, str, int, str, bool]


@dataclass(frozen=True, slots=True)
class _Group:
    """Waiting conversations nobody holds that ask the same of an agent, in queue order."""

    requirements: Requirements
    overflowing: bool
    positions: tuple[QueuePosition, ...]


class WaitingQueue:
    """The conversations waiting at `now`, in queue order, indexed for pull.

    Built once for a moment and read by any number of `next_conversation` calls; it does
    not change: pass the ids taken since it was built as `exclude`.
    """

    def __init__(
        self,
        conversations: Iterable[ConversationToRoute],
        *,
        roster: Roster,
        now: datetime,
        breach_window: timedelta = DEFAULT_BREACH_WINDOW,
    ) -> None:
        utc_instant(now, "now")
        self.now = now
        self.roster = roster
        self.positions = order_queue(conversations, now=now, breach_window=breach_window)
        grouped: dict[_GroupKey, list[QueuePosition]] = {}
        for position in self.positions:
            if position.conversation.holder_id is None:
                grouped.setdefault(self._group_key(position), []).append(position)
        self._groups = tuple(
            _Group(
                requirements_for(
                    members[0].conversation, roster.policy(members[0].conversation.lane)
                ),
                key[-1],
                tuple(members),
            )
            for key, members in grouped.items()
        )
        self._group_of = {
            position.conversation.id: index
            for index, group in enumerate(self._groups)
            for position in group.positions
        }

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def group_count(self) -> int:
        """How many groups a pull compares (what its cost grows with)."""
        return len(self._groups)

    def _group_key(self, position: QueuePosition) -> _GroupKey:
        conversation = position.conversation
        policy = self.roster.policy(conversation.lane)
        overflowing = position.waited >= policy.overflow_after
        return (
            name_key(conversation.lane),
            conversation.network,
            name_key(conversation.known_language or ""),
            name_key(conversation.main_category or ""),
            conversation.tier,
            name_key(conversation.team or ""),
            overflowing,
        )


@dataclass(frozen=True, slots=True)
class PullDecision:
    """The conversation an agent should take next, or why there is none."""

    agent_id: int
    position: QueuePosition | None
    may_take: int
    explanation: str
    by_overflow: bool = False
    """Offered only because it overflowed: the agent is in a backup team, or lacks a
    required skill that overflow relaxed."""

    @property
    def conversation(self) -> ConversationToRoute | None:
        return self.position.conversation if self.position is not None else None


def next_conversation(
    agent: AgentSnapshot, queue: WaitingQueue, *, exclude: Set[int] = frozenset()
) -> PullDecision:
    """The most urgent waiting conversation `agent` may take, never one held by anyone,
    nor one whose id is in `exclude` (taken since the queue was built)."""
    if agent.state not in PRESENT_STATES:
        return PullDecision(agent.id, None, 0, f"{agent.name} is {agent.state}: nothing is offered")
    best: QueuePosition | None = None
    best_fit: Assessment | None = None
    may_take = 0
    qualified: list[int] = []
    for index, group, fit in _groups_for(agent, queue):
        qualified.append(index)
        may_take += len(group.positions)
        head = _head(group, exclude)
        if head is not None and (best is None or head.key < best.key):
            best, best_fit = head, fit
    if exclude:
        wanted = set(qualified)
        may_take -= sum(1 for taken in exclude if queue._group_of.get(taken) in wanted)
    if best is None or best_fit is None:
        return PullDecision(
            agent.id,
            None,
            0,
            f"nothing waiting that {agent.name} may take ({len(queue)} waiting in all)",
        )
    conversation = best.conversation
    where = ", ".join(
        part
        for part in (conversation.lane, str(conversation.network), conversation.known_language)
        if part
    )
    by_overflow = bool(best_fit.relaxed) or best_fit.standing is Standing.BACKUP_TEAM
    overflow = f" (overflow: {_relaxed(best_fit)})" if by_overflow else ""
    return PullDecision(
        agent.id,
        best,
        may_take,
        f"conversation {conversation.id}: {best.explanation}; {where}{overflow}; "
        f"first of {may_take} {agent.name} may take",
        by_overflow=by_overflow,
    )


def offered_in_order(
    agent: AgentSnapshot, queue: WaitingQueue, *, exclude: Set[int] = frozenset()
) -> tuple[QueuePosition, ...]:
    """Every waiting conversation `agent` may take, most urgent first, but those whose id
    is in `exclude`: the first is `next_conversation`'s, the next is its choice once the
    first is excluded, and so on. Nothing for an agent who is not present."""
    if agent.state not in PRESENT_STATES:
        return ()
    offered = [
        position
        for _, group, _ in _groups_for(agent, queue)
        for position in group.positions
        if position.conversation.id not in exclude
    ]
    return tuple(sorted(offered, key=_key))


def _groups_for(
    agent: AgentSnapshot, queue: WaitingQueue
) -> Iterator[tuple[int, _Group, Assessment]]:
    """The queue's groups the agent may take (with a free slot on their network), each
    with its index and the agent's assessment."""
    room: dict[Network, bool] = {}
    for index, group in enumerate(queue._groups):
        network = group.requirements.network
        if network not in room:
            room[network] = agent.has_room_on(network)
        if not room[network]:
            continue
        fit = assess(
            agent, group.requirements, queue.roster, overflowing=group.overflowing, pulling=True
        )
        if fit.qualified:
            yield index, group, fit


def _key(position: QueuePosition) -> QueueKey:
    return position.key


def _head(group: _Group, exclude: Set[int]) -> QueuePosition | None:
    for position in group.positions:
        if position.conversation.id not in exclude:
            return position
    return None


def _relaxed(fit: Assessment) -> str:
    """What overflow let pass: `backup team, does not speak de`."""
    backup = ("backup team",) if fit.standing is Standing.BACKUP_TEAM else ()
    return ", ".join((*backup, *fit.relaxed))
