"""What the agent inbox shows: a queue of conversations, most urgent first, with their
deadlines for the countdowns, filtered by channel, lane, intent and status."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, exists, func, nulls_last, select
from sqlalchemy.orm import Session

from carelane.conversations.lane_scope import LanesSeen, lane_among
from carelane.domain.channels import Direction
from carelane.domain.conversations import ACTIVE_STATUSES, ConversationStatus
from carelane.domain.triage import Intent
from carelane.store.models import Agent, Author, Channel, Conversation, Post, PostTriage

INBOX_ROWS = 100
"""Rows the inbox shows at once: an agent works from the top."""
AT_RISK_MINUTES = 10


@dataclass(frozen=True, slots=True)
class InboxFilters:
    """Which conversations the inbox shows; None means any. `status` None: the active ones
    (new, open, pending)."""

    agent_ids: Collection[int] | None = None  # None: the whole workspace
    channel_id: int | None = None
    lane: str | None = None
    intent: Intent | None = None
    status: ConversationStatus | None = None
    lanes_seen: LanesSeen = None  # the lanes the reader sees (None: every lane)


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One conversation as the inbox lists it."""

    id: int
    network: str
    channel: str
    handle: str
    display_name: str | None
    followers: int | None
    verified: bool
    status: str
    lane: str | None
    categories: list[str]
    priority: int | None
    tier: int
    assignee: str | None
    assignee_id: int | None
    last_message_at: datetime
    response_due_at: datetime | None
    response_warning_at: datetime | None
    resolution_due_at: datetime | None
    intent: str | None
    latest_text: str | None


@dataclass(frozen=True, slots=True)
class Inbox:
    rows: list[InboxRow]
    total: int


def _filtered(workspace_id: int, filters: InboxFilters) -> Select[int]:
    query = select(Conversation.id).where(Conversation.workspace_id == workspace_id)
    if filters.status is None:
        query = query.where(Conversation.status.in_([s.value for s in ACTIVE_STATUSES]))
    else:
        query = query.where(Conversation.status == filters.status.value)
    if filters.agent_ids is not None:
        query = query.where(Conversation.assignee_id.in_(list(filters.agent_ids) or [-1]))
    if filters.channel_id is not None:
        query = query.where(Conversation.channel_id == filters.channel_id)
    if filters.lane:
        query = query.where(func.lower(Conversation.lane) == filters.lane.strip().lower())
    if filters.lanes_seen is not None:
        query = query.where(lane_among(Conversation.lane, filters.lanes_seen))
    if filters.intent is not None:
        query = query.where(
            exists().where(
                Post.conversation_id == Conversation.id,
                Post.direction == Direction.INBOUND.value,
                PostTriage.post_id == Post.id,
                PostTriage.intent == filters.intent.value,
            )
        )
    return query


def _latest_inbound(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """Per conversation, the text and intent of its latest inbound post."""
    if not ids:
        return {}
    newest_first = func.row_number().over(
        partition_by=Post.conversation_id, order_by=(Post.created_at.desc(), Post.id.desc())
    )
    ranked = (
        select(Post.conversation_id, Post.text, PostTriage.intent, newest_first.label("rank"))
        .outerjoin(PostTriage, PostTriage.post_id == Post.id)
        .where(Post.conversation_id.in_(ids), Post.direction == Direction.INBOUND.value)
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.conversation_id, ranked.c.text, ranked.c.intent).where(ranked.c.rank == 1)
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def get_inbox(
    *,
    session: Session,
    workspace_id: int,
    filters: InboxFilters,
    now: datetime,
    limit: int = INBOX_ROWS,
) -> Inbox:
    """The workspace's conversations matching `filters`, at most `limit`: those due within
    `AT_RISK_MINUTES` (or overdue) first, then by priority, time left and age; with how
    many match in all."""
    matching = _filtered(workspace_id, filters)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    due = func.coalesce(Conversation.next_response_due_at, Conversation.first_response_due_at)
    at_risk = case((due <= now + timedelta(minutes=AT_RISK_MINUTES), 0), else_=1)
    # The order and the page from the conversation rows alone; the joins for the page only.
    shown = list(
        session.scalars(
            matching.order_by(
                at_risk,
                func.coalesce(Conversation.priority, 0).desc(),
                nulls_last(due.asc()),
                Conversation.last_message_at.desc(),
                Conversation.id,
            ).limit(limit)
        )
    )
    position = {conversation_id: index for index, conversation_id in enumerate(shown)}
    rows = sorted(
        session.execute(
            select(Conversation, Channel.network, Channel.account, Author, Agent.name)
            .join(Channel, Channel.id == Conversation.channel_id)
            .join(Author, Author.id == Conversation.author_id)
            .outerjoin(
                Agent,
                and_(Agent.id == Conversation.assignee_id, Agent.workspace_id == workspace_id),
            )
            .where(Conversation.id.in_(shown or [-1]))
        ).all(),
        key=lambda row: position[row[0].id],
    )
    latest = _latest_inbound(session, [row[0].id for row in rows])
    items = []
    for conversation, network, account, author, assignee in rows:
        text, intent = latest.get(conversation.id, (None, None))
        items.append(
            InboxRow(
                id=conversation.id,
                network=network,
                channel=account,
                handle=author.handle,
                display_name=author.display_name,
                followers=author.followers,
                verified=author.verified,
                status=conversation.status,
                lane=conversation.lane,
                categories=list(conversation.categories or []),
                priority=conversation.priority,
                tier=conversation.tier,
                assignee=assignee,
                assignee_id=conversation.assignee_id,
                last_message_at=conversation.last_message_at,
                response_due_at=conversation.next_response_due_at
                or conversation.first_response_due_at,
                response_warning_at=conversation.next_response_warning_at
                or conversation.first_response_warning_at,
                resolution_due_at=conversation.resolution_due_at,
                intent=intent,
                latest_text=text,
            )
        )
    return Inbox(rows=items, total=total)


def inbox_choices(
    session: Session, *, workspace_id: int, lanes_seen: LanesSeen = None
) -> tuple[list[tuple[int, str]], list[str]]:
    """The workspace's channels (id, "network · account") and the lanes its conversations
    are in (of `lanes_seen`, None: every lane), for the filters."""
    channels = [
        (row.id, f"{row.network} · {row.account}")
        for row in session.execute(
            select(Channel.id, Channel.network, Channel.account)
            .where(Channel.workspace_id == workspace_id)
            .order_by(Channel.network, Channel.account)
        )
    ]
    lanes = [
        lane
        for lane in session.scalars(
            select(Conversation.lane)
            .where(Conversation.workspace_id == workspace_id, Conversation.lane.is_not(None))
            .distinct()
            .order_by(Conversation.lane)
        )
        if lane and (lanes_seen is None or lane.lower() in {seen.lower() for seen in lanes_seen})
    ]
    return channels, lanes


def agent_presence(session: Session, *, workspace_id: int, agent_id: int) -> str | None:
    """The agent's presence (available, busy, away, offline), None if not the workspace's."""
    return session.scalar(
        select(Agent.state).where(Agent.id == agent_id, Agent.workspace_id == workspace_id)
    )
