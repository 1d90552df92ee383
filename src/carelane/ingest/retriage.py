"""Re-running triage over stored posts with other models (a new version, say).

`do_retriage` walks the posts created since a moment in id order, a batch at a time
(keyset pagination: memory stays flat however long the history), triages each batch
with its workspaces' current settings and the given models, and writes it back in one
transaction: the triage rows replaced (agents' corrections kept), and the conversations
the batch's inbound posts belong to given the lane, categories and priority of their
most urgent inbound post, as ingest gives them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.channels import Direction, Visibility
from carelane.ingest.triage_store import triage_row
from carelane.posts.corrections import apply_correction, latest_corrections
from carelane.store.database import unit_of_work
from carelane.store.models import Author, Channel, Conversation, Post, PostTriage, Workspace
from carelane.store.upsert import dialect_insert
from carelane.triage.engine import PostToTriage, WorkspaceTriage, triage_posts
from carelane.triage.models import TriageModels
from carelane.workspaces.service import get_workspace_id
from carelane.workspaces.triage_settings import (
    TriageSettings,
    load_workspace_triage,
    workspace_triage,
)

DEFAULT_BATCH_SIZE = 500

post_triage_t = cast(Table, PostTriage.__table__)
conversation_t = cast(Table, Conversation.__table__)


def parse_since(text: str) -> datetime:
    """An ISO date (midnight) or date-time as an aware UTC instant; naive means UTC.
    ValueError saying what is expected otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO date or date-time, e.g. 2015-02-20 or 2015-02-20T08:00+00:00"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(slots=True)
class RetriageSummary:
    """What a re-triage did: posts triaged again (`first_time` of them had no triage), how
    many changed intent, sentiment or lane, and the conversations written."""

    retriaged: int = 0
    first_time: int = 0
    changed_intent: int = 0
    changed_sentiment: int = 0
    changed_lane: int = 0
    conversations: int = 0


@dataclass(frozen=True, slots=True)
class _StoredPost:
    id: int
    workspace_id: int
    workspace: str
    conversation_id: int | None
    inbound: bool
    post: PostToTriage


OnBatch = Callable[[int, RetriageSummary], None]
"""Called after each batch is written: the batch's number of posts, the totals so far."""


def _scope(since: datetime, workspace_id: int | None) -> list[Any]:
    conditions: list[Any] = [Post.created_at >= since]
    if workspace_id is not None:
        conditions.append(Post.workspace_id == workspace_id)
    return conditions


def count_posts_to_retriage(
    *, session: Session, since: datetime, workspace: str | None = None
) -> int:
    """How many posts `do_retriage` with these arguments would triage again."""
    workspace_id = None if workspace is None else get_workspace_id(session=session, slug=workspace)
    query = select(func.count()).select_from(Post).where(*_scope(since, workspace_id))
    return session.scalar(query) or 0


def _read_batch(
    session: Session, since: datetime, workspace_id: int | None, after_id: int, size: int
) -> list[_StoredPost]:
    rows = session.execute(
        select(
            Post.id,
            Post.workspace_id,
            Workspace.slug,
            Post.conversation_id,
            Post.direction,
            Post.visibility,
            Post.text,
            Post.language,
            Channel.network,
            Channel.account,
            Channel.kind,
            Author.handle,
            Author.followers,
            Author.verified,
        )
        .join(Workspace, Workspace.id == Post.workspace_id)
        .join(Channel, Channel.id == Post.channel_id)
        .join(Author, Author.id == Post.author_id)
        .where(Post.id > after_id, *_scope(since, workspace_id))
        .order_by(Post.id)
        .limit(size)
    ).all()
    return [
        _StoredPost(
            id=row.id,
            workspace_id=row.workspace_id,
            workspace=row.slug,
            conversation_id=row.conversation_id,
            inbound=row.direction == Direction.INBOUND.value,
            post=PostToTriage(
                text=row.text,
                network=row.network,
                channel=row.account,
                channel_kind=row.kind,
                author_handle=row.handle,
                author_followers=row.followers,
                author_verified=bool(row.verified),
                outbound=row.direction == Direction.OUTBOUND.value,
                public=row.visibility == Visibility.PUBLIC.value,
                language=row.language,
            ),
        )
        for row in rows
    ]


