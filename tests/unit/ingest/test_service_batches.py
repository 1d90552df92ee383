"""Storing batches over time: atomicity, events, author profiles, counters, workspaces."""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from carelane.domain.posts import NormalisedPost
from carelane.ingest import registration
from carelane.ingest.results import ItemResult, ItemStatus
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.store.models import (
    Author,
    Channel,
    Conversation,
    Event,
    Message,
    Post,
    Workspace,
)
from tests.conftest import at
from tests.helpers import post_data

ALL_TABLES = (Workspace, Channel, Author, Conversation, Post, Message, Event)


def _post(data: dict[str, Any], now: datetime) -> NormalisedPost:
    post = validate_post(data, now=now, max_clock_skew=timedelta(minutes=5))
    assert isinstance(post, NormalisedPost), post
    return post


def _ingest(session: Session, now: datetime, *items: dict[str, Any]) -> list[ItemResult]:
    posts = [PostToStore(i, _post(data, now)) for i, data in enumerate(items)]
    return do_ingest_posts(session=session, posts=posts, now=now, create_workspaces=True)


def _counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in ALL_TABLES
    }


def test_a_failure_mid_batch_leaves_nothing_of_the_batch(session: Session, now: datetime) -> None:
    good = [_post(post_data(str(n), created_at=at(n), author=f"a{n}"), now) for n in range(5)]
    # A payload no database can take, past validation: fails at the post insert, after
    # the workspace, channel, authors and conversations of the batch were written.
    broken = NormalisedPost(
        **{
            **{f: getattr(good[0], f) for f in NormalisedPost.__slots__},
            "external_id": "broken",
            "raw": {"not json": {1, 2}},
        }
    )
    batch = [PostToStore(i, p) for i, p in enumerate([*good[:3], broken, *good[3:]])]
    with pytest.raises((StatementError, TypeError)):
        do_ingest_posts(session=session, posts=batch, now=now, create_workspaces=True)
    assert set(_counts(session).values()) == {0}


def test_a_failed_batch_leaves_earlier_batches_untouched(session: Session, now: datetime) -> None:
    (first,) = _ingest(session, now, post_data("1", created_at=at(0)))
    before = _counts(session)
    reply = _post(post_data("2", created_at=at(5), in_reply_to="1"), now)
    broken = NormalisedPost(
        **{
            **{f: getattr(reply, f) for f in NormalisedPost.__slots__},
            "external_id": "3",
            "raw": {"bad": object()},
        }
    )
    with pytest.raises((StatementError, TypeError)):
        do_ingest_posts(
            session=session,
            posts=[PostToStore(0, reply), PostToStore(1, broken)],
            now=now,
        )
    assert _counts(session) == before
    conversation = session.get(Conversation, first.conversation_id)
    assert conversation is not None
    session.refresh(conversation)
    assert conversation.message_count == 1
    assert conversation.last_message_at == at(0)
    # And the same batch, repaired, goes in.
    results = _ingest(session, now, post_data("2", created_at=at(5), in_reply_to="1"))
    assert results[0].conversation_id == first.conversation_id


def test_events_are_written_with_the_posts(session: Session, now: datetime) -> None:
    results = _ingest(
        session,
        now,
        post_data("1", created_at=at(0), author="ana"),
        post_data("2", created_at=at(1), author="bo"),
        post_data("3", created_at=at(2), author="AcmeHelp", direction="outbound", in_reply_to="1"),
        post_data("4", created_at=at(3), author="AcmeHelp", direction="outbound"),
    )
    events = session.scalars(select(Event).order_by(Event.id)).all()
    types = Counter(e.type for e in events)
    assert types == {
        "workspace.created": 1,
        "channel.created": 1,
        "post.received": 4,
        "conversation.opened": 2,
        "conversation.status_changed": 1,
    }
    received = {e.post_id: e for e in events if e.type == "post.received"}
    assert set(received) == {r.post_id for r in results}
    assert received[results[3].post_id].conversation_id is None  # a broadcast
    assert received[results[0].post_id].occurred_at == at(0)
    assert all(e.recorded_at == now for e in events)
    opened = {e.conversation_id for e in events if e.type == "conversation.opened"}
    assert opened == {results[0].conversation_id, results[1].conversation_id}
    (changed,) = [e for e in events if e.type == "conversation.status_changed"]
    assert changed.conversation_id == results[0].conversation_id
    assert changed.data == {"from": "new", "to": "pending", "reason": "post"}
    assert changed.occurred_at == at(2)


