"""Deadlines stored with the ingest: set when a conversation opens, cleared when the brand
answers, set again when the customer writes; a workspace's own service levels apply."""

from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.deadlines.columns import DEADLINE_COLUMNS
from carelane.deadlines.store import compute_deadline_columns, refresh_deadlines
from carelane.domain.events import EventType
from carelane.domain.posts import NormalisedPost
from carelane.ingest.readers.sources import read_source
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Conversation, Message, Workspace
from tests.conftest import at
from tests.helpers import post_data

HOURLY = """\
version: 1
calendars:
  - {name: always, time_zone: UTC, hours: 24/7}
policies:
  - name: Hourly
    calendar: always
    first_response: 1h
    next_response: 2h
    resolution: 1d
    warning_fraction: 0.5
"""


def _ingest(session: Session, now: datetime, *items: dict[str, object]) -> None:
    posts = []
    for index, data in enumerate(items):
        post = validate_post(data, now=now, max_clock_skew=timedelta(minutes=5))
        assert isinstance(post, NormalisedPost), post
        posts.append(PostToStore(index, post))
    do_ingest_posts(session=session, posts=posts, now=now, create_workspaces=True)


def _conversation(session: Session) -> Conversation:
    session.expire_all()
    conversation = session.scalar(select(Conversation))
    assert conversation is not None
    return conversation


def test_a_new_tweet_gets_the_shipped_thirty_minutes(session: Session, now: datetime) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))

    conversation = _conversation(session)
    assert conversation.sla_policy == "X/Twitter"
    assert conversation.first_response_due_at == at(30)
    assert conversation.first_response_warning_at == at(0) + timedelta(minutes=22, seconds=30)
    assert conversation.next_response_due_at is None
    assert conversation.resolution_due_at == at(0) + timedelta(days=2)
    assert conversation.sla_alarm_at == conversation.first_response_warning_at
    assert conversation.waiting_since == at(0)


def test_an_answer_stops_the_response_clock_and_a_new_message_starts_the_next(
    session: Session, now: datetime
) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))
    _ingest(
        session,
        now,
        post_data("2", created_at=at(10), author="AcmeHelp", direction="outbound", in_reply_to="1"),
    )
    answered = _conversation(session)
    assert answered.status == "pending"
    assert answered.first_response_due_at is None
    assert answered.resolution_due_at is None  # paused while waiting on the customer
    assert answered.sla_alarm_at is None

    _ingest(session, now, post_data("3", created_at=at(20), in_reply_to="2"))

    again = _conversation(session)
    assert again.status == "open"
    assert again.first_response_due_at is None
    assert again.next_response_due_at == at(50)
    assert again.resolution_due_at == at(0) + timedelta(days=2, minutes=10)


def test_a_workspace_s_own_service_levels_apply(session: Session, now: datetime) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))
    with unit_of_work(session):
        workspace = session.scalar(select(Workspace))
        assert workspace is not None
        workspace.service_levels_yaml = HOURLY

    _ingest(session, now, post_data("2", created_at=at(5)))

    conversation = _conversation(session)
    assert conversation.sla_policy == "Hourly"
    assert conversation.first_response_due_at == at(60)
    assert conversation.first_response_warning_at == at(30)


def test_resolving_stops_every_clock(session: Session, now: datetime) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))
    conversation = _conversation(session)

    with unit_of_work(session):
        append_events(
            session,
            [
                EventRow(
                    conversation.workspace_id,
                    EventType.CONVERSATION_STATUS_CHANGED,
                    at(15),
                    conversation_id=conversation.id,
                    data={"from": "new", "to": "resolved", "reason": "agent"},
                )
            ],
            now=now,
        )
        refresh_deadlines(session, [conversation.id], now=now)

    resolved = _conversation(session)
    assert resolved.first_response_due_at is None
    assert resolved.resolution_due_at is None
    assert resolved.sla_alarm_at is None
    assert resolved.sla_policy == "X/Twitter"


def test_deadlines_set_at_opening_are_those_read_back_from_the_store(
    session: Session, data_dir: Path
) -> None:
    """The ingest computes a new conversation's deadlines from the posts it holds; reading
    its timeline back from the store gives the same columns (customer turns and agent
    turns of the real conversations, several in one batch)."""
    rows = [item.data for item in islice(read_source("conversations", data_dir), 400)]
    now = max(datetime.fromisoformat(row["created_at"]) for row in rows if row)
    posts = []
    for index, row in enumerate(rows):
        assert row is not None
        post = validate_post(row, now=now, max_clock_skew=timedelta(minutes=5))
        assert isinstance(post, NormalisedPost), post
        posts.append(PostToStore(index, post))
    do_ingest_posts(session=session, posts=posts, now=now, create_workspaces=True)

    stored = {
        row.id: {column: getattr(row, column) for column in DEADLINE_COLUMNS}
        for row in session.scalars(select(Conversation))
    }
    replied = session.scalars(
        select(Message.conversation_id).where(Message.kind == "outbound_reply")
    ).all()
    assert len(stored) > 20, "many conversations"
    assert replied, "some of them answered in the batch"
    assert compute_deadline_columns(session, list(stored), now=now) == stored
