"""Re-triage of stored posts with other models, on both databases: rows replaced and
stamped with the new version, corrections kept, conversations recomputed, batch by batch."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Row, select
from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.errors import NotFoundError
from carelane.ingest.retriage import (
    RetriageSummary,
    count_posts_to_retriage,
    do_retriage,
    parse_since,
)
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.posts.corrections import do_correct_triage
from carelane.store.models import Conversation, Post, PostTriage
from carelane.triage.linear import LinearModels
from carelane.triage.models import TriageModels, shipped_models
from carelane.workspaces.service import get_workspace_id
from tests.conftest import at
from tests.helpers import post_data
from tests.unit.posts.test_corrections import ingest


def models_that_feel_positive() -> TriageModels:
    """The shipped models, but every post reads as positive: a new version that changes
    sentiments (and with them priorities)."""
    shipped = shipped_models()
    arrays = shipped.linear.to_arrays()
    bias = arrays["bias"].copy()
    sentiment = shipped.linear.tasks["sentiment"]
    bias[sentiment.first_column + sentiment.labels.index("positive")] += 50
    linear = LinearModels.from_arrays(list(shipped.linear.tasks.values()), {**arrays, "bias": bias})
    return TriageModels("linear-positive0", linear, shipped.manifest)


@pytest.fixture
def posts(sessions: sessionmaker[Session], now: datetime) -> list[int]:
    """Five acme posts (a thread of two first) and one of globex, minutes 0 to 5."""
    return ingest(
        sessions,
        now,
        post_data("1", created_at=at(0), author="ana", text="@AcmeHelp my order never arrived!!"),
        post_data(
            "2", created_at=at(1), author="ana", in_reply_to="1", text="still nothing, awful"
        ),
        post_data("3", created_at=at(2), author="bo", text="@AcmeHelp the blender broke, useless"),
        post_data("4", created_at=at(3), author="cy", text="@AcmeHelp refund is late, angry"),
        post_data("5", created_at=at(4), author="di", text="@AcmeHelp worst support ever"),
        post_data("6", created_at=at(5), workspace="globex", channel="GlobexCare"),
    )


def _rows(session: Session) -> dict[int, Row[Any]]:
    """Each post's stored triage, as values read now."""
    session.rollback()  # a fresh snapshot: the rows other sessions wrote since
    columns = [getattr(PostTriage, c.key) for c in PostTriage.__table__.columns]
    return {row.post_id: row for row in session.execute(select(*columns))}


def test_retriage_replaces_rows_with_the_new_version_batch_by_batch(
    sessions: sessionmaker[Session], session: Session, posts: list[int], now: datetime
) -> None:
    before = _rows(session)
    seen: list[tuple[int, int]] = []

    summary = do_retriage(
        sessions=sessions,
        models=models_that_feel_positive(),
        since=at(1),
        clock=lambda: now + timedelta(days=1),
        batch_size=2,
        on_batch=lambda size, totals: seen.append((size, totals.retriaged)),
    )

    assert seen == [(2, 2), (2, 4), (1, 5)]
    after = _rows(session)
    retriaged = posts[1:]
    assert {after[p].model_version for p in retriaged} == {"linear-positive0"}
    assert {after[p].sentiment for p in retriaged} == {"positive"}
    assert {after[p].triaged_at for p in retriaged} == {now + timedelta(days=1)}
    assert after[posts[0]].model_version == before[posts[0]].model_version  # before `since`
    assert summary == RetriageSummary(
        retriaged=5,
        first_time=0,
        changed_intent=sum(after[p].intent != before[p].intent for p in retriaged),
        changed_sentiment=sum(before[p].sentiment != "positive" for p in retriaged),
        changed_lane=sum(after[p].lane != before[p].lane for p in retriaged),
        conversations=5,
    )
    assert summary.changed_sentiment >= 4


