"""Reading stored posts with their triage, always within one workspace, and receiving
posted batches."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Row, Select, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from carelane.config import Settings
from carelane.conversations.lane_scope import LanesSeen, lane_among
from carelane.domain.channels import Direction
from carelane.domain.errors import NotFoundError
from carelane.domain.triage import Intent, Sentiment
from carelane.ingest.pipeline import Clock, batches, ingest_stages, run_pipeline
from carelane.ingest.readers.base import RawItem
from carelane.ingest.results import ItemResult
from carelane.posts.paging import (
    DEFAULT_PAGE_SIZE,
    check_min_priority,
    check_page_size,
    check_window,
    contains_pattern,
    cursor_after,
    in_page_order,
)
from carelane.posts.schemas import (
    AuthorRef,
    ChannelRef,
    PostDetail,
    PostOut,
    PostPage,
    TriageDetail,
    TriageSummary,
)
from carelane.store.models import Author, Channel, Conversation, Post, PostTriage
from carelane.workspaces.service import get_workspace_id


class PostOrder(StrEnum):
    """How a listing of posts is sorted."""

    NEWEST = "newest"  # newest first
    PRIORITY = "priority"  # most urgent first, then newest


@dataclass(frozen=True, slots=True)
class PostFilters:
    """Which posts of a workspace to list; every given filter must hold."""

    channel_id: int | None = None
    direction: Direction | None = None
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before
    text: str | None = None  # text contains, case-insensitively
    conversation_id: int | None = None
    author_ids: Sequence[int] | None = None
    intent: Intent | None = None
    sentiment: Sentiment | None = None
    actionable: bool | None = None
    lane: str | None = None  # the lane's name, any case
    min_priority: int | None = None  # priority at least this
    lanes_seen: LanesSeen = None  # only posts of conversations in these lanes (None: all)


PostQuery = Select[Post, Channel, Author, PostTriage]


def _post_query(workspace_id: int) -> PostQuery:
    return (
        select(Post, Channel, Author, PostTriage)
        .join(Channel, Channel.id == Post.channel_id)
        .join(Author, Author.id == Post.author_id)
        .outerjoin(PostTriage, PostTriage.post_id == Post.id)
        .where(Post.workspace_id == workspace_id)
    )


def triage_summary(triage: PostTriage | None) -> TriageSummary | None:
    """A stored triage in short, as listings show it."""
    if triage is None:
        return None
    return TriageSummary(
        actionable=triage.actionable,
        intent=Intent(triage.intent),
        sentiment=Sentiment(triage.sentiment),
        sentiment_score=triage.sentiment_score,
        language=triage.language,
        lane=triage.lane,
        priority=triage.priority,
        take_offline=triage.take_offline,
        model_version=triage.model_version,
    )


def triage_detail(triage: PostTriage | None) -> TriageDetail | None:
    """A stored triage whole: the columns as they stand (corrections included) and the
    reasons, topics, categories, personal data and priority breakdown of its detail."""
    summary = triage_summary(triage)
    if triage is None or summary is None:
        return None
    return TriageDetail.model_validate(
        {**(triage.detail or {}), **summary.model_dump(), "triaged_at": triage.triaged_at}
    )


def post_out(row: Row[Post, Channel, Author, PostTriage]) -> PostOut:
    """A stored post with its channel, author and triage, as the API shows it."""
    post, channel, author, triage = row
    return PostOut(
        id=post.id,
        external_id=post.external_id,
        channel=ChannelRef(id=channel.id, network=channel.network, account=channel.account),
        author=AuthorRef(id=author.id, handle=author.handle, display_name=author.display_name),
        conversation_id=post.conversation_id,
        direction=Direction(post.direction),
        visibility=post.visibility,
        text=post.text,
        language=post.language,
        in_reply_to=post.in_reply_to,
        created_at=post.created_at,
        received_at=post.received_at,
        triage=triage_summary(triage),
    )


def _filtered_by_triage(query: PostQuery, filters: PostFilters) -> PostQuery:
    check_min_priority(filters.min_priority)
    if filters.intent is not None:
        query = query.where(PostTriage.intent == filters.intent.value)
    if filters.sentiment is not None:
        query = query.where(PostTriage.sentiment == filters.sentiment.value)
    if filters.actionable is not None:
        query = query.where(PostTriage.actionable.is_(filters.actionable))
    if filters.lane:
        query = query.where(func.lower(PostTriage.lane) == filters.lane.strip().lower())
    if filters.min_priority is not None:
        query = query.where(PostTriage.priority >= filters.min_priority)
    return query


def _filtered(query: PostQuery, filters: PostFilters) -> PostQuery:
    if filters.channel_id is not None:
        query = query.where(Post.channel_id == filters.channel_id)
    if filters.direction is not None:
        query = query.where(Post.direction == filters.direction.value)
    if filters.since is not None:
        query = query.where(Post.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(Post.created_at < filters.until)
    if filters.text:
        query = query.where(Post.text.ilike(contains_pattern(filters.text), escape="\\"))
    if filters.conversation_id is not None:
        query = query.where(Post.conversation_id == filters.conversation_id)
    if filters.author_ids is not None:
        query = query.where(Post.author_id.in_(filters.author_ids))
    if filters.lanes_seen is not None:
        query = query.where(
            exists().where(
                Conversation.id == Post.conversation_id,
                lane_among(Conversation.lane, filters.lanes_seen),
            )
        )
    return _filtered_by_triage(query, filters)


def get_post_page(
    *,
    session: Session,
    workspace_id: int,
    filters: PostFilters,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
    order: PostOrder = PostOrder.NEWEST,
) -> PostPage:
    """Posts of workspace `workspace_id` matching `filters`, in `order` (newest first, or
    most urgent first and then newest), `limit` at most, starting after `cursor` (which
    only a listing in the same order gives out). Never returns another workspace's post."""
    check_page_size(limit)
    check_window(filters.since, filters.until)
    query = in_page_order(
        _filtered(_post_query(workspace_id), filters),
        at=Post.created_at,
        row_id=Post.id,
        cursor=cursor,
        priority=PostTriage.priority if order is PostOrder.PRIORITY else None,
    )
    rows = session.execute(query.limit(limit + 1)).all()
    items = [post_out(row) for row in rows[:limit]]
    last = items[-1] if items else None
    next_cursor = (
        cursor_after(
            last.created_at,
            last.id,
            ranked=order is PostOrder.PRIORITY,
            priority=last.triage.priority if last.triage is not None else None,
        )
        if last is not None and len(rows) > limit
        else None
    )
    return PostPage(items=items, next_cursor=next_cursor)


