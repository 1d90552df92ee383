"""This web process's view of the live feed of workspace events.

One thread hears the `carelane_live_events` notice channel (`store.live_events`), numbers
each event, keeps the latest ones for streams that reconnect (`Last-Event-ID`), and hands
each event to the streams subscribed to its workspace. It starts with the first
subscriber, so a process nobody watches does no work for the feed.

An event's id is `<feed>-<number>`: the feed's own token (new in each process and start)
and its number there. A stream that reconnects with an id of this feed still in memory
gets what it missed; any other id is answered with a `resync` (reload what you show).
"""

import asyncio
import logging
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field

from sqlalchemy import Engine

from carelane.store.commit_notices import NoticeListener
from carelane.store.live_events import CHANNEL, LiveEvent, decode_live_events

logger = logging.getLogger(__name__)

KEPT_EVENTS = 5000
"""Events kept for streams that reconnect; older ones are answered with a resync."""
QUEUE_LIMIT = 2000
"""Events a slow stream may have waiting before it is told to resync instead."""
_WAIT_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Numbered:
    """An event of the feed with its id."""

    id: str
    number: int
    event: LiveEvent


RESYNC = "resync"
"""What a subscription receives in place of events it lost."""


@dataclass(eq=False)
class Subscription:
    """A stream's place on the feed: the events of one workspace, in order."""

    workspace_id: int
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Numbered | str] = field(default_factory=asyncio.Queue)
    overflowed: bool = False

    def offer(self, item: Numbered | str) -> None:
        """From the feed's thread: hand over `item` on the stream's event loop."""
        try:
            self.loop.call_soon_threadsafe(self._put, item)
        except RuntimeError:  # the stream's loop has closed: it is going away
            logger.debug("a live stream's event loop closed before it unsubscribed")

    def _put(self, item: Numbered | str) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= QUEUE_LIMIT:
            self.overflowed = True
            self.queue.put_nowait(RESYNC)
            return
        self.queue.put_nowait(item)

    async def next(self) -> Numbered | str:
        item = await self.queue.get()
        if item == RESYNC:
            self.overflowed = False
        return item


class LiveFeed:
    """The feed of one database, for the streams of this process."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.token = secrets.token_hex(4)
        self._lock = threading.Lock()
        self._kept: deque[Numbered] = deque(maxlen=KEPT_EVENTS)
        self._number = 0
        self._subscriptions: set[Subscription] = set()
        self._listener: NoticeListener | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def _start(self) -> None:
        if self._thread is not None:
            return
        self._listener = NoticeListener(CHANNEL, self._engine)
        self._thread = threading.Thread(target=self._run, name="carelane-live-feed", daemon=True)
        self._thread.start()

    def subscribe(
        self, workspace_id: int, last_event_id: str | None
    ) -> tuple[Subscription, list[Numbered] | None]:
        """Subscribe the calling event loop to the workspace's events; with what the
        stream missed since `last_event_id` (None: it cannot be known, resync)."""
        subscription = Subscription(workspace_id, asyncio.get_running_loop())
        with self._lock:
            self._start()
            self._subscriptions.add(subscription)
            missed = self._since(workspace_id, last_event_id)
        return subscription, missed

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    @property
    def last_id(self) -> str:
        """The id of the latest event heard (or of none yet)."""
        return f"{self.token}-{self._number}"

    def _since(self, workspace_id: int, last_event_id: str | None) -> list[Numbered] | None:
        if not last_event_id:
            return []
        token, _, number_text = last_event_id.partition("-")
        if token != self.token or not number_text.isdigit():
            return None
        number = int(number_text)
        if number > self._number:
            return None
        if number < self._number and (not self._kept or self._kept[0].number > number + 1):
            return None  # some of what came after it is forgotten
        return [
            kept
            for kept in self._kept
            if kept.number > number and kept.event.workspace_id == workspace_id
        ]

    def _run(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stopping.is_set():
            try:
                heard = listener.wait(_WAIT_SECONDS)
            except Exception:  # keep the feed alive through a broken connection
                logger.exception("the live feed's listener failed; retrying")
                self._stopping.wait(_WAIT_SECONDS)
                continue
            if heard.lost:
                self._tell_everyone(RESYNC)
            for payload in heard.payloads:
                for event in decode_live_events(payload):
                    self._publish(event)

    def _publish(self, event: LiveEvent) -> None:
        with self._lock:
            self._number += 1
            numbered = Numbered(f"{self.token}-{self._number}", self._number, event)
            self._kept.append(numbered)
            subscriptions = [s for s in self._subscriptions if s.workspace_id == event.workspace_id]
        for subscription in subscriptions:
            subscription.offer(numbered)

    def _tell_everyone(self, item: str) -> None:
        with self._lock:
            subscriptions = list(self._subscriptions)
        for subscription in subscriptions:
            subscription.offer(item)

    def close(self) -> None:
        """Stop the feed's thread and close its listener."""
        self._stopping.set()
        if self._listener is not None:
            self._listener.wake()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
