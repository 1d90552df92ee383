"""Storing conversations' deadlines: computed from their timelines under their workspace's
service levels, in the transaction of the change that moved them.

`refresh_deadlines` is called by whatever changes a conversation's timeline or status
(the ingest for each batch, once per touched conversation; status changes; routing's
transfers) and costs four queries and one bulk UPDATE whatever the number of
conversations.
"""

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from carelane.deadlines.columns import TimerKey, deadline_columns
from carelane.deadlines.timelines import load_timelines
from carelane.domain.channels import ChannelKind, Network
from carelane.sla.clocks import conversation_deadlines
from carelane.store.bulk_writes import update_rows
from carelane.store.models import Channel, Conversation, SlaAlarm, Workspace
from carelane.workspaces.service_levels import workspace_service_levels

conversation_t = cast(Table, Conversation.__table__)
_CHANNEL_KINDS = {kind.value: kind for kind in ChannelKind}


def fired_alarms(session: Session, conversation_ids: Collection[int]) -> dict[int, set[TimerKey]]:
    """The alarms already fired of each conversation."""
    fired: dict[int, set[TimerKey]] = {}
    if not conversation_ids:
        return fired
    rows = session.execute(
        select(
            SlaAlarm.conversation_id, SlaAlarm.kind, SlaAlarm.alarm, SlaAlarm.clock_started_at
        ).where(SlaAlarm.conversation_id.in_(sorted(conversation_ids)))
    )
    for conversation_id, kind, alarm, started_at in rows:
        fired.setdefault(conversation_id, set()).add((kind, alarm, started_at))
    return fired


def compute_deadline_columns(
    session: Session, conversation_ids: Collection[int], *, now: datetime
) -> dict[int, dict[str, Any]]:
    """The deadline columns of each conversation as of `now` (or of its latest fact, if
    that is later: clocks of other machines run ahead)."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.priority,
            Channel.network,
            Channel.kind,
            Workspace.service_levels_yaml,
        )
        .join(Channel, Channel.id == Conversation.channel_id)
        .join(Workspace, Workspace.id == Conversation.workspace_id)
        .where(Conversation.id.in_(sorted(conversation_ids)))
    ).all()
    timelines = load_timelines(session, conversation_ids)
    fired = fired_alarms(session, conversation_ids)
    columns = {}
    for conversation_id, priority, network, kind, levels_yaml in rows:
        levels = workspace_service_levels(levels_yaml)
        policy = levels.policy_for(Network(network), priority or 0, _CHANNEL_KINDS.get(kind))
        timeline = timelines.get(conversation_id, [])
        at = max(now, timeline[-1].at) if timeline else now
        deadlines = conversation_deadlines(
            timeline, policy=policy, calendar=levels.calendar_for(policy), now=at
        )
        columns[conversation_id] = deadline_columns(
            deadlines, policy=policy.name, fired=fired.get(conversation_id, set())
        )
    return columns


def refresh_deadlines(
    session: Session, conversation_ids: Collection[int], *, now: datetime
) -> None:
    """Recompute and store the deadlines of `conversation_ids`, in the session's
    transaction."""
    columns = compute_deadline_columns(session, conversation_ids, now=now)
    if not columns:
        return
    update_rows(
        session,
        conversation_t,
        "id",
        [{"id": conversation_id, **values} for conversation_id, values in columns.items()],
    )
