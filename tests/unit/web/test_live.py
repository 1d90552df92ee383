"""The live feed's pure parts: which events go out and how they are packed into notices,
who sees which, the feed's numbering and catching up, and the influence label."""

import asyncio
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.events import EventType
from carelane.store.commit_notices import MAX_PAYLOAD_BYTES
from carelane.store.database import create_database_engine, unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.live_events import LiveEvent, decode_live_events, encode_live_events
from carelane.web.conversation_view import influence_label
from carelane.web.live_audience import Audience
from carelane.web.live_feed import RESYNC, LiveFeed, Numbered
from carelane.workspaces.service import do_create_workspace

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def in_own_loop(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run `scenario` on an event loop of its own thread, as a web server runs streams
    (and whatever loop this thread may have is left alone)."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as error:  # handed to the test's thread below
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the scenario did not end within a minute"
    if failures:
        raise failures[0]


def _event(
    type_: EventType, conversation: int | None = 1, agent: int | None = None, **data: object
) -> EventRow:
    return EventRow(1, type_, AT, conversation_id=conversation, agent_id=agent, data=dict(data))


def test_only_the_kinds_a_page_shows_are_encoded_with_the_data_it_uses() -> None:
    payloads = encode_live_events(
        [
            _event(EventType.CONVERSATION_ASSIGNED, agent=7, explanation="x" * 500, by_agent_id=3),
            _event(EventType.WORKSPACE_ROUTING_CONFIGURED, conversation=None),
            _event(EventType.POST_RECEIVED, conversation=None),
            _event(EventType.CONVERSATION_STATUS_CHANGED, **{"from": "new", "to": "resolved"}),
            _event(EventType.SUPERVISOR_ALERTED, message="m" * 500),
        ]
    )
    assert len(payloads) == 1
    events = decode_live_events(payloads[0])
    assert [e.type for e in events] == [
        "conversation.assigned",
        "conversation.status_changed",
        "supervisor.alerted",
    ]
    assert events[0] == LiveEvent(1, "conversation.assigned", AT, 1, 7, {"by_agent_id": 3})
    assert events[1].data == {"from": "new", "to": "resolved"}
    assert len(events[2].data["message"]) == 200


def test_a_big_batch_is_split_into_notices_postgresql_takes() -> None:
    rows = [_event(EventType.POST_RECEIVED, conversation=n) for n in range(2000)]
    payloads = encode_live_events(rows)
    assert len(payloads) > 1
    assert all(len(p.encode()) < MAX_PAYLOAD_BYTES for p in payloads)
    decoded = [e.conversation_id for p in payloads for e in decode_live_events(p)]
    assert decoded == list(range(2000))


@pytest.mark.parametrize(
    "payload", ["not json", "{}", '[{"w": 1}]', '[{"w":1,"t":"x","at":"soon"}]']
)
def test_a_notice_that_cannot_be_read_gives_no_events(payload: str) -> None:
    assert decode_live_events(payload) == []


def _live(
    type_: EventType, conversation: int | None = 1, agent: int | None = None, **data: object
) -> LiveEvent:
    return LiveEvent(1, type_.value, AT, conversation, agent, dict(data))


def test_a_supervisor_sees_everything() -> None:
    audience = Audience(sees_all=True, agent_ids=frozenset())
    assert audience.admits(_live(EventType.SUPERVISOR_ALERTED))
    assert audience.admits(_live(EventType.CONVERSATION_OPENED, conversation=99))


def test_an_agent_follows_what_they_hold() -> None:
    audience = Audience(sees_all=False, agent_ids=frozenset({7}), held={1})
    assert audience.admits(_live(EventType.POST_RECEIVED, conversation=1))
    assert not audience.admits(_live(EventType.CONVERSATION_OPENED, conversation=2))
    assert not audience.admits(_live(EventType.SUPERVISOR_ALERTED, conversation=1))
    assert audience.admits(_live(EventType.CONVERSATION_ASSIGNED, conversation=2, agent=7))
    assert audience.admits(_live(EventType.SLA_WARNING, conversation=2))
    # taken over by someone else: told once, then no more
    assert audience.admits(_live(EventType.CONVERSATION_TAKEN_OVER, conversation=2, agent=8))
    assert not audience.admits(_live(EventType.POST_RECEIVED, conversation=2))
    # resolved: told, then let go
    assert audience.admits(
        _live(EventType.CONVERSATION_STATUS_CHANGED, conversation=1, to="resolved")
    )
    assert not audience.admits(_live(EventType.POST_RECEIVED, conversation=1))
    assert audience.admits(_live(EventType.AGENT_STATE_CHANGED, conversation=None, agent=7))
    assert not audience.admits(_live(EventType.AGENT_STATE_CHANGED, conversation=None, agent=8))
    # a note naming them, on a conversation they do not hold
    assert audience.admits(_live(EventType.AGENT_MENTIONED, conversation=40, agent=7))
    assert not audience.admits(_live(EventType.AGENT_MENTIONED, conversation=40, agent=8))
    assert 40 not in audience.held


def test_an_agent_is_not_told_of_an_assignment_to_another() -> None:
    audience = Audience(sees_all=False, agent_ids=frozenset({7}))
    assert not audience.admits(_live(EventType.CONVERSATION_ASSIGNED, conversation=3, agent=8))
    assert audience.held == set()


def test_a_marketing_reader_sees_the_conversations_of_their_lanes_whoever_holds_them() -> None:
    audience = Audience(sees_all=False, agent_ids=frozenset({7}), lanes=frozenset({"Marketing/PR"}))
    assert audience.needs_lanes
    assert audience.admits(_live(EventType.CONVERSATION_OPENED, conversation=5), "Marketing/PR")
    assert audience.admits(_live(EventType.POST_RECEIVED, conversation=5), "marketing/pr")
    assert audience.admits(
        _live(EventType.CONVERSATION_ASSIGNED, conversation=5, agent=8), "Marketing/PR"
    )
    for lane in ("Customer Service", None):
        assert not audience.admits(_live(EventType.CONVERSATION_OPENED, conversation=6), lane)
        assert not audience.admits(
            _live(EventType.CONVERSATION_ASSIGNED, conversation=6, agent=7), lane
        )
    assert not audience.admits(_live(EventType.SUPERVISOR_ALERTED, conversation=5), "Marketing/PR")
    assert audience.admits(
        _live(EventType.AGENT_MENTIONED, conversation=5, agent=7), "Marketing/PR"
    )
    assert not audience.admits(
        _live(EventType.AGENT_MENTIONED, conversation=6, agent=7), "Customer Service"
    )
    assert audience.admits(_live(EventType.AGENT_STATE_CHANGED, conversation=None, agent=7))
    assert not audience.admits(_live(EventType.AGENT_STATE_CHANGED, conversation=None, agent=8))


def test_the_feed_numbers_events_and_replays_what_a_reconnecting_stream_missed() -> None:
    async def scenario() -> None:
        feed = LiveFeed(create_database_engine("sqlite://"))
        subscription, missed = feed.subscribe(1, None)
        assert missed == []
        feed._publish(_live(EventType.CONVERSATION_OPENED, conversation=5))
        feed._publish(LiveEvent(2, "conversation.opened", AT, 6))
        feed._publish(_live(EventType.CONVERSATION_OPENED, conversation=7))
        first = await asyncio.wait_for(subscription.next(), 1)
        second = await asyncio.wait_for(subscription.next(), 1)
        assert isinstance(first, Numbered)
        assert isinstance(second, Numbered)
        assert [first.event.conversation_id, second.event.conversation_id] == [5, 7]
        assert first.id == f"{feed.token}-1"
        _, caught_up = feed.subscribe(1, first.id)
        assert caught_up is not None
        assert [n.event.conversation_id for n in caught_up] == [7]
        assert feed.subscribe(1, "another-3")[1] is None
        assert feed.subscribe(1, f"{feed.token}-99")[1] is None
        feed._tell_everyone(RESYNC)
        assert await asyncio.wait_for(subscription.next(), 1) == RESYNC
        feed.close()

    in_own_loop(scenario)


def test_events_reach_a_subscriber_once_their_transaction_commits_and_never_on_rollback(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    async def scenario() -> None:
        feed = LiveFeed(engine)
        try:
            with sessions() as session:
                workspace_id = do_create_workspace(
                    session=session, slug="acme", name="Acme", now=AT
                ).id
            subscription, _ = feed.subscribe(workspace_id, None)
            with sessions() as session:
                session.begin()
                append_events(
                    session,
                    [EventRow(workspace_id, EventType.AGENT_STATE_CHANGED, AT, data={"to": "x"})],
                    now=AT,
                )
                session.rollback()
            with sessions() as session, unit_of_work(session):
                append_events(
                    session,
                    [EventRow(workspace_id, EventType.AGENT_STATE_CHANGED, AT, data={"to": "y"})],
                    now=AT,
                )
            heard = await asyncio.wait_for(subscription.next(), 10)
            assert isinstance(heard, Numbered)
            assert heard.event.data == {"to": "y"}
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(subscription.next(), 0.3)
        finally:
            feed.close()

    in_own_loop(scenario)


@pytest.mark.parametrize(
    ("followers", "verified", "label"),
    [
        (None, False, "reach unknown"),
        (12, False, "everyday customer"),
        (1_000, False, "local voice"),
        (48_000, True, "influencer, verified"),
        (2_000_000, False, "high-profile"),
    ],
)
def test_influence_label(followers: int | None, verified: bool, label: str) -> None:
    assert influence_label(followers, verified=verified) == label


def test_a_post_opening_its_conversation_goes_out_once_as_the_opening() -> None:
    payloads = encode_live_events(
        [
            _event(EventType.POST_RECEIVED, conversation=1),
            _event(EventType.POST_RECEIVED, conversation=2),
            _event(EventType.CONVERSATION_OPENED, conversation=1),
        ]
    )
    events = [(e.type, e.conversation_id) for p in payloads for e in decode_live_events(p)]
    assert events == [("post.received", 2), ("conversation.opened", 1)]
