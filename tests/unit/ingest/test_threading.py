"""The pure threading rules: which conversation each post joins or opens."""

from datetime import UTC, datetime, timedelta

from carelane.domain.channels import Direction
from carelane.domain.conversations import ConversationStatus
from carelane.ingest.threading import PostToThread, ThreadState, parents_first, thread_posts

T0 = datetime(2017, 10, 31, 12, 0, tzinfo=UTC)
CHANNEL = 1
BRAND = 99  # the brand's own author id on the channel
ANA, BO = 1, 2


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _post(
    external_id: str,
    minutes: int,
    *,
    author: int = ANA,
    reply_to: str | None = None,
    outbound: bool = False,
    channel: int = CHANNEL,
) -> PostToThread:
    return PostToThread(
        channel_id=channel,
        author_id=BRAND if outbound else author,
        external_id=external_id,
        in_reply_to=reply_to,
        direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
        created_at=_at(minutes),
    )


def _stored(
    conversation_id: int, status: ConversationStatus, *, author: int = ANA, minutes: int = -60
) -> ThreadState:
    return ThreadState(
        id=conversation_id,
        channel_id=CHANNEL,
        author_id=author,
        status=status,
        opened_at=_at(minutes),
        last_message_at=_at(minutes),
        last_inbound_at=_at(minutes),
    )


def test_a_customers_first_post_opens_a_new_conversation() -> None:
    active: dict[tuple[int, int], ThreadState] = {}
    (thread,) = thread_posts([_post("1", 0)], known_parents={}, active=active)
    assert thread is not None
    assert thread.id is None
    assert thread.opened_by == "1"
    assert thread.status is ConversationStatus.NEW
    assert (thread.opened_at, thread.last_message_at, thread.last_inbound_at) == (
        _at(0),
        _at(0),
        _at(0),
    )
    assert thread.added_messages == 1
    assert thread.status_changes == []
    assert active == {(CHANNEL, ANA): thread}


def test_replies_join_their_parents_conversation_and_move_its_status() -> None:
    posts = [
        _post("1", 0),
        _post("2", 5, outbound=True, reply_to="1"),
        _post("3", 9, reply_to="2"),
    ]
    threads = thread_posts(posts, known_parents={}, active={})
    first = threads[0]
    assert first is not None
    assert threads == [first, first, first]
    assert first.added_messages == 3
    assert first.status is ConversationStatus.OPEN
    assert first.status_changes == [
        (ConversationStatus.NEW, ConversationStatus.PENDING, _at(5)),
        (ConversationStatus.PENDING, ConversationStatus.OPEN, _at(9)),
    ]
    assert first.last_message_at == _at(9)
    assert first.last_inbound_at == _at(9)


def test_a_reply_joins_a_stored_parents_conversation() -> None:
    stored = _stored(7, ConversationStatus.NEW)
    known = {(CHANNEL, "100"): stored}
    (thread,) = thread_posts(
        [_post("101", 0, outbound=True, reply_to="100")], known_parents=known, active={}
    )
    assert thread is stored
    assert stored.status is ConversationStatus.PENDING
    assert stored.added_messages == 1
    assert stored.last_inbound_at == _at(-60)  # the brand's answer is not inbound
    assert known[(CHANNEL, "101")] is stored


def test_a_reply_to_a_resolved_conversation_reopens_it() -> None:
    stored = _stored(7, ConversationStatus.RESOLVED)
    active: dict[tuple[int, int], ThreadState] = {}
    (thread,) = thread_posts(
        [_post("101", 0, reply_to="100")], known_parents={(CHANNEL, "100"): stored}, active=active
    )
    assert thread is stored
    assert stored.status is ConversationStatus.OPEN
    assert stored.status_changes == [(ConversationStatus.RESOLVED, ConversationStatus.OPEN, _at(0))]
    assert active == {(CHANNEL, ANA): stored}


def test_a_brand_reply_to_a_resolved_conversation_leaves_it_resolved() -> None:
    stored = _stored(7, ConversationStatus.RESOLVED)
    (thread,) = thread_posts(
        [_post("101", 0, outbound=True, reply_to="100")],
        known_parents={(CHANNEL, "100"): stored},
        active={},
    )
    assert thread is stored
    assert stored.status is ConversationStatus.RESOLVED
    assert stored.added_messages == 1


def test_a_reply_to_a_closed_conversation_starts_a_new_one() -> None:
    closed = _stored(7, ConversationStatus.CLOSED)
    (thread,) = thread_posts(
        [_post("101", 0, reply_to="100")], known_parents={(CHANNEL, "100"): closed}, active={}
    )
    assert thread is not None
    assert thread is not closed
    assert thread.opened_by == "101"
    assert closed.added_messages == 0
    assert closed.status is ConversationStatus.CLOSED