def test_a_duplicate_writes_no_event(session: Session, now: datetime) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))
    before = session.scalar(select(func.count()).select_from(Event))
    _ingest(session, now, post_data("1", created_at=at(0)))
    assert session.scalar(select(func.count()).select_from(Event)) == before


def _author(session: Session, handle: str = "ana") -> Author:
    author = session.scalars(select(Author).where(Author.handle == handle)).one()
    session.refresh(author)
    return author


def test_author_profile_is_refreshed_from_newer_posts_only(session: Session, now: datetime) -> None:
    def profile(followers: int | None, name: str | None, verified: bool) -> dict[str, Any]:
        return {
            "handle": "ana",
            "followers": followers,
            "display_name": name,
            "verified": verified,
        }

    _ingest(
        session, now, post_data("1", created_at=at(10)) | {"author": profile(100, "Ana", False)}
    )
    _ingest(session, now, post_data("2", created_at=at(5)) | {"author": profile(50, "Old", True)})
    author = _author(session)
    assert (author.followers, author.display_name, author.verified) == (100, "Ana", False)
    assert (author.first_seen_at, author.last_seen_at) == (at(5), at(10))

    _ingest(
        session, now, post_data("3", created_at=at(20)) | {"author": profile(200, "Ana B", True)}
    )
    author = _author(session)
    assert (author.followers, author.display_name, author.verified) == (200, "Ana B", True)
    assert author.last_seen_at == at(20)

    # A newer post that does not show the follower count keeps the one known.
    _ingest(session, now, post_data("4", created_at=at(30)) | {"author": profile(None, None, True)})
    author = _author(session)
    assert (author.followers, author.display_name) == (200, "Ana B")
    assert session.scalar(select(func.count()).select_from(Author)) == 1


def test_author_profile_within_one_batch_keeps_what_the_latest_post_omits(
    session: Session, now: datetime
) -> None:
    _ingest(
        session,
        now,
        post_data("2", created_at=at(9)) | {"author": {"handle": "ana"}},
        post_data("1", created_at=at(1))
        | {"author": {"handle": "ana", "followers": 7, "display_name": "Ana"}},
    )
    author = _author(session)
    assert (author.followers, author.display_name) == (7, "Ana")
    assert (author.first_seen_at, author.last_seen_at) == (at(1), at(9))


