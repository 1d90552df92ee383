"""Storing posts: idempotence, threading, events, atomicity — on SQLite and PostgreSQL."""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.posts import NormalisedPost
from carelane.ingest.results import ItemStatus
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.store.models import Conversation, Event, Message, Post
from tests.conftest import at
from tests.helpers import post_data


def _posts(*items: dict[str, object], now: datetime) -> list[PostToStore]:
    result = []
    for index, data in enumerate(items):
        post = validate_post(data, now=now, max_clock_skew=timedelta(minutes=5))
        assert isinstance(post, NormalisedPost), post
        result.append(PostToStore(index, post))
    return result


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_same_external_id_twice_is_one_post(session: Session, now: datetime) -> None:
    first = do_ingest_posts(
        session=session,
        posts=_posts(post_data("1", created_at=at(0)), now=now),
        now=now,
        create_workspaces=True,
    )
    again = do_ingest_posts(
        session=session,
        posts=_posts(post_data("1", created_at=at(0)), post_data("1", created_at=at(0)), now=now),
        now=now,
    )
    assert first[0].status is ItemStatus.CREATED
    assert [r.status for r in again] == [ItemStatus.DUPLICATE, ItemStatus.DUPLICATE]
    assert again[0].post_id == first[0].post_id
    assert _count(session, Post) == 1
    assert _count(session, Message) == 1


def test_reply_threads_into_parent_conversation(session: Session, now: datetime) -> None:
    results = do_ingest_posts(
        session=session,
        posts=_posts(
            post_data("1", created_at=at(0), author="ana"),
            post_data(
                "2",
                created_at=at(5),
                author="AcmeHelp",
                direction="outbound",
                in_reply_to="1",
                text="@ana sorry! DM us your order number",
            ),
            post_data("3", created_at=at(9), author="ana", in_reply_to="2", text="done"),
            post_data("4", created_at=at(3), author="bo"),
            now=now,
        ),
        now=now,
        create_workspaces=True,
    )
    ana = results[0].conversation_id
    assert [r.conversation_id for r in results[:3]] == [ana, ana, ana]
    assert results[3].conversation_id not in (None, ana)
    assert [r.opened_conversation for r in results] == [True, False, False, True]
    conversation = session.get(Conversation, ana)
    assert conversation is not None
    assert conversation.message_count == 3
    assert conversation.status == "open"  # answered, then the customer wrote again
    types = session.scalars(
        select(Event.type).where(Event.conversation_id == ana).order_by(Event.occurred_at, Event.id)
    ).all()
    assert types.count("post.received") == 3
    assert "conversation.opened" in types
    assert types.count("conversation.status_changed") == 2


def test_new_post_joins_the_customers_active_conversation(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    with sessions() as session:
        first = do_ingest_posts(
            session=session,
            posts=_posts(post_data("1", created_at=at(0)), now=now),
            now=now,
            create_workspaces=True,
        )
    with sessions() as session:  # a later batch, as after a restart
        later = do_ingest_posts(
            session=session, posts=_posts(post_data("2", created_at=at(30)), now=now), now=now
        )
    assert later[0].conversation_id == first[0].conversation_id
    assert later[0].opened_conversation is False


def test_unknown_workspace_is_rejected_and_the_rest_stored(session: Session, now: datetime) -> None:
    do_ingest_posts(
        session=session,
        posts=_posts(post_data("0", created_at=at(0)), now=now),
        now=now,
        create_workspaces=True,
    )
    results = do_ingest_posts(
        session=session,
        posts=_posts(
            post_data("1", created_at=at(1)),
            post_data("2", created_at=at(2), workspace="nobody"),
            now=now,
        ),
        now=now,
    )
    assert [r.status for r in results] == [ItemStatus.CREATED, ItemStatus.REJECTED]
    assert results[1].errors[0].field == "workspace"
    assert _count(session, Post) == 2
