"""Writing that an agent holds a conversation: the conversation's row, the agent's idle
time, and the events, in the caller's transaction, with statements built once."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Select, Update, bindparam, func, select, update
from sqlalchemy.orm import Session

from carelane.assignments.conversation_reads import QUEUE_ORDER
from carelane.assignments.roster_store import (
    ACTIVE,
    WAITING,
    RosterFrame,
    agent_t,
    channel_t,
    conversation_t,
    is_one_of,
)
from carelane.assignments.schemas import AssignmentOut
from carelane.domain.events import EventType
from carelane.routing.agents import AgentSnapshot
from carelane.routing.lane_notices import owning_lane_notice
from carelane.routing.requirements import ConversationToRoute
from carelane.store.events import EventRow, append_events

_c, _a = conversation_t.c, agent_t.c
_HOLD = (
    update(conversation_t)
    .where(_c.id == bindparam("conversation"))
    .values(
        {
            _c.assignee_id: bindparam("holder"),
            _c.assigned_at: bindparam("at"),
            _c.updated_at: bindparam("at"),
        }
    )
)
_HOLD_FROM = _HOLD.values({_c.previous_assignee_id: bindparam("previous")})
"""Hold a conversation someone else held: they become its previous holder."""
_CLAIM = (
    update(conversation_t)
    .where(
        _c.id
        == select(_c.id)
        .where(
            _c.id.in_(bindparam("candidates", expanding=True)),
            _c.assignee_id.is_(None),
            is_one_of(_c.status, WAITING),
        )
        .order_by(*QUEUE_ORDER)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    .values(
        {
            _c.assignee_id: bindparam("holder"),
            _c.assigned_at: bindparam("at"),
            _c.updated_at: bindparam("at"),
        }
    )
)
_CLAIM_FIRST = _CLAIM.returning(_c.id)
"""Hold the first of the candidates, in queue order, that still waits for an agent and
that no other transaction has locked (PostgreSQL re-reads a row changed since the
candidates were read, and skips a locked one for the next)."""
_held = conversation_t.alias("held")
_HOLD_IF_ROOM = _HOLD.where(
    select(func.count())
    .select_from(_held.join(channel_t, channel_t.c.id == _held.c.channel_id))
    .where(
        _held.c.assignee_id == bindparam("holder"),
        is_one_of(_held.c.status, ACTIVE),
        channel_t.c.network == bindparam("network"),
    )
    .scalar_subquery()
    < bindparam("network_slots")
)
"""Hold the conversation if the agent has a free slot on its network, counted by the
statement that gives it."""
_BUSY_SINCE = (
    update(agent_t).where(_a.id == bindparam("agent")).values({_a.idle_since: bindparam("at")})
)


def _and_busy_since(hold: Update) -> Select[tuple[int]]:
    """`hold` (an UPDATE of one conversation, returning its id) and, when it held one, its
    agent (`:holder`) busy since `:at`, in one statement: PostgreSQL's data-modifying WITH."""
    holding = hold.cte("holding")
    busy = (
        update(agent_t)
        .where(_a.id == holding.c.assignee_id)
        .values({_a.idle_since: holding.c.assigned_at})
        .cte("busy")
    )
    return select(holding.c.id).add_cte(busy)


_HOLD_IF_ROOM_AND_BUSY = _and_busy_since(
    _HOLD_IF_ROOM.returning(_c.id, _c.assignee_id, _c.assigned_at)
)
_CLAIM_FIRST_AND_BUSY = _and_busy_since(_CLAIM.returning(_c.id, _c.assignee_id, _c.assigned_at))
"""On PostgreSQL: a hold and its agent's busy time in one round trip."""


def hold_if_room(
    connection: Connection, conversation: ConversationToRoute, agent: AgentSnapshot, now: datetime
) -> bool:
    """Give the agent `conversation` (which nobody holds) if they have a free slot on its
    network, and mark them busy since `now`; whether it did. Exact when the caller
    locked the agent's row first: the count is the statement's own, made after the
    lock, and nobody else adds to it."""
    network = conversation.network
    asked = {
        "conversation": conversation.id,
        "holder": agent.id,
        "at": now,
        "network": network.value,
        "network_slots": agent.profile.capacity_on(network),
    }
    if connection.dialect.name == "postgresql":
        return connection.execute(_HOLD_IF_ROOM_AND_BUSY, asked).first() is not None
    held = connection.execute(_HOLD_IF_ROOM, asked)
    if held.rowcount:
        connection.execute(_BUSY_SINCE, {"agent": agent.id, "at": now})
    return bool(held.rowcount)