def test_conversations_take_their_most_urgent_post_after_retriage(
    sessions: sessionmaker[Session], session: Session, posts: list[int], now: datetime
) -> None:
    do_retriage(
        sessions=sessions, models=models_that_feel_positive(), since=at(0), clock=lambda: now
    )

    rows = _rows(session)
    for conversation in session.scalars(select(Conversation)):
        inbound = session.scalars(
            select(Post.id).where(
                Post.conversation_id == conversation.id, Post.direction == "inbound"
            )
        ).all()
        top = max(rows[p].priority for p in inbound)
        assert conversation.priority == top
        deciding = [rows[p] for p in inbound if rows[p].priority == top]
        assert conversation.lane == deciding[-1].lane
        assert conversation.categories == [c["name"] for c in deciding[-1].detail["categories"]]


def test_agents_corrections_outlive_the_new_models(
    sessions: sessionmaker[Session], session: Session, posts: list[int], now: datetime
) -> None:
    acme = get_workspace_id(session=session, slug="acme")
    for field, value in (("sentiment", "negative"), ("lane", "Marketing/PR")):
        do_correct_triage(
            session=session,
            workspace_id=acme,
            post_id=posts[2],
            field=field,
            new_value=value,
            now=now,
        )

    summary = do_retriage(
        sessions=sessions,
        models=models_that_feel_positive(),
        since=at(0),
        clock=lambda: now,
        workspace="acme",
    )

    rows = _rows(session)
    corrected = rows[posts[2]]
    assert corrected.model_version == "linear-positive0"
    assert (corrected.sentiment, corrected.lane) == ("negative", "Marketing/PR")
    assert set(corrected.detail["corrected_by"]) == {"sentiment", "lane"}
    assert rows[posts[3]].sentiment == "positive"
    assert rows[posts[5]].model_version != "linear-positive0"  # globex left alone
    assert summary.retriaged == 5


def test_posts_without_triage_get_one(
    sessions: sessionmaker[Session], session: Session, now: datetime
) -> None:
    post = validate_post(
        post_data("1", created_at=at(0)), now=now, max_clock_skew=timedelta(minutes=5)
    )
    assert not isinstance(post, list)
    do_ingest_posts(session=session, posts=[PostToStore(0, post)], now=now, create_workspaces=True)
    assert _rows(session) == {}

    summary = do_retriage(
        sessions=sessions, models=shipped_models(), since=at(0), clock=lambda: now
    )

    assert (summary.retriaged, summary.first_time) == (1, 1)
    (row,) = _rows(session).values()
    assert row.model_version == shipped_models().version
    conversation = session.scalar(select(Conversation))
    assert conversation is not None
    assert conversation.priority == row.priority


def test_counting_and_an_unknown_workspace(
    sessions: sessionmaker[Session], session: Session, posts: list[int], now: datetime
) -> None:
    assert count_posts_to_retriage(session=session, since=at(0)) == 6
    assert count_posts_to_retriage(session=session, since=at(3), workspace="acme") == 2
    with pytest.raises(NotFoundError):
        count_posts_to_retriage(session=session, since=at(0), workspace="nowhere")
    with pytest.raises(NotFoundError):
        do_retriage(
            sessions=sessions,
            models=shipped_models(),
            since=at(0),
            clock=lambda: now,
            workspace="nowhere",
        )
    assert (
        do_retriage(sessions=sessions, models=shipped_models(), since=now, clock=lambda: now)
        == RetriageSummary()
    )


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2015-02-20", datetime(2015, 2, 20, tzinfo=UTC)),
        (" 2015-02-20T08:30 ", datetime(2015, 2, 20, 8, 30, tzinfo=UTC)),
        ("2015-02-20T08:30:00Z", datetime(2015, 2, 20, 8, 30, tzinfo=UTC)),
        ("2015-02-20T08:30:00-08:00", datetime(2015, 2, 20, 16, 30, tzinfo=UTC)),
    ],
)
def test_since_is_an_iso_date_or_datetime_naive_meaning_utc(text: str, moment: datetime) -> None:
    parsed = parse_since(text)
    assert parsed == moment
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["", "yesterday", "2015-02-30", "20/02/2015", "2015-02-20T25:00"])
def test_since_that_is_no_date_says_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match="is not an ISO date or date-time"):
        parse_since(text)
