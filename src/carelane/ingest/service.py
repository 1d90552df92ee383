"""Store validated posts: dedupe, find or open their conversations, persist, log events.

`do_ingest_posts` writes one batch in one transaction: every post of the batch with its
messages, conversations and events, or nothing. Concurrent ingesters are safe: unique
keys catch the race, the batch is rolled back and retried, and the retry sees the other
ingester's posts as duplicates.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from carelane.domain.channels import Direction
from carelane.domain.conversations import ACTIVE_STATUSES, ConversationStatus, MessageKind
from carelane.domain.errors import FieldError
from carelane.domain.events import EventType
from carelane.domain.posts import NormalisedPost
from carelane.ingest.results import ItemResult, ItemStatus
from carelane.ingest.threading import PostToThread, ThreadState, thread_posts
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Author, Channel, Conversation, Message, Post, Workspace
from carelane.store.upsert import dialect_insert

MAX_ATTEMPTS = 5

workspace_t = cast(Table, Workspace.__table__)
channel_t = cast(Table, Channel.__table__)
author_t = cast(Table, Author.__table__)
post_t = cast(Table, Post.__table__)
conversation_t = cast(Table, Conversation.__table__)
message_t = cast(Table, Message.__table__)

ChannelKey = tuple[int, str, str]  # workspace id, network, account


@dataclass(frozen=True, slots=True)
class PostToStore:
    """A validated post and its position in the caller's input."""

    index: int
    post: NormalisedPost


@dataclass(frozen=True, slots=True)
class _Placed:
    """A post with the ids of its workspace and channel."""

    index: int
    post: NormalisedPost
    workspace_id: int
    channel_id: int


def do_ingest_posts(
    *,
    session: Session,
    posts: Sequence[PostToStore],
    now: datetime,
    create_workspaces: bool = False,
) -> list[ItemResult]:
    """Store `posts` once each, threaded into conversations; one result per post, in order.

    Posts of unknown workspaces are rejected unless `create_workspaces` is set (imports
    and replays of whole data sets). Channels and authors are registered on first sight.
    """
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with unit_of_work(session):
                return _ingest(session, posts, now, create_workspaces)
        except (IntegrityError, OperationalError):
            # Lost a race with a concurrent ingester (unique key, deadlock or lock
            # timeout): nothing of this attempt was kept; the retry sees their rows.
            if attempt == MAX_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _ingest(
    session: Session, posts: Sequence[PostToStore], now: datetime, create_workspaces: bool
) -> list[ItemResult]:
    results: dict[int, ItemResult] = {}
    workspace_ids = _workspace_ids(
        session, {p.post.workspace for p in posts}, now, create=create_workspaces
    )
    known = [p for p in posts if p.post.workspace in workspace_ids]
    for item in posts:
        if item.post.workspace not in workspace_ids:
            results[item.index] = ItemResult(
                item.index,
                ItemStatus.REJECTED,
                errors=[FieldError("workspace", f"unknown workspace {item.post.workspace!r}")],
            )
    channel_ids = _channel_ids(session, known, workspace_ids, now)
    placed = []
    for item in known:
        workspace_id = workspace_ids[item.post.workspace]
        key = (workspace_id, item.post.network.value, item.post.channel)
        placed.append(_Placed(item.index, item.post, workspace_id, channel_ids[key]))
    _lock_channels(session, {item.channel_id for item in placed})
    fresh, repeats = _drop_duplicates(session, placed, results)
    if fresh:
        _store(session, fresh, now, results)
    for index, first in repeats:
        results[index] = ItemResult(index, ItemStatus.DUPLICATE, post_id=results[first].post_id)
    return [results[item.index] for item in posts]


def _workspace_ids(
    session: Session, slugs: set[str], now: datetime, *, create: bool
) -> dict[str, int]:
    def known(among: Sequence[str]) -> dict[str, int]:
        query = select(workspace_t.c.slug, workspace_t.c.id).where(workspace_t.c.slug.in_(among))
        rows = session.execute(query).all()
        return {row.slug: row.id for row in rows}

    ids = known(sorted(slugs))
    missing = sorted(slugs - ids.keys())
    if missing and create:
        # Only the rows this insert made come back: a workspace a concurrent ingester
        # created meanwhile is found below but logs no second `workspace.created`.
        inserted = session.execute(
            dialect_insert(session, workspace_t)
            .on_conflict_do_nothing()
            .returning(workspace_t.c.slug, workspace_t.c.id),
            [{"slug": slug, "name": slug, "created_at": now} for slug in missing],
        ).all()
        created = {row.slug: row.id for row in inserted}
        append_events(
            session,
            [
                EventRow(workspace_id, EventType.WORKSPACE_CREATED, now, data={"slug": slug})
                for slug, workspace_id in created.items()
            ],
            now=now,
        )
        ids.update(known(missing))
    return ids


