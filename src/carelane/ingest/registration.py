"""Registering who and where posts come from: workspaces, channels and authors.

Each is found or created on first sight with INSERT ... ON CONFLICT, so concurrent
ingesters never fail on them; only the ingester whose insert made a row logs its event.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, func, select, tuple_
from sqlalchemy.orm import Session

from carelane.domain.events import EventType
from carelane.domain.posts import NormalisedPost
from carelane.store.events import EventRow, append_events
from carelane.store.ids import allocate_ids
from carelane.store.models import Author, Channel, Workspace
from carelane.store.upsert import dialect_insert
from carelane.store.value_lists import is_one_of

workspace_t = cast(Table, Workspace.__table__)
channel_t = cast(Table, Channel.__table__)
author_t = cast(Table, Author.__table__)

ChannelKey = tuple[int, str, str]  # workspace id, network, account
AuthorKey = tuple[int, str, str]  # workspace id, network, handle


@dataclass(frozen=True, slots=True)
class PlacedPost:
    """A post with the ids of its workspace and channel and its place in the input."""

    index: int
    post: NormalisedPost
    workspace_id: int
    channel_id: int


def workspace_ids_for(
    session: Session, slugs: set[str], now: datetime, *, create: bool
) -> dict[str, int]:
    """Ids of the workspaces named `slugs` that exist (or, with `create`, now do)."""

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


def channel_ids_for(
    session: Session,
    posts: Sequence[NormalisedPost],
    workspace_ids: dict[str, int],
    now: datetime,
) -> dict[ChannelKey, int]:
    """Ids of the channels `posts` arrived on, registering the ones seen for the first time."""
    wanted: dict[ChannelKey, str] = {}
    for p in posts:
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


def lock_channels(session: Session, channel_ids: set[int]) -> None:
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


def upsert_authors(
    session: Session, posts: Sequence[PlacedPost], now: datetime
) -> dict[AuthorKey, int]:
    """Register or refresh every author of `posts`; their ids by (workspace, network, handle).

    The latest post's profile (followers, display name, verified) wins; what it does
    not show (no follower count, no display name) is kept from earlier posts. Posts older
    than what is stored change nothing but `first_seen_at`.

    Most authors of a batch are either new or unchanged, so the stored ones are read
    first: new authors get their ids up front and go in with a plain executemany, and
    only stored authors whose profile the batch changes are written again.
    """
    latest: dict[AuthorKey, dict[str, Any]] = {}
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
    stored = _stored_authors(session, latest)
    ids = {key: row["id"] for key, row in stored.items()}
    new = sorted(key for key in latest if key not in stored)
    if new:
        for key, author_id in zip(new, allocate_ids(session, author_t, len(new)), strict=True):
            latest[key]["id"] = author_id
        # DO NOTHING: on PostgreSQL a concurrent ingester may have registered one of them
        # since the read above; those are read again and refreshed like stored ones.
        session.execute(
            dialect_insert(session, author_t).on_conflict_do_nothing(),
            [latest[key] for key in new],
        )
        if session.get_bind().dialect.name == "postgresql":
            raced = {
                key: row
                for key, row in _stored_authors(session, {k: latest[k] for k in new}).items()
                if row["id"] != latest[key]["id"]
            }
            stored.update(raced)
            ids.update({key: latest[key]["id"] for key in new if key not in raced})
        else:  # SQLite's write transaction holds the whole database: no one raced us
            ids.update({key: latest[key]["id"] for key in new})
        for key in stored.keys() & new:
            ids[key] = stored[key]["id"]
            del latest[key]["id"]
    changed = sorted(
        key for key, row in stored.items() if _refreshed(row, latest[key]) != _profile(row)
    )
    if changed:
        # In key order, so that concurrent ingesters lock shared authors in the same order.
        session.execute(_refresh_authors(session), [latest[key] for key in changed])
    return ids


_PROFILE = ("display_name", "followers", "verified", "first_seen_at", "last_seen_at")


def _profile(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[name] for name in _PROFILE)


def _refreshed(stored: dict[str, Any], seen: dict[str, Any]) -> tuple[Any, ...]:
    """The profile `_refresh_authors` gives a stored author the batch has seen again."""
    newer = seen["last_seen_at"] > stored["last_seen_at"]

    def latest_known(name: str) -> Any:
        if newer and seen[name] is not None:
            return seen[name]
        return stored[name] if stored[name] is not None else seen[name]

    return (
        latest_known("display_name"),
        latest_known("followers"),
        seen["verified"] if newer else stored["verified"],
        min(stored["first_seen_at"], seen["first_seen_at"]),
        seen["last_seen_at"] if newer else stored["last_seen_at"],
    )


def _stored_authors(
    session: Session, keys: dict[AuthorKey, Any]
) -> dict[AuthorKey, dict[str, Any]]:
    """The stored authors among `keys`, each with its id and profile."""
    found: dict[AuthorKey, dict[str, Any]] = {}
    groups: dict[tuple[int, str], list[str]] = {}
    for workspace_id, network, handle in keys:
        groups.setdefault((workspace_id, network), []).append(handle)
    for (workspace_id, network), handles in groups.items():
        query = select(author_t.c.id, author_t.c.handle, *(author_t.c[n] for n in _PROFILE)).where(
            author_t.c.workspace_id == workspace_id,
            author_t.c.network == network,
            is_one_of(session, author_t.c.handle, handles),
        )
        for row in session.execute(query).mappings():
            found[(workspace_id, network, row["handle"])] = dict(row)
    return found


def _refresh_authors(session: Session) -> Any:
    """An upsert that folds a batch's view of authors into the stored rows, relative to
    what is stored when it runs, so concurrent refreshes of one author never lose data."""
    insert = dialect_insert(session, author_t)
    excluded = insert.excluded
    newer = excluded.last_seen_at > author_t.c.last_seen_at
    return insert.on_conflict_do_update(
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
    )
