"""The readers on the real data sets: what they read, reject and how posts come out."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.channels import Direction
from carelane.domain.posts import NormalisedPost
from carelane.ingest.pipeline import batches, ingest_stages, run_pipeline
from carelane.ingest.readers import SOURCES, RawItem, read_source
from carelane.ingest.results import ItemStatus
from carelane.ingest.schema import validate_post
from carelane.store.models import Conversation, Message, Post

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _read(source: str, data_dir: Path) -> list[RawItem]:
    return list(read_source(source, data_dir))


def _valid(items: list[RawItem]) -> list[NormalisedPost]:
    posts = []
    for item in items:
        if item.data is None:
            continue
        post = validate_post(item.data, now=NOW, max_clock_skew=timedelta(minutes=5))
        if isinstance(post, NormalisedPost):
            posts.append(post)
    return posts


def _by_id(items: list[RawItem]) -> dict[str, dict[str, Any]]:
    return {i.data["external_id"]: i.data for i in items if i.data is not None}


@pytest.fixture(scope="module")
def real(data_dir: Path) -> dict[str, list[RawItem]]:
    return {name: _read(name, data_dir) for name in SOURCES}


@pytest.mark.parametrize(
    ("source", "read", "unreadable", "invalid"),
    [
        ("airline", 11_712, 0, 6),  # six tweets by an author without a name
        ("spotify", 15_103, 7, 0),  # seven rows cut short, without a time
        ("conversations", 686 + 525, 0, 0),  # every turn plus each dialogue's closing answer
    ],
)
def test_rows_read_and_rejected_per_source(
    real: dict[str, list[RawItem]], source: str, read: int, unreadable: int, invalid: int
) -> None:
    items = real[source]
    assert len(items) == read
    assert sum(1 for i in items if i.errors) == unreadable
    readable = sum(1 for i in items if i.data is not None)
    assert readable == read - unreadable
    assert len(_valid(items)) == readable - invalid


def test_unreadable_rows_name_their_line_and_field(real: dict[str, list[RawItem]]) -> None:
    bad = [i for i in real["spotify"] if i.errors]
    assert all(i.where.startswith("spotify_support_requests.csv:") for i in bad)
    assert bad[0].where == "spotify_support_requests.csv:1557"
    assert [e.field for e in bad[0].errors] == ["created_at"]


def test_airline_invalid_rows_name_the_author_handle(real: dict[str, list[RawItem]]) -> None:
    problems = Counter()
    for item in real["airline"]:
        assert item.data is not None
        result = validate_post(item.data, now=NOW, max_clock_skew=timedelta(minutes=5))
        if isinstance(result, list):
            problems.update(e.field for e in result)
    assert problems == {"author.handle": 6}


def test_airline_workspaces_with_jetblue_split_from_delta(real: dict[str, list[RawItem]]) -> None:
    posts = _valid(real["airline"])
    workspaces = Counter(p.workspace for p in posts)
    assert set(workspaces) == {
        "united",
        "usairways",
        "americanair",
        "southwestair",
        "jetblue",
        "virginamerica",
    }
    assert workspaces["jetblue"] == 1817
    item = _by_id(real["airline"])["567590027375702016"]  # labelled "Delta", sent to @JetBlue
    assert item["raw"]["airline"] == "Delta"
    assert (item["workspace"], item["channel"]) == ("jetblue", "JetBlue")
    assert item["text"] == "@JetBlue is REALLY getting on my nerves !! 😡😡 #nothappy"
    assert item["created_at"] == "2015-02-16T23:43:02-08:00"


def test_airline_multi_line_tweet_is_intact(real: dict[str, list[RawItem]]) -> None:
    item = _by_id(real["airline"])["567730299912482816"]
    assert item["text"] == "@united's first-class #cockup\nhttp://t.co/oh7CFv7DHR"


def test_html_entities_are_decoded_and_raw_keeps_them(real: dict[str, list[RawItem]]) -> None:
    item = _by_id(real["spotify"])["850"]
    assert item["text"].startswith("@SpotifyCares Premium & when")
    assert item["raw"]["text"].startswith("@SpotifyCares Premium &amp; when")
    texts = [p.text for p in _valid(real["airline"]) + _valid(real["spotify"])]
    assert not any("&amp;" in t or "&gt;" in t or "&lt;" in t for t in texts)
    assert sum("&" in t for t in texts) > 100


def test_spotify_posts_carry_their_thread_links(real: dict[str, list[RawItem]]) -> None:
    by_id = _by_id(real["spotify"])
    assert by_id["849"]["in_reply_to"] == "848"
    assert by_id["849"]["author"] == {"handle": "115887"}
    assert by_id["849"]["created_at"] == "2017-10-31T23:36:20+00:00"
    assert by_id["2806"]["text"] == "@SpotifyCares You actually are amazing 😘😘😘"
    assert by_id["2802"]["text"] == (
        "@SpotifyCares Montreal, where the ad itself says I\u2019m not allowed to get the deal.\n\n"
        "We had another tweet exchange a few days ago when you emailed me the same offer."
    )
    posts = _valid(real["spotify"])
    assert {(p.workspace, p.channel) for p in posts} == {("spotifycares", "SpotifyCares")}
    replies = sum(p.in_reply_to is not None for p in posts)
    assert 0 < replies < len(posts)


def test_care_conversations_chain_customer_and_agent_turns(
    real: dict[str, list[RawItem]],
) -> None:
    items = [
        i
        for i in real["conversations"]
        if i.where.startswith("customer_care_conversations.json[0].")
    ]
    turn, closing = (i.data for i in items)
    assert turn is not None
    assert closing is not None
    assert turn["workspace"] == "teamyoutube"
    assert turn["direction"] == "inbound"
    assert turn["author"] == {"handle": "CinVakas"}
    assert turn["in_reply_to"] is None
    assert "\n\nmy e-mail address" in turn["text"]
    assert closing["direction"] == "outbound"
    assert closing["author"] == {"handle": "TeamYouTube"}
    assert closing["in_reply_to"] == turn["external_id"] == "1245403438755852288"
    assert closing["external_id"] == "1245425308704149506"
    # started 2020-04-01T17:31:32Z and lasted 01:26:55
    assert datetime.fromisoformat(closing["created_at"]) == datetime(
        2020, 4, 1, 18, 58, 27, tzinfo=UTC
    )


def test_care_conversations_have_both_directions(real: dict[str, list[RawItem]]) -> None:
    posts = _valid(real["conversations"])
    directions = Counter(p.direction for p in posts)
    assert directions == {Direction.INBOUND: 606 + 19, Direction.OUTBOUND: 61 + 525}


def test_care_conversations_ingested_one_conversation_per_dialogue(
    sessions: sessionmaker[Session], real: dict[str, list[RawItem]]
) -> None:
    stages = ingest_stages(
        sessions, clock=lambda: NOW, max_clock_skew=timedelta(minutes=5), create_workspaces=True
    )
    results = [
        r
        for batch in run_pipeline(stages, batches(real["conversations"], 1000))
        for r in batch.results()
    ]
    # Dialogue 386 repeats 60, and 491 starts as 245 did: six posts arrive again.
    assert Counter(r.status for r in results) == {
        ItemStatus.CREATED: 1205,
        ItemStatus.DUPLICATE: 6,
    }
    seen: set[str] = set()
    conversation_of: dict[str, set[int | None]] = {}
    for item, result in zip(real["conversations"], results, strict=True):
        assert item.data is not None
        external_id = item.data["external_id"]
        assert (result.status is ItemStatus.DUPLICATE) == (external_id in seen)
        seen.add(external_id)
        if result.status is ItemStatus.CREATED:
            dialogue = item.where.split("]")[0]
            conversation_of.setdefault(dialogue, set()).add(result.conversation_id)
    assert len(conversation_of) == 524
    # Every turn, agents' closing answers stamped before the question included, is on the
    # timeline of its dialogue's one conversation.
    assert all(len(ids) == 1 and None not in ids for ids in conversation_of.values())
    with sessions() as session:
        # A customer's later dialogue with the same brand joins their still active one.
        conversations = set().union(*conversation_of.values())
        assert session.scalar(select(func.count()).select_from(Conversation)) == len(conversations)
        assert 500 < len(conversations) <= 524
        assert session.scalar(select(func.count()).select_from(Message)) == 1205
        outbound = session.scalar(
            select(func.count()).select_from(Post).where(Post.direction == "outbound")
        )
        assert outbound == 586 - 3
