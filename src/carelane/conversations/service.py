"""Reading conversations, always within one workspace: queues and timelines."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Row, Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from carelane.conversations.lane_scope import LanesSeen, lane_among
from carelane.conversations.schemas import (
    AuthorOut,
    ConversationDetail,
    ConversationOut,
    ConversationPage,
    CustomerRef,
    TimelineEntry,
)
from carelane.domain.channels import Direction, Visibility
from carelane.domain.conversations import ConversationStatus, MessageKind
from carelane.domain.errors import NotFoundError
from carelane.posts.paging import (
    DEFAULT_PAGE_SIZE,
    check_min_priority,
    check_page_size,
    check_window,
    contains_pattern,
    cursor_after,
    in_page_order,
)
from carelane.posts.schemas import AuthorRef, ChannelRef
from carelane.posts.service import triage_summary
from carelane.store.models import (
    Author,
    Channel,
    Conversation,
    Customer,
    Identity,
    Message,
    Post,
    PostTriage,
)
from carelane.workspaces.service import get_workspace_id


class ConversationOrder(StrEnum):
    """How a queue of conversations is sorted."""

    ACTIVITY = "activity"  # latest message first
    PRIORITY = "priority"  # most urgent first, then latest message


@dataclass(frozen=True, slots=True)
class ConversationFilters:
    """Which conversations of a workspace to list; every given filter must hold."""

    channel_id: int | None = None
    status: ConversationStatus | None = None
    since: datetime | None = None  # last message at or after
    until: datetime | None = None  # last message before
    text: str | None = None  # one of its posts contains it, case-insensitively
    author_handle: str | None = None  # the customer's handle, with or without '@'
    author_ids: Sequence[int] | None = None
    lane: str | None = None  # the lane's name, any case
    min_priority: int | None = None  # priority at least this
    lanes_seen: LanesSeen = None  # only conversations in these lanes (None: every lane)


ConversationQuery = Select[Conversation, Channel, Author]


def _conversation_query(workspace_id: int) -> ConversationQuery:
    return (
        select(Conversation, Channel, Author)
        .join(Channel, Channel.id == Conversation.channel_id)
        .join(Author, Author.id == Conversation.author_id)
        .where(Conversation.workspace_id == workspace_id)
    )


def _latest_texts(session: Session, conversation_ids: list[int]) -> dict[int, str]:
    if not conversation_ids:
        return {}
    newest_first = func.row_number().over(
        partition_by=Post.conversation_id, order_by=(Post.created_at.desc(), Post.id.desc())
    )
    ranked = (
        select(Post.conversation_id, Post.text, newest_first.label("rank"))
        .where(Post.conversation_id.in_(conversation_ids))
        .subquery()
    )
    latest = select(ranked.c.conversation_id, ranked.c.text).where(ranked.c.rank == 1)
    return {row[0]: row[1] for row in session.execute(latest)}


def _out(row: Row[Conversation, Channel, Author], latest: str | None) -> ConversationOut:
    conversation, channel, author = row
    return ConversationOut(
        id=conversation.id,
        channel=ChannelRef(id=channel.id, network=channel.network, account=channel.account),
        author=AuthorRef(id=author.id, handle=author.handle, display_name=author.display_name),
        status=ConversationStatus(conversation.status),
        lane=conversation.lane,
        categories=list(conversation.categories or []),
        priority=conversation.priority,
        assignee_id=conversation.assignee_id,
        opened_at=conversation.opened_at,
        last_message_at=conversation.last_message_at,
        last_inbound_at=conversation.last_inbound_at,
        message_count=conversation.message_count,
        latest_text=latest,
    )


def _filtered(query: ConversationQuery, filters: ConversationFilters) -> ConversationQuery:
    check_min_priority(filters.min_priority)
    if filters.lane:
        query = query.where(func.lower(Conversation.lane) == filters.lane.strip().lower())
    if filters.lanes_seen is not None:
        query = query.where(lane_among(Conversation.lane, filters.lanes_seen))
    if filters.min_priority is not None:
        query = query.where(Conversation.priority >= filters.min_priority)
    if filters.channel_id is not None:
        query = query.where(Conversation.channel_id == filters.channel_id)
    if filters.status is not None:
        query = query.where(Conversation.status == filters.status.value)
    if filters.since is not None:
        query = query.where(Conversation.last_message_at >= filters.since)
    if filters.until is not None:
        query = query.where(Conversation.last_message_at < filters.until)
    if filters.author_handle:
        handle = filters.author_handle.removeprefix("@").lower()
        query = query.where(func.lower(Author.handle) == handle)
    if filters.author_ids is not None:
        query = query.where(Conversation.author_id.in_(filters.author_ids))
    if filters.text:
        query = query.where(
            exists().where(
                Post.conversation_id == Conversation.id,
                Post.text.ilike(contains_pattern(filters.text), escape="\\"),
            )
        )
    return query


def get_conversation_page(
    *,
    session: Session,
    workspace_id: int,
    filters: ConversationFilters,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
    order: ConversationOrder = ConversationOrder.ACTIVITY,
) -> ConversationPage:
    """Conversations of workspace `workspace_id` matching `filters`, in `order` (latest
    activity first, or most urgent first and then latest), `limit` at most, starting after
    `cursor` (which only a listing in the same order gives out). Never returns another
    workspace's."""
    check_page_size(limit)
    check_window(filters.since, filters.until)
    query = in_page_order(
        _filtered(_conversation_query(workspace_id), filters),
        at=Conversation.last_message_at,
        row_id=Conversation.id,
        cursor=cursor,
        priority=Conversation.priority if order is ConversationOrder.PRIORITY else None,
    )
    rows = session.execute(query.limit(limit + 1)).all()
    shown = rows[:limit]
    latest = _latest_texts(session, [row[0].id for row in shown])
    items = [_out(row, latest.get(row[0].id)) for row in shown]
    last = items[-1] if items else None
    next_cursor = (
        cursor_after(
            last.last_message_at,
            last.id,
            ranked=order is ConversationOrder.PRIORITY,
            priority=last.priority,
        )
        if last is not None and len(rows) > limit
        else None
    )
    return ConversationPage(items=items, next_cursor=next_cursor)


