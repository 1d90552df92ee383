"""Agents' corrections of triage on both databases: stored old -> new with who and when,
applied to the stored triage and the conversation, logged, and read back for training."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.errors import InvalidInputError, NotFoundError
from carelane.ingest.pipeline import batches, ingest_stages, run_pipeline
from carelane.ingest.readers.base import RawItem
from carelane.posts.corrections import (
    FoldedLaneCorrections,
    do_correct_triage,
    do_fold_lane_corrections,
    get_post_triage,
    load_corrections,
)
from carelane.store.models import (
    Agent,
    Conversation,
    Event,
    Post,
    PostTriage,
    TriageCorrection,
    Workspace,
)
from carelane.triage.training import Correction
from carelane.workspaces.service import get_workspace_id
from tests.conftest import at
from tests.helpers import post_data


def ingest(sessions: sessionmaker[Session], now: datetime, *items: dict[str, Any]) -> list[int]:
    """Store `items` through the pipeline (triage with the shipped models); their post ids."""
    stages = ingest_stages(
        sessions, clock=lambda: now, max_clock_skew=timedelta(minutes=5), create_workspaces=True
    )
    raw = [RawItem(f"test:{n}", item) for n, item in enumerate(items)]
    results = [r for batch in run_pipeline(stages, batches(raw, 100)) for r in batch.results()]
    ids = [r.post_id for r in results]
    assert all(i is not None for i in ids), results
    return [i for i in ids if i is not None]


@pytest.fixture
def acme_posts(sessions: sessionmaker[Session], now: datetime) -> list[int]:
    return ingest(
        sessions,
        now,
        post_data("1", created_at=at(0), author="ana", text="@AcmeHelp my order never arrived"),
        post_data("2", created_at=at(1), author="bo", text="@AcmeHelp love the new blender!"),
        post_data("3", created_at=at(2), workspace="globex", channel="GlobexCare"),
    )


def _acme(session: Session) -> int:
    return get_workspace_id(session=session, slug="acme")


def _agent(session: Session, workspace_id: int, now: datetime) -> int:
    agent = Agent(
        workspace_id=workspace_id, name="Dee", email="dee@acme.test", role="agent", created_at=now
    )
    session.add(agent)
    session.commit()
    return agent.id


def test_intent_correction_is_stored_applied_and_logged(
    session: Session, acme_posts: list[int], now: datetime
) -> None:
    acme = _acme(session)
    agent_id = _agent(session, acme, now)
    before = session.scalar(select(PostTriage).where(PostTriage.post_id == acme_posts[0]))
    assert before is not None
    old_intent, version = before.intent, before.model_version
    new_intent = "suggestion" if old_intent != "suggestion" else "question"
    session.expunge_all()

    correction = do_correct_triage(
        session=session,
        workspace_id=acme,
        post_id=acme_posts[0],
        field="intent",
        new_value=new_intent.upper(),
        agent_id=agent_id,
        now=now,
    )

    assert (correction.field, correction.old_value, correction.new_value) == (
        "intent",
        old_intent,
        new_intent,
    )
    assert (correction.agent_id, correction.model_version, correction.corrected_at) == (
        agent_id,
        version,
        now,
    )
    stored = session.scalar(select(PostTriage).where(PostTriage.post_id == acme_posts[0]))
    assert stored is not None
    assert stored.intent == new_intent
    assert "intent" not in stored.detail  # the column holds it, and only the column
    assert stored.detail["corrected_by"] == {
        "intent": {"agent_id": agent_id, "corrected_at": now.isoformat(), "old_value": old_intent}
    }
    event = session.scalar(select(Event).where(Event.type == "triage.corrected"))
    assert event is not None
    assert (event.post_id, event.agent_id, event.workspace_id) == (acme_posts[0], agent_id, acme)
    assert event.data == {
        "correction_id": correction.id,
        "field": "intent",
        "old_value": old_intent,
        "new_value": new_intent,
        "model_version": version,
    }


def test_lane_and_category_corrections_move_the_conversation(
    session: Session, acme_posts: list[int], now: datetime
) -> None:
    acme = _acme(session)
    do_correct_triage(
        session=session,
        workspace_id=acme,
        post_id=acme_posts[1],
        field="lane",
        new_value="marketing/pr",
        now=now,
    )
    category = do_correct_triage(
        session=session,
        workspace_id=acme,
        post_id=acme_posts[1],
        field="category",
        new_value="Crisis Communications",
        now=now + timedelta(minutes=1),
    )

    triage = get_post_triage(session=session, workspace="acme", post_id=acme_posts[1])
    assert triage.lane == "Marketing/PR"
    assert triage.detail["categories"] == [
        {
            "name": "Crisis Communications",
            "lane": "Marketing/PR",
            "score": 1.0,
            "reasons": ["corrected by an agent"],
        }
    ]
    assert set(triage.detail["corrected_by"]) == {"lane", "category"}
    assert [(c.field, c.new_value) for c in triage.corrections] == [
        ("lane", "Marketing/PR"),
        ("category", "Crisis Communications"),
    ]
    assert triage.corrections[1].id == category.id
    conversation = session.scalar(
        select(Conversation)
        .join(Post, Post.conversation_id == Conversation.id)
        .where(Post.id == acme_posts[1])
    )
    assert conversation is not None
    assert (conversation.lane, conversation.categories) == (
        "Marketing/PR",
        ["Crisis Communications"],
    )


def test_a_second_correction_starts_from_the_first(
    session: Session, acme_posts: list[int], now: datetime
) -> None:
    acme = _acme(session)
    for minutes, value in enumerate(("negative", "positive")):
        do_correct_triage(
            session=session,
            workspace_id=acme,
            post_id=acme_posts[1],
            field="sentiment",
            new_value=value,
            now=now + timedelta(minutes=minutes),
        )
    triage = get_post_triage(session=session, workspace="acme", post_id=acme_posts[1])
    assert triage.sentiment == "positive"
    assert triage.corrections[1].old_value == "negative"
    assert triage.detail["corrected_by"]["sentiment"]["old_value"] == "negative"


@pytest.mark.parametrize(
    ("field", "value", "agent", "named"),
    [
        ("mood", "angry", None, "field"),
        ("priority", "9", None, "field"),
        ("intent", "rant", None, "value"),
        ("sentiment", "furious", None, "value"),
        ("lane", "Accounts Payable", None, "value"),
        ("category", "Marketing/PR", None, "value"),  # a lane, not a category
        ("intent", "question", 999_999, "agent_id"),
    ],
)
def test_bad_corrections_name_their_field_and_store_nothing(
    *,
    session: Session,
    acme_posts: list[int],
    now: datetime,
    field: str,
    value: str,
    agent: int | None,
    named: str,
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        do_correct_triage(
            session=session,
            workspace_id=_acme(session),
            post_id=acme_posts[0],
            field=field,
            new_value=value,
            agent_id=agent,
            now=now,
        )
    assert [e.field for e in raised.value.errors] == [named]
    assert session.scalars(select(TriageCorrection)).all() == []
    assert session.scalars(select(Event).where(Event.type == "triage.corrected")).all() == []


def test_no_post_of_another_workspace_is_found(
    session: Session, acme_posts: list[int], now: datetime
) -> None:
    acme = _acme(session)
    globex_post = acme_posts[2]
    with pytest.raises(NotFoundError):
        do_correct_triage(
            session=session,
            workspace_id=acme,
            post_id=globex_post,
            field="intent",
            new_value="question",
            now=now,
        )
    with pytest.raises(NotFoundError):
        do_correct_triage(
            session=session,
            workspace_id=acme,
            post_id=987_654,
            field="intent",
            new_value="question",
            now=now,
        )
    with pytest.raises(NotFoundError):
        get_post_triage(session=session, workspace="acme", post_id=globex_post)
    # An agent of another workspace is not an agent here.
    globex_agent = _agent(session, get_workspace_id(session=session, slug="globex"), now)
    with pytest.raises(InvalidInputError):
        do_correct_triage(
            session=session,
            workspace_id=acme,
            post_id=acme_posts[0],
            field="intent",
            new_value="question",
            agent_id=globex_agent,
            now=now,
        )


def test_training_reads_the_latest_correction_of_each_post_and_field(
    session: Session, acme_posts: list[int], now: datetime
) -> None:
    acme = _acme(session)
    for minutes, (post, field, value) in enumerate(
        [
            (acme_posts[0], "intent", "question"),
            (acme_posts[0], "intent", "complaint"),
            (acme_posts[0], "sentiment", "negative"),
            (acme_posts[1], "category", "Product Suggestions"),
            (acme_posts[1], "intent", "compliment"),
        ]
    ):
        do_correct_triage(
            session=session,
            workspace_id=acme,
            post_id=post,
            field=field,
            new_value=value,
            now=now + timedelta(minutes=minutes),
        )

    assert load_corrections(session) == [
        Correction("@AcmeHelp my order never arrived", "intent", "complaint"),
        Correction("@AcmeHelp my order never arrived", "sentiment", "negative"),
        Correction("@AcmeHelp love the new blender!", "category", "Product Suggestions"),
        Correction("@AcmeHelp love the new blender!", "intent", "compliment"),
    ]


SCREEN = "@AcmeHelp the seat-back screen froze for the whole flight to Denver"
LIKE_SCREEN = "@AcmeHelp the seat-back screen froze for the whole flight to Dallas"


def _category_of(session: Session, post_id: int) -> tuple[str, list[str]]:
    session.commit()  # see what was stored since the session last read
    triage = get_post_triage(session=session, workspace="acme", post_id=post_id)
    return triage.lane, [c["name"] for c in triage.detail["categories"]]


def test_folded_category_and_lane_corrections_place_later_similar_posts(
    sessions: sessionmaker[Session], session: Session, acme_posts: list[int], now: datetime
) -> None:
    acme = _acme(session)
    (screen,) = ingest(sessions, now, post_data("10", created_at=at(10), text=SCREEN))
    (before,) = ingest(sessions, now, post_data("11", created_at=at(11), text=LIKE_SCREEN))
    assert "Upcoming Events" not in _category_of(session, before)[1]
    do_correct_triage(
        session=session,
        workspace_id=acme,
        post_id=screen,
        field="category",
        new_value="upcoming events",
        now=now,
    )
    do_correct_triage(  # a lane correction of another post, later: its own category
        session=session,
        workspace_id=acme,
        post_id=acme_posts[1],
        field="lane",
        new_value="Marketing/PR",
        now=now + timedelta(minutes=1),
    )
    # Not yet folded: a similar post is placed as before.
    (unfolded,) = ingest(sessions, now, post_data("12", created_at=at(12), text=LIKE_SCREEN))
    assert _category_of(session, unfolded) == _category_of(session, before)

    folded = do_fold_lane_corrections(session=session, now=now)

    assert folded == FoldedLaneCorrections(workspaces=1, posts=2)
    workspace = session.get(Workspace, acme)
    assert workspace is not None
    session.refresh(workspace)
    assert workspace.learned_lane_examples == {
        "categories": {"Upcoming Events": [SCREEN]},
        "lanes": {"Marketing/PR": ["@AcmeHelp love the new blender!"]},
    }
    assert workspace.lanes_yaml is None  # the lanes file stays as it was
    (after,) = ingest(sessions, now, post_data("13", created_at=at(13), text=LIKE_SCREEN))
    lane, categories = _category_of(session, after)
    assert (lane, categories[0]) == ("Marketing/PR", "Upcoming Events")
    triage = get_post_triage(session=session, workspace="acme", post_id=after)
    assert triage.detail["categories"][0]["reasons"][0].startswith(
        "similar to a post agents placed here ("
    )
    (blender,) = ingest(
        sessions, now, post_data("14", created_at=at(14), text="@AcmeHelp love the new blender!!")
    )
    lane, categories = _category_of(session, blender)
    assert (lane, categories[0]) == ("Marketing/PR", "Marketing/PR (agents' corrections)")
    logged = session.scalars(
        select(Event.data).where(
            Event.workspace_id == acme, Event.type == "workspace.triage_configured"
        )
    ).all()
    assert logged == [{"changed": ["learned lane examples"]}]
    # Folding again changes nothing and logs nothing; a learned category is no category
    # an agent can correct to.
    assert do_fold_lane_corrections(session=session, now=now) == folded
    configured = select(Event.id).where(Event.type == "workspace.triage_configured")
    assert len(session.scalars(configured).all()) == 1
    with pytest.raises(InvalidInputError, match="not a category of the workspace"):
        do_correct_triage(
            session=session,
            workspace_id=acme,
            post_id=after,
            field="category",
            new_value="Marketing/PR (agents' corrections)",
            now=now,
        )
