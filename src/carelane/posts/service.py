"""Reading stored posts, always within one workspace, and receiving posted batches."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session, sessionmaker

from carelane.config import Settings
from carelane.domain.channels import Direction
from carelane.ingest.pipeline import Clock, batches, ingest_stages, run_pipeline
from carelane.ingest.readers.base import RawItem
from carelane.ingest.results import ItemResult
from carelane.posts.paging import (
    DEFAULT_PAGE_SIZE,
    Cursor,
    after_cursor,
    check_page_size,
    check_window,
    contains_pattern,
)
from carelane.posts.schemas import AuthorRef, ChannelRef, PostOut, PostPage
from carelane.store.models import Author, Channel, Post
from carelane.workspaces.service import get_workspace_id


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


def _post_query(workspace_id: int) -> Select[Post, Channel, Author]:
    return (
        select(Post, Channel, Author)
        .join(Channel, Channel.id == Post.channel_id)
        .join(Author, Author.id == Post.author_id)
        .where(Post.workspace_id == workspace_id)
    )


def post_out(row: Row[Post, Channel, Author]) -> PostOut:
    """A stored post with its channel and author, as the API shows it."""
    post, channel, author = row
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
    )


def get_post_page(
    *,
    session: Session,
    workspace_id: int,
    filters: PostFilters,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> PostPage:
    """Posts of workspace `workspace_id` matching `filters`, newest first, `limit` at most,
    starting after `cursor`. Never returns a post of another workspace."""
    check_page_size(limit)
    check_window(filters.since, filters.until)
    query = _post_query(workspace_id)
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
    if cursor is not None:
        query = query.where(after_cursor(Cursor.decode(cursor), Post.created_at, Post.id))
    query = query.order_by(Post.created_at.desc(), Post.id.desc()).limit(limit + 1)
    rows = session.execute(query).all()
    items = [post_out(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = Cursor(last.created_at, last.id).encode()
    return PostPage(items=items, next_cursor=next_cursor)


def get_posts(
    *,
    session: Session,
    workspace: str,
    filters: PostFilters,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> PostPage:
    """Posts of workspace `workspace` (a slug) matching `filters`, newest first.

    NotFoundError for an unknown workspace; InvalidInputError for a bad limit, window or
    cursor.
    """
    workspace_id = get_workspace_id(session=session, slug=workspace)
    return get_post_page(
        session=session, workspace_id=workspace_id, filters=filters, limit=limit, cursor=cursor
    )


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
