"""Conversations as routing reads them: one locked for a decision, or the waiting queue
in queue order, whole (the supervisor's view) or its head (what a pull reads), from
ix_conversation_waiting. Statements built once, on the tables' columns."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, case, nulls_last, or_, select

from carelane.assignments.roster_store import (
    WAITING,
    channel_t,
    conversation_t,
    is_one_of,
    workspace_t,
)
from carelane.routing.queues import DEFAULT_BREACH_WINDOW

_c, _ch, _w = conversation_t.c, channel_t.c, workspace_t.c

ROUTE_COLUMNS = (
    _c.id,
    _c.lane,
    _ch.network,
    _c.priority,
    _c.waiting_since,
    _c.opened_at,
    _c.language,
    _c.categories,
    _c.tier,
    _c.team_id,
    _c.response_due_at,
    _c.previous_assignee_id,
    _c.assignee_id,
    _c.status,
)


def route_query(workspace_id: int) -> Select[*tuple[Any, ...]]:
    """The workspace's conversations with what routing reads of them."""
    query: Select[*tuple[Any, ...]] = select(*ROUTE_COLUMNS)
    return query.join(channel_t, _ch.id == _c.channel_id).where(_c.workspace_id == workspace_id)


LOCK_CONVERSATION = (
    select(*ROUTE_COLUMNS, _w.roster_version, _w.lanes_yaml)
    .join(channel_t, _ch.id == _c.channel_id)
    .join(workspace_t, _w.id == _c.workspace_id)
    .where(_c.id == bindparam("conversation_id"), _c.workspace_id == bindparam("workspace_id"))
    .with_for_update(of=conversation_t)
)
"""A conversation of the workspace, its row locked, with the workspace's roster version
and lanes file (which `RosterFrame.at` needs)."""


def _waiting(workspace_id: Any) -> list[ColumnElement[bool]]:
    return [
        _c.workspace_id == workspace_id,
        _c.assignee_id.is_(None),
        is_one_of(_c.status, WAITING),
    ]


def waiting_query(workspace_id: int, *, now: datetime) -> Select[*tuple[Any, ...]]:
    """The conversations waiting for an agent, in queue order (`routing.queues`): at risk
    first, then higher priority, less time left, longer waiting, lower id."""
    at_risk = case((_c.response_due_at <= now + DEFAULT_BREACH_WINDOW, 0), else_=1)
    return (
        select(*ROUTE_COLUMNS)
        .join(channel_t, _ch.id == _c.channel_id)
        .where(*_waiting(workspace_id))
        .order_by(at_risk, *QUEUE_ORDER)
    )


QUEUE_ORDER = (
    _c.queue_priority.desc(),
    nulls_last(_c.response_due_at.asc()),
    _c.queued_since,
    _c.id,
)
"""Queue order after "at risk first", as ix_conversation_waiting keeps it."""


def queue_head(*, at_risk: bool, default_lane_too: bool) -> Select[*tuple[Any, ...]]:
    """Waiting conversations an agent may be offered, in queue order, either those at
    risk (response due by `:at_risk_until`) or the others, read from the head of
    ix_conversation_waiting: of workspace `:workspace_id`, on `:networks`, in `:lanes`
    (and without a lane, when the workspace's default lane is one of them), of tier
    `:tier` or lower, but those in `:seen` (the pages read before); `:page` of them."""
    due = _c.response_due_at
    risk = (
        due <= bindparam("at_risk_until")
        if at_risk
        else or_(due > bindparam("at_risk_until"), due.is_(None))
    )
    return (
        select(*ROUTE_COLUMNS)
        .join(channel_t, _ch.id == _c.channel_id)
        .where(
            *_waiting(bindparam("workspace_id")),
            risk,
            *_offered(default_lane_too=default_lane_too),
            _c.id.not_in(bindparam("seen", expanding=True)),
        )
        .order_by(*QUEUE_ORDER)
        .limit(bindparam("page"))
    )


def _offered(*, default_lane_too: bool) -> list[ColumnElement[bool]]:
    """Conversations of tier `:tier` or lower, on `:networks`, in `:lanes` (and without a
    lane, when the workspace's default lane is one of them)."""
    lanes: ColumnElement[bool] = _c.lane.in_(bindparam("lanes", expanding=True))
    if default_lane_too:
        lanes = or_(lanes, _c.lane.is_(None))
    return [
        _c.tier <= bindparam("tier"),
        _ch.network.in_(bindparam("networks", expanding=True)),
        lanes,
    ]


QUEUE_HEADS = {
    (at_risk, default_lane_too): queue_head(at_risk=at_risk, default_lane_too=default_lane_too)
    for at_risk in (True, False)
    for default_lane_too in (True, False)
}


def dispatch_head(
    *, at_risk: bool, among: bool, offered: bool = False, default_lane_too: bool = False
) -> Select[*tuple[Any, ...]]:
    """The first `:limit` conversations of workspace `:workspace_id` waiting for an agent,
    either those at risk (response due by `:at_risk_until`) or the others, in queue order
    (only those of `:among`, when `among`), each locked and with the workspace's roster
    version and lanes file: a dispatcher's batch. On PostgreSQL a conversation another
    transaction holds locked is passed over (`SKIP LOCKED`) for the next.

    When `offered`, only those some agents may be offered (see `queue_head`: of tier
    `:tier` or lower, on `:networks`, in `:lanes`), but those in `:sparing`."""
    due = _c.response_due_at
    risk = (
        due <= bindparam("at_risk_until")
        if at_risk
        else or_(due > bindparam("at_risk_until"), due.is_(None))
    )
    query = (
        select(*ROUTE_COLUMNS, _w.roster_version, _w.lanes_yaml)
        .join(channel_t, _ch.id == _c.channel_id)
        .join(workspace_t, _w.id == _c.workspace_id)
        .where(*_waiting(bindparam("workspace_id")), risk)
    )
    if among:
        query = query.where(_c.id.in_(bindparam("among", expanding=True)))
    if offered:
        query = query.where(
            *_offered(default_lane_too=default_lane_too),
            _c.id.not_in(bindparam("sparing", expanding=True)),
        )
    return (
        query.order_by(*QUEUE_ORDER)
        .limit(bindparam("limit"))
        .with_for_update(of=conversation_t, skip_locked=True)
    )


DISPATCH_HEADS = {
    (at_risk, among): dispatch_head(at_risk=at_risk, among=among)
    for at_risk in (True, False)
    for among in (True, False)
}
OFFERED_DISPATCH_HEADS = {
    (at_risk, among, default_lane_too): dispatch_head(
        at_risk=at_risk, among=among, offered=True, default_lane_too=default_lane_too
    )
    for at_risk in (True, False)
    for among in (True, False)
    for default_lane_too in (True, False)
}
"""A dispatch's batch for some agents only: what they may be offered."""