def do_retriage(
    *,
    sessions: sessionmaker[Session],
    models: TriageModels,
    since: datetime,
    clock: Callable[[], datetime],
    workspace: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: OnBatch | None = None,
) -> RetriageSummary:
    """Triage again, with `models`, every post created at or after `since` (aware), of
    workspace `workspace` (a slug) or of all; one transaction per batch of `batch_size`.

    Each post's triage row is replaced (inserted if it had none) and stamped with the
    models' version; a field an agent corrected keeps its latest corrected value. The
    conversations of the batch's inbound posts take the lane, categories and priority of
    their most urgent inbound post (the latest among equals), over all their stored
    posts, so a priority that the new models lower does drop. NotFoundError for an
    unknown workspace.
    """
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    with sessions() as session:
        workspace_id = (
            None if workspace is None else get_workspace_id(session=session, slug=workspace)
        )
    summary = RetriageSummary()
    default = workspace_triage(None, TriageSettings())
    after_id = 0
    while True:
        with sessions() as session:
            batch = _read_batch(session, since, workspace_id, after_id, batch_size)
            settings = load_workspace_triage(session, {p.workspace for p in batch})
        if not batch:
            return summary
        triages = triage_posts(
            [p.post for p in batch], [settings.get(p.workspace, default) for p in batch], models
        )
        now = clock()
        rows = [
            triage_row(p.id, p.workspace_id, t, now) for p, t in zip(batch, triages, strict=True)
        ]
        with sessions() as session, unit_of_work(session):
            _write_batch(session, batch, rows, settings, summary)
        after_id = batch[-1].id
        if on_batch is not None:
            on_batch(len(batch), summary)


def _write_batch(
    session: Session,
    batch: Sequence[_StoredPost],
    rows: list[dict[str, Any]],
    settings: dict[str, WorkspaceTriage],
    summary: RetriageSummary,
) -> None:
    ids = [p.id for p in batch]
    old = {
        row.post_id: row
        for row in session.execute(
            select(
                PostTriage.post_id, PostTriage.intent, PostTriage.sentiment, PostTriage.lane
            ).where(PostTriage.post_id.in_(ids))
        )
    }
    corrections = latest_corrections(session, ids)
    for post, row in zip(batch, rows, strict=True):
        lanes = settings[post.workspace].lanes
        for correction in corrections.get(post.id, ()):
            row.update(apply_correction(row, correction, lanes.config if lanes else None))
        before = old.get(post.id)
        summary.retriaged += 1
        if before is None:
            summary.first_time += 1
            continue
        summary.changed_intent += before.intent != row["intent"]
        summary.changed_sentiment += before.sentiment != row["sentiment"]
        summary.changed_lane += before.lane != row["lane"]
    insert = dialect_insert(session, post_triage_t)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[post_triage_t.c.post_id],
            set_={
                column.name: insert.excluded[column.name]
                for column in post_triage_t.columns
                if column.name != "post_id"
            },
        ),
        rows,
    )
    summary.conversations += _recompute_conversations(
        session, {p.conversation_id for p in batch if p.inbound and p.conversation_id is not None}
    )


def _recompute_conversations(session: Session, conversation_ids: set[int | None]) -> int:
    """Give each conversation the lane, categories and priority of its most urgent stored
    inbound post; the number of conversations written."""
    ids = sorted(i for i in conversation_ids if i is not None)
    if not ids:
        return 0
    rank = (
        func.row_number()
        .over(
            partition_by=Post.conversation_id,
            order_by=(PostTriage.priority.desc(), Post.created_at.desc(), Post.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(Post.conversation_id, PostTriage.post_id, rank)
        .join(PostTriage, PostTriage.post_id == Post.id)
        .where(Post.conversation_id.in_(ids), Post.direction == Direction.INBOUND.value)
        .subquery()
    )
    deciding = session.execute(
        select(ranked.c.conversation_id, PostTriage.lane, PostTriage.detail, PostTriage.priority)
        .join(PostTriage, PostTriage.post_id == ranked.c.post_id)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.conversation_id)
    ).all()
    if not deciding:
        return 0
    statement = (
        update(conversation_t)
        .where(conversation_t.c.id == bindparam("b_id"))
        .values(
            lane=bindparam("b_lane"),
            categories=bindparam("b_categories", type_=conversation_t.c.categories.type),
            priority=bindparam("b_priority"),
        )
    )
    session.connection().execute(
        statement,
        [
            {
                "b_id": conversation_id,
                "b_lane": lane,
                "b_categories": [c["name"] for c in detail.get("categories") or []],
                "b_priority": priority,
            }
            for conversation_id, lane, detail, priority in deciding
        ],
    )
    return len(deciding)
