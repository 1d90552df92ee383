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

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from carelane.deadlines.store import channel_levels, deadlines_columns_for, refresh_deadlines
from carelane.deadlines.timelines import in_time_order, message_fact
from carelane.deadlines.wakeups import announce_alarms
from carelane.domain.channels import Direction
from carelane.domain.conversations import MessageKind
from carelane.domain.errors import FieldError
from carelane.domain.events import EventType
from carelane.domain.posts import NormalisedPost
from carelane.ingest.registration import (
    PlacedPost,
    channel_ids_for,
    lock_channels,
    upsert_authors,
    workspace_ids_for,
)
from carelane.ingest.results import ItemResult, ItemStatus
from carelane.ingest.thread_store import (
    ConversationTriage,
    insert_new_conversations,
    load_active_threads,
    load_known_parents,
    raise_conversation_triage,
    thread_events,
    update_existing_conversations,
)
from carelane.ingest.threading import PostToThread, ThreadState, thread_posts
from carelane.ingest.triage_store import store_triages
from carelane.sla.timeline import TimelineFact
from carelane.store.bulk_writes import insert_rows
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.ids import allocate_ids
from carelane.store.models import Message, Post
from carelane.triage.engine import Triage

MAX_ATTEMPTS = 5
_MESSAGE_KIND = {
    Direction.INBOUND: MessageKind.INBOUND_POST.value,
    Direction.OUTBOUND: MessageKind.OUTBOUND_REPLY.value,
}

post_t = cast(Table, Post.__table__)
message_t = cast(Table, Message.__table__)


@dataclass(frozen=True, slots=True)
class PostToStore:
    """A validated post, its position in the caller's input, and its triage (with its
    stored detail, when written already: `triage_store.detail_json`)."""

    index: int
    post: NormalisedPost
    triage: Triage | None = None
    triage_detail: str | None = None


Triaged = tuple[Triage, str | None]
"""A post's triage and its stored detail, when written already."""


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
    workspace_ids = workspace_ids_for(
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
    channel_ids = channel_ids_for(session, [p.post for p in known], workspace_ids, now)
    placed = []
    for item in known:
        workspace_id = workspace_ids[item.post.workspace]
        key = (workspace_id, item.post.network.value, item.post.channel)
        placed.append(PlacedPost(item.index, item.post, workspace_id, channel_ids[key]))
    lock_channels(session, {item.channel_id for item in placed})
    fresh, repeats = _drop_duplicates(session, placed, results)
    if fresh:
        triages = {
            item.index: (item.triage, item.triage_detail)
            for item in posts
            if item.triage is not None
        }
        _store(session, fresh, now, results, triages)
    for index, first in repeats:
        results[index] = ItemResult(index, ItemStatus.DUPLICATE, post_id=results[first].post_id)
    return [results[item.index] for item in posts]


def _drop_duplicates(
    session: Session, posts: Sequence[PlacedPost], results: dict[int, ItemResult]
) -> tuple[list[PlacedPost], list[tuple[int, int]]]:
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
    fresh: list[PlacedPost] = []
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
    session: Session,
    posts: list[PlacedPost],
    now: datetime,
    results: dict[int, ItemResult],
    triages: dict[int, Triaged],
) -> None:
    posts = sorted(posts, key=lambda item: item.post.created_at)
    author_ids = upsert_authors(session, posts, now)
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
    known_parents = load_known_parents(session, to_thread, states)
    active = load_active_threads(session, to_thread, states)
    threads = thread_posts(to_thread, known_parents=known_parents, active=active)

    workspace_of_thread: dict[int, int] = {}
    for item, thread in zip(posts, threads, strict=True):
        if thread is not None:
            workspace_of_thread[id(thread)] = item.workspace_id
    unique_threads = list({id(t): t for t in threads if t is not None}.values())
    triage_of_thread = _conversation_triage(posts, threads, triages)
    insert_new_conversations(
        session,
        unique_threads,
        workspace_of_thread,
        now,
        triage_of_thread=triage_of_thread,
        deadlines_of_thread=_new_conversation_deadlines(
            session, posts, threads, triage_of_thread, now
        ),
    )

    post_ids = allocate_ids(session, post_t, len(posts))
    insert_rows(
        session,
        post_t,
        [
            {
                "id": post_id,
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
            for post_id, item, threaded, thread in zip(
                post_ids, posts, to_thread, threads, strict=True
            )
        ],
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
                    "kind": _MESSAGE_KIND[item.post.direction],
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
            )
        )
    if messages:
        insert_rows(session, message_t, messages)
    store_triages(
        session,
        [
            (post_id, item.workspace_id, *triages[item.index])
            for item, post_id in zip(posts, post_ids, strict=True)
            if item.index in triages
        ],
        now,
    )
    update_existing_conversations(session, unique_threads, now)
    raise_conversation_triage(session, unique_threads, triage_of_thread)
    for thread in unique_threads:
        events.extend(thread_events(thread, workspace_of_thread[id(thread)]))
    append_events(session, events, now=now)
    # The deadlines of each stored conversation the batch touched, once, from its whole
    # timeline (new ones got theirs with their INSERT).
    refresh_deadlines(
        session, [t.id for t in unique_threads if t.id is not None and t.opened_by is None], now=now
    )


def _new_conversation_deadlines(
    session: Session,
    posts: Sequence[PlacedPost],
    threads: Sequence[ThreadState | None],
    triage_of_thread: dict[int, ConversationTriage],
    now: datetime,
) -> dict[int, dict[str, Any]]:
    """For each thread the batch opens (by `id(thread)`), its deadline columns: its whole
    timeline is its posts here (in time order, as `posts` are)."""
    timelines: dict[int, list[TimelineFact]] = {}
    opened: dict[int, ThreadState] = {}
    for item, thread in zip(posts, threads, strict=True):
        if thread is not None and thread.opened_by is not None:
            fact = message_fact(_MESSAGE_KIND[item.post.direction], item.post.created_at)
            timelines.setdefault(id(thread), []).append(fact)
            opened[id(thread)] = thread
    channels = channel_levels(session, {thread.channel_id for thread in opened.values()})
    columns = {}
    for key, facts in timelines.items():
        in_time_order(facts)
        triage = triage_of_thread.get(key)
        columns[key] = deadlines_columns_for(
            facts,
            channel=channels[opened[key].channel_id],
            priority=triage.priority if triage is not None else None,
            now=now,
        )
    announce_alarms(session, (values["sla_alarm_at"] for values in columns.values()))
    return columns


def _conversation_triage(
    posts: Sequence[PlacedPost],
    threads: Sequence[ThreadState | None],
    triages: dict[int, Triaged],
) -> dict[int, ConversationTriage]:
    """For each thread (by `id(thread)`), the triage of its most urgent new inbound
    post (the latest among equals)."""
    deciding: dict[int, Triage] = {}
    for item, thread in zip(posts, threads, strict=True):
        triaged = triages.get(item.index)
        if thread is None or triaged is None or item.post.direction is not Direction.INBOUND:
            continue
        triage = triaged[0]
        best = deciding.get(id(thread))
        if best is None or triage.priority >= best.priority:
            deciding[id(thread)] = triage
    return {
        key: ConversationTriage(t.lane, [c.name for c in t.categories], t.priority, t.language)
        for key, t in deciding.items()
    }