def get_posts(
    *,
    session: Session,
    workspace: str,
    filters: PostFilters,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
    order: PostOrder = PostOrder.NEWEST,
) -> PostPage:
    """Posts of workspace `workspace` (a slug) matching `filters`, in `order`.

    NotFoundError for an unknown workspace; InvalidInputError for a bad limit, window,
    priority or cursor.
    """
    workspace_id = get_workspace_id(session=session, slug=workspace)
    return get_post_page(
        session=session,
        workspace_id=workspace_id,
        filters=filters,
        limit=limit,
        cursor=cursor,
        order=order,
    )


def get_post(*, session: Session, workspace: str, post_id: int) -> PostDetail:
    """Post `post_id` of workspace `workspace` with the whole of its triage.

    NotFoundError when the workspace is unknown or the post is not one of its own: an id
    of another workspace reveals nothing.
    """
    workspace_id = get_workspace_id(session=session, slug=workspace)
    row = session.execute(_post_query(workspace_id).where(Post.id == post_id)).first()
    if row is None:
        raise NotFoundError(f"no post {post_id} in workspace {workspace!r}")
    return PostDetail(**post_out(row).model_dump(), triage_detail=triage_detail(row[3]))


def do_receive_posts(
    *,
    sessions: sessionmaker[Session],
    items: Sequence[RawItem],
    settings: Settings,
    clock: Clock,
) -> list[ItemResult]:
    """Run `items` through the ingest pipeline; one result per item, in input order.

    Each item is stored once (a repeat is a duplicate) or rejected with every problem
    found; rejected items never keep the good ones of the batch from being stored.
    Posts of unknown workspaces are rejected: workspaces are created explicitly.
    """
    stages = ingest_stages(
        sessions,
        clock=clock,
        max_clock_skew=timedelta(seconds=settings.max_clock_skew_seconds),
        create_workspaces=False,
    )
    results: list[ItemResult] = []
    for batch in run_pipeline(stages, batches(items, settings.ingest_batch_size)):
        results.extend(batch.results())
    return results