def _channel_ids(
    session: Session,
    posts: Sequence[PostToStore],
    workspace_ids: dict[str, int],
    now: datetime,
) -> dict[ChannelKey, int]:
    wanted: dict[ChannelKey, str] = {}
    for item in posts:
        p = item.post
        key = (workspace_ids[p.workspace], p.network.value, p.channel)
        wanted.setdefault(key, p.channel_kind.value)
    if not wanted:
        return {}
    columns = (channel_t.c.workspace_id, channel_t.c.network, channel_t.c.account)

    def known() -> dict[ChannelKey, int]:
        query = select(*columns, channel_t.c.id).where(tuple_(*columns).in_(list(wanted)))
        return {(w, n, a): i for w, n, a, i in session.execute(query).all()}

    ids = known()
    missing = sorted(key for key in wanted if key not in ids)
    if missing:
        # As for workspaces: only the channels this insert made log `channel.created`.
        inserted = session.execute(
            dialect_insert(session, channel_t)
            .on_conflict_do_nothing()
            .returning(*columns, channel_t.c.id),
            [
                {
                    "workspace_id": w,
                    "network": n,
                    "account": a,
                    "kind": wanted[(w, n, a)],
                    "created_at": now,
                }
                for w, n, a in missing
            ],
        ).all()
        ids = known()
        append_events(
            session,
            [
                EventRow(
                    row.workspace_id,
                    EventType.CHANNEL_CREATED,
                    now,
                    data={"channel_id": row.id, "network": row.network, "account": row.account},
                )
                for row in inserted
            ],
            now=now,
        )
    return ids


def _lock_channels(session: Session, channel_ids: set[int]) -> None:
    """Take the batch's channels for this transaction, in id order.

    Posts, their dedupe and their conversations all live within one channel, so
    ingesters of the same channel take turns from here to commit and each sees the
    other's posts as stored; ingesters of other channels go on in parallel. Without it,
    concurrent batches with overlapping posts keep failing each other's unique keys.
    SQLite needs nothing: its write transaction already holds the whole database.
    """
    if channel_ids and session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(channel_t.c.id)
            .where(channel_t.c.id.in_(sorted(channel_ids)))
            .order_by(channel_t.c.id)
            .with_for_update()
        )


def _drop_duplicates(
    session: Session, posts: Sequence[_Placed], results: dict[int, ItemResult]
) -> tuple[list[_Placed], list[tuple[int, int]]]:
    """The posts stored neither before nor earlier in this batch, and the batch's repeats
    as (index, index of the first occurrence)."""
    wanted: dict[int, set[str]] = {}
    for item in posts:
        wanted.setdefault(item.channel_id, set()).add(item.post.external_id)
    stored: dict[tuple[int, str], int] = {}
    for channel_id, external_ids in wanted.items():
        query = select(post_t.c.external_id, post_t.c.id).where(
            post_t.c.channel_id == channel_id, post_t.c.external_id.in_(external_ids)
        )
        for external_id, post_id in session.execute(query).all():
            stored[(channel_id, external_id)] = post_id
    fresh: list[_Placed] = []
    repeats: list[tuple[int, int]] = []
    first_in_batch: dict[tuple[int, str], int] = {}
    for item in posts:
        key = (item.channel_id, item.post.external_id)
        if key in stored:
            results[item.index] = ItemResult(item.index, ItemStatus.DUPLICATE, post_id=stored[key])
        elif key in first_in_batch:
            repeats.append((item.index, first_in_batch[key]))
        else:
            first_in_batch[key] = item.index
            fresh.append(item)
    return fresh, repeats


