"""Firing conversations' due service-level alarms, each exactly once.

`fire_due_alarms` takes, in one transaction, a batch of conversations whose next unfired
alarm (`sla_alarm_at`) has come; records each of their alarms due by now in `sla_alarm`,
logs `sla.warning` / `sla.breached`, runs the policy's breach actions, and stores the
conversations' deadline columns anew, so that `sla_alarm_at` moves on to the next alarm
not yet fired.

Exactly once, on either database and with any number of schedulers: on PostgreSQL the
batch is claimed with `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent schedulers take
different conversations, and the unique key of `sla_alarm` is the last guard (a row
already there is not fired again: `ON CONFLICT DO NOTHING`, and only the rows inserted
get their events and actions). On SQLite the write transaction holds the database. An
alarm whose instant passed while no scheduler ran is still the conversation's next
unfired alarm, so the first batch after a start fires it, once.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from carelane.deadlines.breach_actions import breach_actions
from carelane.deadlines.columns import timer_key
from carelane.deadlines.store import channel_levels, deadlines_of, fired_alarms, refresh_deadlines
from carelane.deadlines.timelines import load_timelines
from carelane.domain.events import EventType
from carelane.sla.policies import BreachActions, DeadlineKind
from carelane.sla.timers import Alarm, Timer, deadline_timers, firing_order
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Conversation, SlaAlarm
from carelane.store.value_lists import is_one_of

sla_alarm_t = cast(Table, SlaAlarm.__table__)

CLAIM_BATCH = 200
"""Conversations one transaction fires the alarms of, at most."""

_EVENT_OF = {Alarm.WARNING: EventType.SLA_WARNING, Alarm.BREACH: EventType.SLA_BREACHED}


@dataclass(frozen=True, slots=True)
class FiredAlarm:
    """A warning or breach recorded: whose, which, when it was due and when it fired."""

    conversation_id: int
    workspace_id: int
    kind: DeadlineKind
    alarm: Alarm
    due_at: datetime  # the alarm's instant (the deadline, for a breach)
    fired_at: datetime
    policy: str


@dataclass(frozen=True, slots=True)
class _DueAlarm:
    conversation: Any
    timer: Timer
    deadline: datetime | None  # the clock's deadline (None while paused)
    policy: str
    actions: BreachActions


def claim_due_conversations(
    session: Session,
    *,
    now: datetime,
    limit: int,
    passing_over: Collection[int] = (),
    only: int | None = None,
) -> list[int]:
    """The conversations (at most `limit`, earliest alarm first; just `only` when given)
    whose next alarm is due by `now`, locked for this transaction; on PostgreSQL those
    another transaction holds locked are passed over, not waited for."""
    query = (
        select(Conversation.id)
        .where(Conversation.sla_alarm_at <= now)
        .order_by(Conversation.sla_alarm_at, Conversation.id)
        .limit(limit)
    )
    if passing_over:
        query = query.where(Conversation.id.not_in(sorted(passing_over)))
    if only is not None:
        query = query.where(Conversation.id == only)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class FiringRound:
    """One transaction's work: the conversations it took and the alarms it fired."""

    claimed: tuple[int, ...]
    fired: tuple[FiredAlarm, ...]


def fire_due_round(
    *,
    session: Session,
    now: datetime,
    limit: int = CLAIM_BATCH,
    passing_over: Collection[int] = (),
    only: int | None = None,
) -> FiringRound:
    """Fire, in one transaction, every alarm due by `now` of up to `limit` conversations
    whose next alarm has come (but those in `passing_over`; just `only` when given). A
    conversation taken may fire nothing (its stored next alarm was out of date): it gets
    its columns anew all the same, so every round moves on."""
    with unit_of_work(session):
        conversation_ids = claim_due_conversations(
            session, now=now, limit=limit, passing_over=passing_over, only=only
        )
        if not conversation_ids:
            return FiringRound((), ())
        due = _due_alarms(session, conversation_ids, now)
        fired = _record(session, due, now)
        refresh_deadlines(session, conversation_ids, now=now)
    return FiringRound(tuple(conversation_ids), tuple(fired))


def fire_due_alarms(
    *,
    session: Session,
    now: datetime,
    limit: int = CLAIM_BATCH,
    passing_over: Collection[int] = (),
) -> list[FiredAlarm]:
    """The alarms one round (`fire_due_round`) fired, in the order they were due; empty
    when no conversation was due (or every due one is being fired by someone else)."""
    return list(
        fire_due_round(session=session, now=now, limit=limit, passing_over=passing_over).fired
    )