def get_conversations(
    *,
    session: Session,
    workspace: str,
    filters: ConversationFilters,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
    order: ConversationOrder = ConversationOrder.ACTIVITY,
) -> ConversationPage:
    """Conversations of workspace `workspace` (a slug) matching `filters`, in `order`.

    NotFoundError for an unknown workspace; InvalidInputError for a bad limit, window,
    priority or cursor.
    """
    workspace_id = get_workspace_id(session=session, slug=workspace)
    return get_conversation_page(
        session=session,
        workspace_id=workspace_id,
        filters=filters,
        limit=limit,
        cursor=cursor,
        order=order,
    )


def customer_of_author(session: Session, author_id: int) -> CustomerRef | None:
    """The customer `author_id` is linked to, if any."""
    row = session.execute(
        select(Customer, Identity)
        .join(Identity, Identity.customer_id == Customer.id)
        .where(Identity.author_id == author_id)
    ).first()
    if row is None:
        return None
    customer, identity = row
    return CustomerRef(
        id=customer.id, name=customer.name, linked_by=identity.linked_by, consent=identity.consent
    )


def _timeline(session: Session, conversation_id: int) -> list[TimelineEntry]:
    post_author = aliased(Author)
    rows = session.execute(
        select(Message, Post, post_author, PostTriage)
        .outerjoin(Post, Post.id == Message.post_id)
        .outerjoin(post_author, post_author.id == Post.author_id)
        .outerjoin(PostTriage, PostTriage.post_id == Post.id)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    ).all()
    entries = []
    for message, post, author, triage in rows:
        inbound = post is not None and post.direction == Direction.INBOUND.value
        entries.append(
            TimelineEntry(
                message_id=message.id,
                kind=MessageKind(message.kind),
                created_at=message.created_at,
                text=post.text if post is not None else message.body,
                post_id=message.post_id,
                external_id=post.external_id if post is not None else None,
                direction=Direction(post.direction) if post is not None else None,
                visibility=Visibility(post.visibility) if post is not None else None,
                in_reply_to=post.in_reply_to if post is not None else None,
                author=(
                    AuthorRef(id=author.id, handle=author.handle, display_name=author.display_name)
                    if author is not None
                    else None
                ),
                agent_id=message.agent_id,
                triage=triage_summary(triage) if inbound else None,
            )
        )
    return entries


def get_conversation(
    *, session: Session, workspace: str, conversation_id: int
) -> ConversationDetail:
    """Conversation `conversation_id` of workspace `workspace` with its customer and its
    whole timeline, oldest entry first.

    NotFoundError when the workspace is unknown or the conversation is not one of its own:
    an id of another workspace reveals nothing.
    """
    workspace_id = get_workspace_id(session=session, slug=workspace)
    row = session.execute(
        _conversation_query(workspace_id).where(Conversation.id == conversation_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no conversation {conversation_id} in workspace {workspace!r}")
    summary = _out(row, _latest_texts(session, [conversation_id]).get(conversation_id))
    author = row[2]
    return ConversationDetail(
        **summary.model_dump(),
        author_profile=AuthorOut.model_validate(author),
        customer=customer_of_author(session, author.id),
        timeline=_timeline(session, conversation_id),
    )