def _store(
    session: Session, posts: list[_Placed], now: datetime, results: dict[int, ItemResult]
) -> None:
    posts = sorted(posts, key=lambda item: item.post.created_at)
    author_ids = _upsert_authors(session, posts, now)
    to_thread = [
        PostToThread(
            channel_id=item.channel_id,
            author_id=author_ids[
                (item.workspace_id, item.post.network.value, item.post.author.handle)
            ],
            external_id=item.post.external_id,
            in_reply_to=item.post.in_reply_to,
            direction=item.post.direction,
            created_at=item.post.created_at,
        )
        for item in posts
    ]
    states: dict[int, ThreadState] = {}  # one state per stored conversation
    known_parents = _known_parents(session, to_thread, states)
    active = _active_threads(session, to_thread, states)
    threads = thread_posts(to_thread, known_parents=known_parents, active=active)

    workspace_of_thread: dict[int, int] = {}
    for item, thread in zip(posts, threads, strict=True):
        if thread is not None:
            workspace_of_thread[id(thread)] = item.workspace_id
    unique_threads = list({id(t): t for t in threads if t is not None}.values())
    _insert_new_conversations(session, unique_threads, workspace_of_thread, now)

    post_ids = (
        session.execute(
            post_t.insert().returning(post_t.c.id, sort_by_parameter_order=True),
            [
                {
                    "workspace_id": item.workspace_id,
                    "channel_id": item.channel_id,
                    "external_id": item.post.external_id,
                    "author_id": threaded.author_id,
                    "conversation_id": thread.id if thread else None,
                    "direction": item.post.direction.value,
                    "visibility": item.post.visibility.value,
                    "text": item.post.text,
                    "language": item.post.language,
                    "in_reply_to": item.post.in_reply_to,
                    "created_at": item.post.created_at,
                    "received_at": now,
                    "raw": item.post.raw,
                }
                for item, threaded, thread in zip(posts, to_thread, threads, strict=True)
            ],
        )
        .scalars()
        .all()
    )

    messages = []
    events = []
    for item, thread, post_id in zip(posts, threads, post_ids, strict=True):
        conversation_id = thread.id if thread else None
        results[item.index] = ItemResult(
            item.index,
            ItemStatus.CREATED,
            post_id=post_id,
            conversation_id=conversation_id,
            opened_conversation=thread is not None and thread.opened_by == item.post.external_id,
        )
        if thread is not None:
            messages.append(
                {
                    "workspace_id": item.workspace_id,
                    "conversation_id": conversation_id,
                    "kind": (
                        MessageKind.INBOUND_POST
                        if item.post.direction is Direction.INBOUND
                        else MessageKind.OUTBOUND_REPLY
                    ).value,
                    "post_id": post_id,
                    "created_at": item.post.created_at,
                }
            )
        events.append(
            EventRow(
                item.workspace_id,
                EventType.POST_RECEIVED,
                item.post.created_at,
                conversation_id=conversation_id,
                post_id=post_id,
                data={"channel_id": item.channel_id, "direction": item.post.direction.value},
            )
        )
    if messages:
        session.execute(message_t.insert(), messages)
    _update_existing_conversations(session, unique_threads, now)
    for thread in unique_threads:
        events.extend(_thread_events(thread, workspace_of_thread[id(thread)]))
    append_events(session, events, now=now)


def _upsert_authors(
    session: Session, posts: Sequence[_Placed], now: datetime
) -> dict[tuple[int, str, str], int]:
    """Register or refresh every author of `posts`; their ids by (workspace, network, handle).

    The latest post's profile (followers, display name, verified) wins; what it does
    not show (no follower count, no display name) is kept from earlier posts. Posts older
    than what is stored change nothing but `first_seen_at`.
    """
    latest: dict[tuple[int, str, str], dict[str, Any]] = {}
    for item in posts:  # in publication order, so later profiles overwrite earlier ones
        a = item.post.author
        key = (item.workspace_id, item.post.network.value, a.handle)
        row = latest.get(key)
        latest[key] = {
            "workspace_id": item.workspace_id,
            "network": item.post.network.value,
            "handle": a.handle,
            "display_name": a.display_name
            if a.display_name is not None or not row
            else row["display_name"],
            "followers": a.followers if a.followers is not None or not row else row["followers"],
            "verified": a.verified,
            "first_seen_at": row["first_seen_at"] if row else item.post.created_at,
            "last_seen_at": item.post.created_at,
        }
    insert = dialect_insert(session, author_t)
    excluded = insert.excluded
    newer = excluded.last_seen_at > author_t.c.last_seen_at
    upsert = insert.on_conflict_do_update(
        index_elements=[author_t.c.workspace_id, author_t.c.network, author_t.c.handle],
        set_={
            "display_name": case(
                (newer & excluded.display_name.is_not(None), excluded.display_name),
                else_=func.coalesce(author_t.c.display_name, excluded.display_name),
            ),
            "followers": case(
                (newer & excluded.followers.is_not(None), excluded.followers),
                else_=func.coalesce(author_t.c.followers, excluded.followers),
            ),
            "verified": case((newer, excluded.verified), else_=author_t.c.verified),
            "first_seen_at": case(
                (excluded.first_seen_at < author_t.c.first_seen_at, excluded.first_seen_at),
                else_=author_t.c.first_seen_at,
            ),
            "last_seen_at": case((newer, excluded.last_seen_at), else_=author_t.c.last_seen_at),
        },
    ).returning(author_t.c.workspace_id, author_t.c.network, author_t.c.handle, author_t.c.id)
    # In key order, so that concurrent ingesters lock shared authors in the same order.
    rows = session.execute(upsert, [latest[key] for key in sorted(latest)]).all()
    return {(w, n, h): i for w, n, h, i in rows}