def test_an_author_registered_meanwhile_is_refreshed_not_duplicated(
    session: Session, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another ingester registers the author between this batch's read and its insert."""
    _ingest(session, now, post_data("1", created_at=at(1)) | {"author": {"handle": "ana"}})
    before = _author(session).id
    reads = {"n": 0}
    real_read = registration._stored_authors

    def read_before_the_other_commits(*args: Any, **kwargs: Any) -> Any:
        reads["n"] += 1
        return {} if reads["n"] == 1 else real_read(*args, **kwargs)

    monkeypatch.setattr(registration, "_stored_authors", read_before_the_other_commits)
    (result,) = _ingest(
        session,
        now,
        post_data("2", created_at=at(9)) | {"author": {"handle": "ana", "followers": 12}},
    )
    assert result.status is ItemStatus.CREATED
    author = _author(session)
    assert author.id == before
    assert (author.followers, author.first_seen_at, author.last_seen_at) == (12, at(1), at(9))
    assert session.scalar(select(func.count()).select_from(Author)) == 1
    post = session.get(Post, result.post_id)
    assert post is not None
    assert post.author_id == before


def test_conversation_counters_over_several_batches(session: Session, now: datetime) -> None:
    (first,) = _ingest(session, now, post_data("1", created_at=at(0)))
    _ingest(
        session,
        now,
        post_data("2", created_at=at(10), author="AcmeHelp", direction="outbound", in_reply_to="1"),
    )
    _ingest(session, now, post_data("3", created_at=at(5)))  # arrives late, written earlier
    _ingest(session, now, post_data("3", created_at=at(5)))  # and again
    conversation = session.get(Conversation, first.conversation_id)
    assert conversation is not None
    session.refresh(conversation)
    assert conversation.message_count == 3
    assert conversation.opened_at == at(0)
    assert conversation.last_message_at == at(10)
    assert conversation.last_inbound_at == at(5)
    assert conversation.status == "open"
    messages = session.scalar(
        select(func.count()).where(Message.conversation_id == conversation.id)
    )
    assert messages == 3
    assert session.scalar(select(func.count()).select_from(Conversation)) == 1


def test_workspaces_are_kept_apart(session: Session, now: datetime) -> None:
    results = _ingest(
        session,
        now,
        post_data("1", created_at=at(0), author="ana", workspace="acme", channel="Help"),
        post_data("1", created_at=at(1), author="ana", workspace="globex", channel="Help"),
        post_data("2", created_at=at(2), author="ana", workspace="globex", channel="Help"),
    )
    assert [r.status for r in results] == [ItemStatus.CREATED] * 3
    assert results[0].post_id != results[1].post_id
    assert results[0].conversation_id != results[1].conversation_id
    assert results[1].conversation_id == results[2].conversation_id
    assert session.scalar(select(func.count()).select_from(Author)) == 2
    assert session.scalar(select(func.count()).select_from(Channel)) == 2
    rows = session.execute(
        select(Workspace.slug, Conversation.message_count)
        .join(Conversation, Conversation.workspace_id == Workspace.id)
        .order_by(Workspace.slug)
    ).all()
    assert [tuple(r) for r in rows] == [("acme", 1), ("globex", 2)]
    # Every row of a conversation belongs to the conversation's workspace.
    mixed = session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Conversation, Post.conversation_id == Conversation.id)
        .join(Author, Post.author_id == Author.id)
        .where(
            (Post.workspace_id != Conversation.workspace_id)
            | (Author.workspace_id != Post.workspace_id)
        )
    )
    assert mixed == 0


def test_a_reply_does_not_thread_into_another_workspaces_post(
    session: Session, now: datetime
) -> None:
    (acme,) = _ingest(session, now, post_data("1", created_at=at(0), workspace="acme"))
    (globex,) = _ingest(
        session, now, post_data("2", created_at=at(1), workspace="globex", in_reply_to="1")
    )
    assert globex.conversation_id != acme.conversation_id
    assert globex.opened_conversation is True


def test_a_batch_out_of_publication_order_threads_as_in_order(
    session: Session, now: datetime
) -> None:
    thread = [
        post_data("1", created_at=at(0), author="ana"),
        post_data("2", created_at=at(3), author="AcmeHelp", direction="outbound", in_reply_to="1"),
        post_data("3", created_at=at(6), author="ana", in_reply_to="2"),
        # the agent's closing answer, stamped before the question it answers
        post_data(
            "4", created_at=at(-30), author="AcmeHelp", direction="outbound", in_reply_to="3"
        ),
    ]
    results = _ingest(session, now, *reversed(thread))
    conversations = {r.conversation_id for r in results}
    assert len(conversations) == 1
    assert None not in conversations
    assert [r.opened_conversation for r in results] == [False, False, False, True]
    conversation = session.get(Conversation, results[-1].conversation_id)
    assert conversation is not None
    assert conversation.message_count == 4
    assert conversation.status == "pending"
    assert conversation.last_message_at == at(6)