def claim_first_waiting(
    connection: Connection, candidates: Sequence[int], agent_id: int, now: datetime
) -> int | None:
    """Give the agent the first of `candidates` (waiting conversations of one part of
    the queue, at risk or not) that still waits for an agent and that no other pull is
    taking this moment, in queue order, and mark the agent busy since `now`: its id, or
    None when every one is gone."""
    asked = {"candidates": list(candidates), "holder": agent_id, "at": now}
    if connection.dialect.name == "postgresql":
        claimed = connection.execute(_CLAIM_FIRST_AND_BUSY, asked).scalar_one_or_none()
    else:
        claimed = connection.execute(_CLAIM_FIRST, asked).scalar_one_or_none()
        if claimed is not None:
            connection.execute(_BUSY_SINCE, {"agent": agent_id, "at": now})
    return cast(int | None, claimed)


def record_hold(
    session: Session,
    *,
    frame: RosterFrame,
    conversation: ConversationToRoute,
    snapshot: AgentSnapshot,
    outcome: str,
    explanation: str,
    now: datetime,
    by_agent_id: int | None,
    event: EventType = EventType.CONVERSATION_ASSIGNED,
    extra: dict[str, Any] | None = None,
    claimed: bool = False,
) -> AssignmentOut:
    """Write that the agent of `snapshot` holds `conversation` from `now` and is busy
    since (both already done when `claimed`: `hold_if_room`, `claim_first_waiting`), and
    the events: `event` (with `outcome`, `explanation`, who decided and `extra`), and
    `lane.notified` when the agent answers outside their lane. The caller holds the
    locks (see `assignments.service`)."""
    connection = session.connection()
    if not claimed:
        holder = conversation.holder_id
        values = {"conversation": conversation.id, "holder": snapshot.id, "at": now}
        if holder in (None, snapshot.id):
            connection.execute(_HOLD, values)
        else:
            connection.execute(_HOLD_FROM, {**values, "previous": holder})
        connection.execute(_BUSY_SINCE, {"agent": snapshot.id, "at": now})
    events, result = hold_record(
        frame=frame,
        conversation=conversation,
        snapshot=snapshot,
        outcome=outcome,
        explanation=explanation,
        now=now,
        by_agent_id=by_agent_id,
        event=event,
        extra=extra,
    )
    append_events(session, events, now=now)
    return result


def hold_record(
    *,
    frame: RosterFrame,
    conversation: ConversationToRoute,
    snapshot: AgentSnapshot,
    outcome: str,
    explanation: str,
    now: datetime,
    by_agent_id: int | None,
    event: EventType = EventType.CONVERSATION_ASSIGNED,
    extra: dict[str, Any] | None = None,
) -> tuple[list[EventRow], AssignmentOut]:
    """The events that say the agent of `snapshot` holds `conversation` from `now` (see
    `record_hold`), and the decision as the caller answers it; nothing written."""
    roster = frame.roster([snapshot])
    notice = owning_lane_notice(conversation=conversation, agent=snapshot, roster=roster)
    events = [
        EventRow(
            frame.workspace_id,
            event,
            now,
            conversation_id=conversation.id,
            agent_id=snapshot.id,
            data={
                "outcome": outcome,
                "explanation": explanation,
                "by_agent_id": by_agent_id,
                "network": conversation.network.value,
                **(extra or {}),
            },
        )
    ]
    if notice is not None:
        events.append(
            EventRow(
                frame.workspace_id,
                EventType.LANE_NOTIFIED,
                now,
                conversation_id=conversation.id,
                agent_id=snapshot.id,
                data={
                    "lane": notice.lane,
                    "owning_teams": list(notice.owning_teams),
                    "message": notice.message,
                },
            )
        )
    return events, AssignmentOut(
        conversation_id=conversation.id,
        agent_id=snapshot.id,
        agent_name=snapshot.name,
        assigned=True,
        outcome=outcome,
        explanation=explanation,
        lane_notice=notice.message if notice is not None else None,
    )
