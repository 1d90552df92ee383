"""Which conversation each post belongs to: the pure threading rules.

- A reply joins the conversation of the post it answers, when that post is known and its
  conversation is not closed (a resolved one reopens).
- Otherwise a customer's post joins their active conversation on the channel, or opens one.
- The brand's own posts never open a conversation: without a known parent they stand alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from carelane.domain.channels import Direction
from carelane.domain.conversations import ACTIVE_STATUSES, ConversationStatus, status_after_post

ChannelAuthor = tuple[int, int]
ChannelPost = tuple[int, str]


@dataclass(slots=True)
class ThreadState:
    """A conversation as threading sees it; `id` is None until a new one is stored."""

    channel_id: int
    author_id: int
    status: ConversationStatus
    opened_at: datetime
    last_message_at: datetime
    last_inbound_at: datetime | None
    id: int | None = None
    opened_by: str | None = None  # external id of the post that opened a new conversation
    added_messages: int = 0
    status_changes: list[tuple[ConversationStatus, ConversationStatus, datetime]] = field(
        default_factory=list
    )


@dataclass(frozen=True, slots=True)
class PostToThread:
    channel_id: int
    author_id: int
    external_id: str
    in_reply_to: str | None
    direction: Direction
    created_at: datetime


def thread_posts(
    posts: list[PostToThread],
    *,
    known_parents: dict[ChannelPost, ThreadState | None],
    active: dict[ChannelAuthor, ThreadState],
) -> list[ThreadState | None]:
    """The conversation of each post, in the order given.

    `posts` should be in publication order. A reply whose parent comes later in `posts`
    (clocks disagree: real data has answers stamped before their questions) is threaded
    right after its parent. `known_parents` maps stored posts that replies in `posts`
    answer to their conversations; `active` maps (channel, author) to the author's active
    conversation. Both are updated as posts are threaded; new conversations have
    `opened_by` set.
    """
    threads: list[ThreadState | None] = [None] * len(posts)
    for index in parents_first(posts):
        post = posts[index]
        thread = _find_thread(post, known_parents, active)
        if thread is None and post.direction is Direction.INBOUND:
            thread = ThreadState(
                channel_id=post.channel_id,
                author_id=post.author_id,
                status=ConversationStatus.NEW,
                opened_at=post.created_at,
                last_message_at=post.created_at,
                last_inbound_at=None,
                opened_by=post.external_id,
            )
            active[(post.channel_id, post.author_id)] = thread
        if thread is not None:
            _add_post(thread, post, active)
        known_parents[(post.channel_id, post.external_id)] = thread
        threads[index] = thread
    return threads


def parents_first(posts: Sequence[PostToThread]) -> list[int]:
    """Indexes of `posts` in their order, except that a reply waits for its parent.

    Posts replying to each other in a loop, which no network allows, keep their order
    at the end.
    """
    position = {(p.channel_id, p.external_id): i for i, p in enumerate(posts)}
    waiting: dict[int, list[int]] = {}
    placed: set[int] = set()
    order: list[int] = []
    for index, post in enumerate(posts):
        parent = None
        if post.in_reply_to is not None:
            parent = position.get((post.channel_id, post.in_reply_to))
        if parent is not None and parent != index and parent not in placed:
            waiting.setdefault(parent, []).append(index)
            continue
        ready = [index]
        while ready:
            current = ready.pop()
            placed.add(current)
            order.append(current)
            ready.extend(reversed(waiting.pop(current, [])))
    order.extend(sorted(i for i in range(len(posts)) if i not in placed))
    return order


def _find_thread(
    post: PostToThread,
    known_parents: dict[ChannelPost, ThreadState | None],
    active: dict[ChannelAuthor, ThreadState],
) -> ThreadState | None:
    if post.in_reply_to is not None:
        parent = known_parents.get((post.channel_id, post.in_reply_to))
        if parent is not None and parent.status is not ConversationStatus.CLOSED:
            if parent.status in ACTIVE_STATUSES:
                return parent
            # A resolved conversation reopens, unless its customer has meanwhile opened
            # another one on this channel: then the reply joins that one.
            return active.get((parent.channel_id, parent.author_id), parent)
    if post.direction is Direction.INBOUND:
        return active.get((post.channel_id, post.author_id))
    return None


def _add_post(
    thread: ThreadState, post: PostToThread, active: dict[ChannelAuthor, ThreadState]
) -> None:
    inbound = post.direction is Direction.INBOUND
    new_status = status_after_post(thread.status, inbound=inbound)
    if new_status is not thread.status:
        thread.status_changes.append((thread.status, new_status, post.created_at))
        if new_status in ACTIVE_STATUSES:
            active[(thread.channel_id, thread.author_id)] = thread
        thread.status = new_status
    thread.added_messages += 1
    thread.last_message_at = max(thread.last_message_at, post.created_at)
    if inbound:
        last = thread.last_inbound_at
        thread.last_inbound_at = post.created_at if last is None else max(last, post.created_at)