def _thread_state(row: Any) -> ThreadState:
    return ThreadState(
        id=row.id,
        channel_id=row.channel_id,
        author_id=row.author_id,
        status=ConversationStatus(row.status),
        opened_at=row.opened_at,
        last_message_at=row.last_message_at,
        last_inbound_at=row.last_inbound_at,
    )


_THREAD_COLUMNS = (
    conversation_t.c.id,
    conversation_t.c.channel_id,
    conversation_t.c.author_id,
    conversation_t.c.status,
    conversation_t.c.opened_at,
    conversation_t.c.last_message_at,
    conversation_t.c.last_inbound_at,
)


def _known_parents(
    session: Session, posts: Sequence[PostToThread], states: dict[int, ThreadState]
) -> dict[tuple[int, str], ThreadState | None]:
    """Stored posts that `posts` reply to, with their conversations."""
    in_batch = {(p.channel_id, p.external_id) for p in posts}
    wanted: dict[int, set[str]] = {}
    for p in posts:
        if p.in_reply_to is not None and (p.channel_id, p.in_reply_to) not in in_batch:
            wanted.setdefault(p.channel_id, set()).add(p.in_reply_to)
    parents: dict[tuple[int, str], ThreadState | None] = {}
    for channel_id, external_ids in wanted.items():
        query = (
            select(post_t.c.external_id, *_THREAD_COLUMNS)
            .select_from(post_t.outerjoin(conversation_t))
            .where(post_t.c.channel_id == channel_id, post_t.c.external_id.in_(external_ids))
        )
        for row in session.execute(query).all():
            state = None
            if row.id is not None:
                state = states.setdefault(row.id, _thread_state(row))
            parents[(channel_id, row.external_id)] = state
    return parents


def _active_threads(
    session: Session, posts: Sequence[PostToThread], states: dict[int, ThreadState]
) -> dict[tuple[int, int], ThreadState]:
    """The active conversations of the customers writing in `posts`, per (channel, author)."""
    pairs = {(p.channel_id, p.author_id) for p in posts if p.direction is Direction.INBOUND}
    if not pairs:
        return {}
    query = select(*_THREAD_COLUMNS).where(
        tuple_(conversation_t.c.channel_id, conversation_t.c.author_id).in_(sorted(pairs)),
        conversation_t.c.status.in_([s.value for s in ACTIVE_STATUSES]),
    )
    return {
        (r.channel_id, r.author_id): states.setdefault(r.id, _thread_state(r))
        for r in session.execute(query).all()
    }


def _insert_new_conversations(
    session: Session,
    threads: Sequence[ThreadState],
    workspace_of_thread: dict[int, int],
    now: datetime,
) -> None:
    new = [t for t in threads if t.id is None]
    if not new:
        return
    ids = (
        session.execute(
            conversation_t.insert().returning(conversation_t.c.id, sort_by_parameter_order=True),
            [
                {
                    "workspace_id": workspace_of_thread[id(t)],
                    "channel_id": t.channel_id,
                    "author_id": t.author_id,
                    "status": t.status.value,
                    "opened_at": t.opened_at,
                    "last_message_at": t.last_message_at,
                    "last_inbound_at": t.last_inbound_at,
                    "message_count": t.added_messages,
                    "updated_at": now,
                }
                for t in new
            ],
        )
        .scalars()
        .all()
    )
    for thread, conversation_id in zip(new, ids, strict=True):
        thread.id = conversation_id


def _update_existing_conversations(
    session: Session, threads: Sequence[ThreadState], now: datetime
) -> None:
    changed = [t for t in threads if t.opened_by is None and t.added_messages]
    if not changed:
        return
    statement = (
        update(conversation_t)
        .where(conversation_t.c.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"),
            last_message_at=bindparam("b_last_message_at"),
            last_inbound_at=bindparam("b_last_inbound_at"),
            message_count=conversation_t.c.message_count + bindparam("b_added"),
            updated_at=now,
        )
    )
    session.connection().execute(
        statement,
        [
            {
                "b_id": t.id,
                "b_status": t.status.value,
                "b_last_message_at": t.last_message_at,
                "b_last_inbound_at": t.last_inbound_at,
                "b_added": t.added_messages,
            }
            for t in changed
        ],
    )


def _thread_events(thread: ThreadState, workspace_id: int) -> list[EventRow]:
    events = []
    if thread.opened_by is not None:
        events.append(
            EventRow(
                workspace_id,
                EventType.CONVERSATION_OPENED,
                thread.opened_at,
                conversation_id=thread.id,
                data={"channel_id": thread.channel_id, "author_id": thread.author_id},
            )
        )
    events.extend(
        EventRow(
            workspace_id,
            EventType.CONVERSATION_STATUS_CHANGED,
            at,
            conversation_id=thread.id,
            data={"from": old.value, "to": new.value, "reason": "post"},
        )
        for old, new, at in thread.status_changes
    )
    return events
