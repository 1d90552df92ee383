"""What the supervisor's wallboard shows: queue depth and oldest wait per lane and per
channel, the conversations at risk of breaching, each agent's presence, load and
occupancy, and the latest breaches."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from carelane.domain.conversations import ACTIVE_STATUSES, ConversationStatus
from carelane.domain.events import EventType
from carelane.store.models import Agent, Author, Channel, Conversation, Event

AT_RISK_WINDOW = timedelta(minutes=10)
AT_RISK_SHOWN = 25
BREACHES_SHOWN = 15
_WAITING = [ConversationStatus.NEW.value, ConversationStatus.OPEN.value]
_ACTIVE = [s.value for s in ACTIVE_STATUSES]


@dataclass(frozen=True, slots=True)
class QueueDepth:
    """Conversations waiting for an agent in one lane or channel, and the longest wait."""

    name: str
    waiting: int
    oldest_since: datetime | None


@dataclass(frozen=True, slots=True)
class AtRisk:
    id: int
    handle: str
    network: str
    lane: str | None
    priority: int | None
    assignee_id: int | None
    assignee: str | None
    due_at: datetime | None
    warning_at: datetime | None


@dataclass(frozen=True, slots=True)
class AgentLoad:
    id: int
    name: str
    state: str
    tier: int
    holding: int
    capacity: int

    @property
    def occupancy(self) -> float:
        """Share of their slots in use, 0 to 1."""
        return min(1.0, self.holding / self.capacity) if self.capacity else 0.0


@dataclass(frozen=True, slots=True)
class Breach:
    conversation_id: int | None
    kind: str
    occurred_at: datetime
    handle: str | None


@dataclass(frozen=True, slots=True)
class Wallboard:
    waiting: int
    oldest_since: datetime | None
    by_lane: list[QueueDepth]
    by_channel: list[QueueDepth]
    at_risk: list[AtRisk]
    agents: list[AgentLoad]
    breaches: list[Breach]


def _depths(session: Session, workspace_id: int, *, by_channel: bool) -> list[QueueDepth]:
    key = (
        (Channel.network + " · " + Channel.account)
        if by_channel
        else func.coalesce(Conversation.lane, "(no lane)")
    )
    rows = session.execute(
        select(
            key.label("name"),
            func.count(),
            func.min(func.coalesce(Conversation.waiting_since, Conversation.opened_at)),
        )
        .join(Channel, Channel.id == Conversation.channel_id)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.assignee_id.is_(None),
            Conversation.status.in_(_WAITING),
        )
        .group_by(key)
        .order_by(func.count().desc(), key)
    ).all()
    return [QueueDepth(name, waiting, oldest) for name, waiting, oldest in rows]


def _at_risk(session: Session, workspace_id: int, now: datetime) -> list[AtRisk]:
    due = func.coalesce(Conversation.next_response_due_at, Conversation.first_response_due_at)
    warning = func.coalesce(
        Conversation.next_response_warning_at, Conversation.first_response_warning_at
    )
    holder = aliased(Agent)
    rows = session.execute(
        select(
            Conversation.id,
            Author.handle,
            Channel.network,
            Conversation.lane,
            Conversation.priority,
            Conversation.assignee_id,
            holder.name,
            due.label("due"),
            warning.label("warning"),
        )
        .join(Channel, Channel.id == Conversation.channel_id)
        .join(Author, Author.id == Conversation.author_id)
        .outerjoin(holder, holder.id == Conversation.assignee_id)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.status.in_(_ACTIVE),
            or_(due <= now + AT_RISK_WINDOW, warning <= now),
        )
        .order_by(due, Conversation.id)
        .limit(AT_RISK_SHOWN)
    ).all()
    return [AtRisk(*row) for row in rows]


def _agents(session: Session, workspace_id: int) -> list[AgentLoad]:
    holding = dict(
        session.execute(
            select(Conversation.assignee_id, func.count())
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.assignee_id.is_not(None),
                Conversation.status.in_(_ACTIVE),
            )
            .group_by(Conversation.assignee_id)
        ).all()
    )
    agents = session.scalars(
        select(Agent)
        .where(Agent.workspace_id == workspace_id, Agent.on_roster.is_(True))
        .order_by(Agent.name, Agent.id)
    ).all()
    return [
        AgentLoad(
            id=agent.id,
            name=agent.name,
            state=agent.state,
            tier=agent.tier,
            holding=holding.get(agent.id, 0),
            capacity=sum((agent.capacity or {}).values()),
        )
        for agent in agents
    ]


def _breaches(session: Session, workspace_id: int) -> list[Breach]:
    rows = session.execute(
        select(Event.conversation_id, Event.data, Event.occurred_at, Author.handle)
        .outerjoin(Conversation, Conversation.id == Event.conversation_id)
        .outerjoin(Author, Author.id == Conversation.author_id)
        .where(Event.workspace_id == workspace_id, Event.type == EventType.SLA_BREACHED.value)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(BREACHES_SHOWN)
    ).all()
    return [
        Breach(
            conversation_id=conversation_id,
            kind=str((data or {}).get("kind", "response")).replace("_", " "),
            occurred_at=occurred_at,
            handle=handle,
        )
        for conversation_id, data, occurred_at, handle in rows
    ]


def get_wallboard(*, session: Session, workspace_id: int, now: datetime) -> Wallboard:
    """The wallboard of workspace `workspace_id` at `now`."""
    by_lane = _depths(session, workspace_id, by_channel=False)
    oldest = [d.oldest_since for d in by_lane if d.oldest_since is not None]
    return Wallboard(
        waiting=sum(d.waiting for d in by_lane),
        oldest_since=min(oldest, default=None),
        by_lane=by_lane,
        by_channel=_depths(session, workspace_id, by_channel=True),
        at_risk=_at_risk(session, workspace_id, now),
        agents=_agents(session, workspace_id),
        breaches=_breaches(session, workspace_id),
    )