def test_a_customers_new_post_after_a_closed_conversation_starts_a_new_one() -> None:
    (thread,) = thread_posts([_post("5", 0)], known_parents={}, active={})
    assert thread is not None
    assert thread.opened_by == "5"


def test_brand_posts_never_open_a_conversation() -> None:
    closed = _stored(7, ConversationStatus.CLOSED)
    threads = thread_posts(
        [
            _post("1", 0, outbound=True),  # a broadcast
            _post("2", 1, outbound=True, reply_to="unknown"),
            _post("3", 2, outbound=True, reply_to="100"),  # answer in a closed thread
        ],
        known_parents={(CHANNEL, "100"): closed},
        active={},
    )
    assert threads == [None, None, None]


def test_a_brand_post_without_parent_does_not_join_an_active_conversation() -> None:
    stored = _stored(7, ConversationStatus.OPEN, author=ANA)
    (thread,) = thread_posts(
        [_post("1", 0, outbound=True)], known_parents={}, active={(CHANNEL, BRAND): stored}
    )
    assert thread is None
    assert stored.added_messages == 0


def test_a_reply_to_a_post_that_never_arrived_joins_the_active_conversation() -> None:
    stored = _stored(7, ConversationStatus.PENDING)
    active = {(CHANNEL, ANA): stored}
    (thread,) = thread_posts([_post("1", 0, reply_to="missing")], known_parents={}, active=active)
    assert thread is stored
    assert stored.status is ConversationStatus.OPEN


def test_reply_to_a_resolved_conversation_joins_the_customers_other_active_one() -> None:
    resolved = _stored(7, ConversationStatus.RESOLVED, minutes=-120)
    current = _stored(8, ConversationStatus.NEW)
    active = {(CHANNEL, ANA): current}
    (thread,) = thread_posts(
        [_post("101", 0, reply_to="100")],
        known_parents={(CHANNEL, "100"): resolved},
        active=active,
    )
    assert thread is current
    assert resolved.status is ConversationStatus.RESOLVED
    assert resolved.added_messages == 0
    assert current.added_messages == 1


def test_a_third_party_replying_in_a_thread_joins_it() -> None:
    stored = _stored(7, ConversationStatus.OPEN, author=ANA)
    (thread,) = thread_posts(
        [_post("101", 0, author=BO, reply_to="100")],
        known_parents={(CHANNEL, "100"): stored},
        active={},
    )
    assert thread is stored


def test_customers_and_channels_are_kept_apart() -> None:
    threads = thread_posts(
        [_post("1", 0, author=ANA), _post("2", 1, author=BO), _post("3", 2, channel=2)],
        known_parents={},
        active={},
    )
    assert len({id(t) for t in threads}) == 3


def test_a_reply_stamped_before_its_parent_still_joins_it() -> None:
    # Real data: an agent's closing answer stamped two days before the question it answers.
    posts = [
        _post("answer", 0, outbound=True, reply_to="question"),
        _post("question", 2880),
    ]
    threads = thread_posts(posts, known_parents={}, active={})
    assert threads[1] is not None
    assert threads[1].opened_by == "question"
    assert threads[0] is threads[1]
    assert threads[1].added_messages == 2


def test_out_of_order_batch_threads_like_the_ordered_one() -> None:
    ordered = [
        _post("1", 0),
        _post("2", 5, outbound=True, reply_to="1"),
        _post("3", 9, reply_to="2"),
        _post("4", 11, outbound=True, reply_to="3"),
    ]
    shuffled = [ordered[3], ordered[1], ordered[2], ordered[0]]
    assert parents_first(shuffled) == [3, 1, 2, 0]
    threads = thread_posts(shuffled, known_parents={}, active={})
    first = threads[3]
    assert first is not None
    assert threads == [first, first, first, first]
    assert first.opened_by == "1"
    assert first.added_messages == 4
    assert first.status is ConversationStatus.PENDING


def test_parents_first_keeps_order_otherwise_and_survives_loops() -> None:
    posts = [
        _post("a", 0, reply_to="b"),
        _post("b", 1, reply_to="a"),
        _post("c", 2),
        _post("d", 3, reply_to="d"),
    ]
    assert parents_first(posts) == [2, 3, 0, 1]
    assert parents_first([_post("x", 0), _post("y", 1)]) == [0, 1]


def test_duplicate_status_changes_are_not_recorded_for_unchanged_status() -> None:
    stored = _stored(7, ConversationStatus.OPEN)
    thread_posts(
        [_post("1", 0, reply_to="100"), _post("2", 1, reply_to="100")],
        known_parents={(CHANNEL, "100"): stored},
        active={},
    )
    assert stored.status_changes == []
    assert stored.added_messages == 2
