"""Storing conversations' deadlines: computed from their timelines under their workspace's
service levels, in the transaction of the change that moved them.

`refresh_deadlines` is called by whatever changes a stored conversation's timeline or
status (the ingest for each batch, once per touched conversation; status changes;
routing's transfers) and costs five queries and one bulk UPDATE whatever the number of
conversations. A conversation opened by the ingest gets its columns with its INSERT
instead (`deadlines_columns_for`), from the timeline the ingest holds.
"""

from collections.abc import Collection, Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from carelane.deadlines.columns import TimerKey, deadline_columns, opening_columns
from carelane.deadlines.timelines import load_timelines
from carelane.deadlines.wakeups import announce_alarms
from carelane.domain.channels import ChannelKind, Network
from carelane.domain.instants import utc_instant
from carelane.sla.clocks import Deadlines, conversation_deadlines
from carelane.sla.policies import ServiceLevelPolicy, ServiceLevels
from carelane.sla.timeline import CustomerMessage, TimelineFact
from carelane.store.bulk_writes import update_rows
from carelane.store.models import Channel, Conversation, SlaAlarm, Workspace
from carelane.store.value_lists import is_one_of
from carelane.workspaces.service_levels import workspace_service_levels

conversation_t = cast(Table, Conversation.__table__)
_CHANNEL_KINDS = {kind.value: kind for kind in ChannelKind}


@dataclass(frozen=True, slots=True)
class ChannelLevels:
    """What decides the policy of a channel's conversations, but for their priority."""

    levels: ServiceLevels  # the channel's workspace's
    network: Network
    kind: ChannelKind | None


def channel_levels(session: Session, channel_ids: Collection[int]) -> dict[int, ChannelLevels]:
    """Each channel's network, kind and workspace service levels."""
    if not channel_ids:
        return {}
    rows = session.execute(
        select(Channel.id, Channel.network, Channel.kind, Workspace.service_levels_yaml)
        .join(Workspace, Workspace.id == Channel.workspace_id)
        .where(is_one_of(session, Channel.id, channel_ids))
    )
    return {
        channel_id: ChannelLevels(
            workspace_service_levels(levels_yaml), Network(network), _CHANNEL_KINDS.get(kind)
        )
        for channel_id, network, kind, levels_yaml in rows
    }


def deadlines_columns_for(
    timeline: Sequence[TimelineFact],
    *,
    channel: ChannelLevels,
    priority: int | None,
    now: datetime,
    fired: Set[TimerKey] = frozenset(),
) -> dict[str, Any]:
    """The deadline columns of a conversation with `timeline` (in time order) on
    `channel` at `priority`, as of `now` (or of its latest fact, if that is later: clocks of
    other machines run ahead)."""
    if not fired and timeline and all(type(fact) is CustomerMessage for fact in timeline):
        policy = channel.levels.policy_for(channel.network, priority or 0, channel.kind)
        return opening_columns(
            utc_instant(timeline[0].at, "timeline[0].at"),
            policy=policy,
            calendar=channel.levels.calendar_for(policy),
        )
    policy, deadlines = deadlines_of(timeline, channel=channel, priority=priority, now=now)
    return deadline_columns(deadlines, policy=policy.name, fired=fired)


def deadlines_of(
    timeline: Sequence[TimelineFact],
    *,
    channel: ChannelLevels,
    priority: int | None,
    now: datetime,
) -> tuple[ServiceLevelPolicy, Deadlines]:
    """The policy and clocks of a conversation with `timeline` (in time order) on
    `channel` at `priority`, as of `now` (or of its latest fact, if that is later: clocks of
    other machines run ahead)."""
    policy = channel.levels.policy_for(channel.network, priority or 0, channel.kind)
    at = max(now, timeline[-1].at) if timeline else now
    deadlines = conversation_deadlines(
        timeline, policy=policy, calendar=channel.levels.calendar_for(policy), now=at
    )
    return policy, deadlines


def fired_alarms(session: Session, conversation_ids: Collection[int]) -> dict[int, set[TimerKey]]:
    """The alarms already fired of each conversation."""
    fired: dict[int, set[TimerKey]] = {}
    if not conversation_ids:
        return fired
    rows = session.execute(
        select(
            SlaAlarm.conversation_id, SlaAlarm.kind, SlaAlarm.alarm, SlaAlarm.clock_started_at
        ).where(is_one_of(session, SlaAlarm.conversation_id, conversation_ids))
    )
    for conversation_id, kind, alarm, started_at in rows:
        fired.setdefault(conversation_id, set()).add((kind, alarm, started_at))
    return fired


def compute_deadline_columns(
    session: Session, conversation_ids: Collection[int], *, now: datetime
) -> dict[int, dict[str, Any]]:
    """The deadline columns of each stored conversation as of `now`."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Conversation.id, Conversation.priority, Conversation.channel_id).where(
            is_one_of(session, Conversation.id, conversation_ids)
        )
    ).all()
    channels = channel_levels(session, {channel_id for _, _, channel_id in rows})
    timelines = load_timelines(session, conversation_ids)
    fired = fired_alarms(session, conversation_ids)
    return {
        conversation_id: deadlines_columns_for(
            timelines.get(conversation_id, []),
            channel=channels[channel_id],
            priority=priority,
            now=now,
            fired=fired.get(conversation_id, set()),
        )
        for conversation_id, priority, channel_id in rows
    }


def refresh_deadlines(
    session: Session, conversation_ids: Collection[int], *, now: datetime
) -> None:
    """Recompute and store the deadlines of `conversation_ids`, in the session's
    transaction, and announce their next alarms to the schedulers (heard at commit)."""
    columns = compute_deadline_columns(session, conversation_ids, now=now)
    if not columns:
        return
    update_rows(
        session,
        conversation_t,
        "id",
        [{"id": conversation_id, **values} for conversation_id, values in columns.items()],
    )
    announce_alarms(session, (values["sla_alarm_at"] for values in columns.values()))
