"""HTTP: a workspace's live events as Server-Sent Events, filtered to what the reader sees.

`GET /api/v1/workspaces/{workspace}/live` answers `text/event-stream`: first a `ready`
event (the server's clock, for countdowns), then each event as it is committed, named by
its type (`conversation.assigned`, `sla.breached` …) with its id, and a comment line every
`KEEPALIVE_SECONDS` so that proxies keep the connection open. A browser's EventSource
reconnects by itself with `Last-Event-ID` and gets what it missed, or a `resync` event when
that cannot be known (another process, or too long away).
"""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from carelane.accounts.schemas import SignedIn
from carelane.conversations.lane_scope import lane_of_conversation
from carelane.web.auth import SignedInDep, allowed_in_lanes
from carelane.web.dependencies import WorkspaceIdDep, get_sessions, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.lane_access import lanes_seen_by
from carelane.web.live_audience import Audience
from carelane.web.live_feed import RESYNC, LiveFeed, Numbered

KEEPALIVE_SECONDS = 15.0
RETRY_MILLISECONDS = 2000

router = APIRouter(
    tags=["live"],
    responses=ERROR_RESPONSES,
    dependencies=[allowed_in_lanes("follow a workspace's live events")],
)


def get_live_feed(request: Request) -> LiveFeed:
    feed: LiveFeed = request.app.state.live_feed
    return feed


def _message(event: str, data: object, event_id: str | None = None) -> str:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.insert(0, f"id: {event_id}")
    lines.append("data: " + json.dumps(data, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


async def _stream(
    request: Request,
    *,
    feed: LiveFeed,
    user: SignedIn,
    workspace_id: int,
    last_event_id: str | None,
) -> AsyncIterator[str]:
    def audience() -> Audience:
        with get_sessions(request)() as session:
            lanes = lanes_seen_by(session, user=user, workspace_id=workspace_id)
            return Audience.of(session, user=user, workspace_id=workspace_id, lanes=lanes)

    def lane_of(conversation_id: int) -> str | None:
        with get_sessions(request)() as session:
            return lane_of_conversation(session=session, conversation_id=conversation_id)

    async def admitted(reader: Audience, numbered: Numbered) -> bool:
        conversation_id = numbered.event.conversation_id
        if not reader.needs_lanes or conversation_id is None:
            return reader.admits(numbered.event)
        return reader.admits(numbered.event, await run_in_threadpool(lane_of, conversation_id))

    subscription, missed = feed.subscribe(workspace_id, last_event_id)
    keepalive = getattr(request.app.state, "live_keepalive_seconds", KEEPALIVE_SECONDS)
    try:
        reader = await run_in_threadpool(audience)
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        yield _message(
            "ready", {"server_time": utc_now().isoformat(), "last_event_id": feed.last_id}
        )
        if missed is None:
            yield _message(RESYNC, {"reason": "events since the last one seen are unknown"})
        for numbered in missed or []:
            if await admitted(reader, numbered):
                yield _message(numbered.event.type, numbered.event.to_json(), numbered.id)
        while True:
            try:
                item = await asyncio.wait_for(subscription.next(), timeout=keepalive)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"
                continue
            if isinstance(item, Numbered):
                if await admitted(reader, item):
                    yield _message(item.event.type, item.event.to_json(), item.id)
            elif item == RESYNC:
                reader = await run_in_threadpool(audience)
                yield _message(RESYNC, {"reason": "some events were lost"})
    finally:
        feed.unsubscribe(subscription)


@router.get(
    "/workspaces/{workspace}/live",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def live_events(
    request: Request,
    workspace_id: WorkspaceIdDep,
    user: SignedInDep,
    last_event_id: Annotated[str | None, Header(max_length=100)] = None,
) -> StreamingResponse:
    """The workspace's events as they are committed, as Server-Sent Events: everything
    for a supervisor, what concerns their own conversations for an agent, what happens in
    the marketing lanes for the Marketing/PR team."""
    return StreamingResponse(
        _stream(
            request,
            feed=get_live_feed(request),
            user=user,
            workspace_id=workspace_id,
            last_event_id=last_event_id,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
