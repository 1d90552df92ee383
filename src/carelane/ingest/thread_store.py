"""Conversations as threading sees them: loaded before a batch, written back after it."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func, select, update
from sqlalchemy.orm import Session

from carelane.deadlines.columns import DEADLINE_COLUMNS
from carelane.domain.channels import Direction
from carelane.domain.conversations import ACTIVE_STATUSES, ConversationStatus
from carelane.domain.events import EventType
from carelane.ingest.threading import PostToThread, ThreadState
from carelane.store.bulk_writes import insert_rows
from carelane.store.events import EventRow
from carelane.store.ids import allocate_ids
from carelane.store.models import Conversation, Post
from carelane.store.value_lists import is_one_of

post_t = cast(Table, Post.__table__)
conversation_t = cast(Table, Conversation.__table__)


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


def load_known_parents(
    session: Session, posts: Sequence[PostToThread], states: dict[int, ThreadState]
) -> dict[tuple[int, str], ThreadState | None]:
    """Stored posts that `posts` reply to, with their conversations (locked, see
    `_lock_and_load`)."""
    in_batch = {(p.channel_id, p.external_id) for p in posts}
    wanted: dict[int, set[str]] = {}
    for p in posts:
        if p.in_reply_to is not None and (p.channel_id, p.in_reply_to) not in in_batch:
            wanted.setdefault(p.channel_id, set()).add(p.in_reply_to)
    conversation_of: dict[tuple[int, str], int | None] = {}
    for channel_id, external_ids in wanted.items():
        query = select(post_t.c.external_id, post_t.c.conversation_id).where(
            post_t.c.channel_id == channel_id,
            is_one_of(session, post_t.c.external_id, external_ids),
        )
        for external_id, conversation_id in session.execute(query).all():
            conversation_of[(channel_id, external_id)] = conversation_id
    ids = {i for i in conversation_of.values() if i is not None}
    if ids:
        _lock_and_load(session, is_one_of(session, conversation_t.c.id, ids), states)
    return {
        key: None if conversation_id is None else states[conversation_id]
        for key, conversation_id in conversation_of.items()
    }


def _lock_and_load(session: Session, condition: Any, states: dict[int, ThreadState]) -> None:
    """Load the conversations matching `condition` into `states`, locking their rows (in id
    order) on PostgreSQL until the batch commits, so that no other change to them (an
    agent resolving one, say) is overwritten by the status the batch computes from what it
    read. SQLite's write transaction already holds the whole database."""
    query = select(*_THREAD_COLUMNS).where(condition).order_by(conversation_t.c.id)
    for row in session.execute(query.with_for_update()).all():
        states.setdefault(row.id, _thread_state(row))


def load_active_threads(
    session: Session, posts: Sequence[PostToThread], states: dict[int, ThreadState]
) -> dict[tuple[int, int], ThreadState]:
    """The active conversations of the customers writing in `posts`, per (channel, author)."""
    pairs = {(p.channel_id, p.author_id) for p in posts if p.direction is Direction.INBOUND}
    if not pairs:
        return {}
    # By author alone (a plain IN list, indexed); the few active conversations the same
    # authors have on other channels are dropped here.
    _lock_and_load(
        session,
        is_one_of(session, conversation_t.c.author_id, {author for _, author in pairs})
        & conversation_t.c.status.in_([s.value for s in ACTIVE_STATUSES]),
        states,
    )
    return {
        (state.channel_id, state.author_id): state
        for state in states.values()
        if state.status in ACTIVE_STATUSES and (state.channel_id, state.author_id) in pairs
    }


@dataclass(frozen=True, slots=True)
class ConversationTriage:
    """What a conversation takes from the triage of its most urgent new message."""

    lane: str
    categories: list[str]
    priority: int
    language: str | None = None


def insert_new_conversations(
    session: Session,
    threads: Sequence[ThreadState],
    workspace_of_thread: dict[int, int],
    now: datetime,
    *,
    triage_of_thread: Mapping[int, ConversationTriage] | None = None,
    deadlines_of_thread: Mapping[int, Mapping[str, Any]] | None = None,
) -> None:
    """Insert the threads that are new; `triage_of_thread` (by `id(thread)`) gives their
    lane, categories and priority, `deadlines_of_thread` their deadline columns."""
    triage_of_thread = triage_of_thread or {}
    deadlines_of_thread = deadlines_of_thread or {}
    new = [t for t in threads if t.id is None]
    if not new:
        return
    for thread, conversation_id in zip(
        new, allocate_ids(session, conversation_t, len(new)), strict=True
    ):
        thread.id = conversation_id
    insert_rows(
        session,
        conversation_t,
        [
            {
                "id": t.id,
                "workspace_id": workspace_of_thread[id(t)],
                "channel_id": t.channel_id,
                "author_id": t.author_id,
                "status": t.status.value,
                "opened_at": t.opened_at,
                "last_message_at": t.last_message_at,
                "last_inbound_at": t.last_inbound_at,
                "message_count": t.added_messages,
                "updated_at": now,
                "tier": 1,
                "waiting_since": t.opened_at,
                **_triage_values(triage_of_thread.get(id(t))),
                **deadlines_of_thread.get(id(t), _NO_DEADLINES),
            }
            for t in new
        ],
    )


_NO_DEADLINES = dict.fromkeys(DEADLINE_COLUMNS)


def _triage_values(triage: ConversationTriage | None) -> dict[str, Any]:
    if triage is None:
        return {"lane": None, "categories": None, "priority": None, "language": None}
    return {
        "lane": triage.lane,
        "categories": triage.categories,
        "priority": triage.priority,
        "language": triage.language,
    }


def raise_conversation_triage(
    session: Session,
    threads: Sequence[ThreadState],
    triage_of_thread: Mapping[int, ConversationTriage],
) -> None:
    """Stored conversations take the lane, categories and priority of a new message that
    is at least as urgent as they are (priority never drops while messages arrive)."""
    rows = [
        (t, triage_of_thread[id(t)])
        for t in threads
        if t.opened_by is None and id(t) in triage_of_thread
    ]
    if not rows:
        return
    takes = func.coalesce(conversation_t.c.priority, -1) <= bindparam("b_priority")
    statement = (
        update(conversation_t)
        .where(conversation_t.c.id == bindparam("b_id"))
        .values(
            lane=case((takes, bindparam("b_lane")), else_=conversation_t.c.lane),
            categories=case(
                (takes, bindparam("b_categories", type_=conversation_t.c.categories.type)),
                else_=conversation_t.c.categories,
            ),
            priority=case((takes, bindparam("b_priority")), else_=conversation_t.c.priority),
            language=case((takes, bindparam("b_language")), else_=conversation_t.c.language),
        )
    )
    session.connection().execute(
        statement,
        [
            {
                "b_id": t.id,
                "b_lane": triage.lane,
                "b_categories": triage.categories,
                "b_priority": triage.priority,
                "b_language": triage.language,
            }
            for t, triage in rows
        ],
    )


def update_existing_conversations(
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


def thread_events(thread: ThreadState, workspace_id: int) -> list[EventRow]:
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