def next_alarm_at(session: Session, *, passing_over: Collection[int] = ()) -> datetime | None:
    """The earliest alarm not yet fired of any conversation (past ones included)."""
    query = select(func.min(Conversation.sla_alarm_at))
    if passing_over:
        query = query.where(Conversation.id.not_in(sorted(passing_over)))
    at: datetime | None = session.scalar(query)
    return at


def _due_alarms(
    session: Session, conversation_ids: Sequence[int], now: datetime
) -> list[_DueAlarm]:
    """Every alarm of the conversations due by `now` and not fired yet, in firing order."""
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.workspace_id,
            Conversation.channel_id,
            Conversation.priority,
            Conversation.status,
            Conversation.assignee_id,
            Conversation.team_id,
        ).where(is_one_of(session, Conversation.id, conversation_ids))
    ).all()
    channels = channel_levels(session, {row.channel_id for row in rows})
    timelines = load_timelines(session, conversation_ids)
    fired = fired_alarms(session, conversation_ids)
    due = []
    for row in rows:
        policy, deadlines = deadlines_of(
            timelines.get(row.id, []),
            channel=channels[row.channel_id],
            priority=row.priority,
            now=now,
        )
        done = fired.get(row.id, set())
        for clock in deadlines.clocks:
            for timer in deadline_timers(clock):
                if timer.at <= now and timer_key(timer) not in done:
                    due.append(
                        _DueAlarm(
                            conversation=row,
                            timer=timer,
                            deadline=clock.due_at,
                            policy=policy.name,
                            actions=policy.breach_actions,
                        )
                    )
    due.sort(key=lambda alarm: (firing_order(alarm.timer), alarm.conversation.id))
    return due


def _record(session: Session, due: list[_DueAlarm], now: datetime) -> list[FiredAlarm]:
    """Insert the `sla_alarm` rows of `due`; log, and act on, those inserted (a row there
    already was fired before, and is not fired again)."""
    if not due:
        return []
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(sla_alarm_t)
        .on_conflict_do_nothing(
            index_elements=["conversation_id", "kind", "alarm", "clock_started_at"]
        )
        .returning(
            sla_alarm_t.c.conversation_id,
            sla_alarm_t.c.kind,
            sla_alarm_t.c.alarm,
            sla_alarm_t.c.clock_started_at,
        )
    )
    inserted = {
        (row.conversation_id, row.kind, row.alarm, row.clock_started_at)
        for row in session.execute(
            statement,
            [
                {
                    "workspace_id": alarm.conversation.workspace_id,
                    "conversation_id": alarm.conversation.id,
                    "kind": alarm.timer.kind.value,
                    "alarm": alarm.timer.alarm.value,
                    "clock_started_at": alarm.timer.clock_started_at,
                    "due_at": alarm.timer.at,
                    "fired_at": now,
                }
                for alarm in due
            ],
        )
    }
    recorded = [
        alarm for alarm in due if (alarm.conversation.id, *timer_key(alarm.timer)) in inserted
    ]
    append_events(
        session,
        [
            EventRow(
                alarm.conversation.workspace_id,
                _EVENT_OF[alarm.timer.alarm],
                alarm.timer.at,
                conversation_id=alarm.conversation.id,
                agent_id=alarm.conversation.assignee_id,
                data=_alarm_data(alarm),
            )
            for alarm in recorded
        ],
        now=now,
    )
    acted_on: set[int] = set()
    for alarm in recorded:
        # One breach's actions per conversation and batch: two clocks missed at once are
        # one reason to act, not two raises of its priority.
        if alarm.timer.alarm is Alarm.BREACH and alarm.conversation.id not in acted_on:
            acted_on.add(alarm.conversation.id)
            breach_actions(
                session,
                conversation=alarm.conversation,
                actions=alarm.actions,
                breach=_alarm_data(alarm),
                now=now,
            )
    return [
        FiredAlarm(
            conversation_id=alarm.conversation.id,
            workspace_id=alarm.conversation.workspace_id,
            kind=alarm.timer.kind,
            alarm=alarm.timer.alarm,
            due_at=alarm.timer.at,
            fired_at=now,
            policy=alarm.policy,
        )
        for alarm in recorded
    ]


def _alarm_data(alarm: _DueAlarm) -> dict[str, Any]:
    return {
        "kind": alarm.timer.kind.value,
        "policy": alarm.policy,
        "due_at": alarm.deadline.isoformat() if alarm.deadline is not None else None,
        "clock_started_at": alarm.timer.clock_started_at.isoformat(),
    }
