"""Firing service-level alarms: each warning and breach once, whoever fires and however
often; a breach raises the priority, alerts the supervisors and, where the policy says so,
takes the conversation from its agent and gives it to another."""

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from carelane.assignments.service import do_assign, do_set_agent_state
from carelane.deadlines.alarms import fire_due_alarms
from carelane.domain.events import EventType
from carelane.routing.agents import AgentState
from carelane.sla.policies import DeadlineKind
from carelane.sla.timers import Alarm
from carelane.store.database import unit_of_work
from carelane.store.models import Agent, Conversation, Event, SlaAlarm, Workspace
from carelane.workspaces.teams import do_set_teams
from tests.conftest import at
from tests.helpers import post_data
from tests.unit.deadlines.test_store import _conversation, _ingest

TWO_AGENTS = b"""\
version: 1
teams:
  - name: Care
    lanes: [Customer Service]
agents:
  - name: Ana
    email: ana@example.com
    teams: [Care]
    languages: {en: 5}
    capacity: {twitter: 5}
  - name: Ben
    email: ben@example.com
    teams: [Care]
    languages: {en: 5}
    capacity: {twitter: 5}
"""

REASSIGNING = """\
version: 1
calendars:
  - {name: always, time_zone: UTC, hours: 24/7}
policies:
  - name: Strict
    calendar: always
    first_response: 10m
    warning_fraction: 0.5
    breach_actions: {raise_priority: 30, reassign: true, alert_supervisor: true}
"""

QUIET = """\
version: 1
calendars:
  - {name: always, time_zone: UTC, hours: 24/7}
policies:
  - name: Quiet
    calendar: always
    first_response: 10m
"""


def _events(session: Session, kind: EventType) -> list[Event]:
    session.expire_all()
    return list(session.scalars(select(Event).where(Event.type == kind.value).order_by(Event.id)))


def _set_levels(session: Session, levels: str) -> None:
    with unit_of_work(session):
        session.execute(update(Workspace).values(service_levels_yaml=levels))


def test_the_warning_then_the_breach_fire_once_each(session: Session, now: datetime) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))  # X/Twitter: 30m, warns at 22.5m

    assert fire_due_alarms(session=session, now=at(20)) == []
    warned = fire_due_alarms(session=session, now=at(25))
    again = fire_due_alarms(session=session, now=at(26))
    breached = fire_due_alarms(session=session, now=at(31))
    later = fire_due_alarms(session=session, now=at(40))

    assert [(a.kind, a.alarm, a.due_at) for a in warned] == [
        (DeadlineKind.FIRST_RESPONSE, Alarm.WARNING, at(0) + timedelta(minutes=22, seconds=30))
    ]
    assert again == []
    assert [(a.kind, a.alarm, a.due_at, a.fired_at) for a in breached] == [
        (DeadlineKind.FIRST_RESPONSE, Alarm.BREACH, at(30), at(31))
    ]
    assert later == []
    (warning,) = _events(session, EventType.SLA_WARNING)
    (breach,) = _events(session, EventType.SLA_BREACHED)
    assert (warning.occurred_at, warning.recorded_at) == (
        at(0) + timedelta(minutes=22, seconds=30),
        at(25),
    )
    assert (breach.occurred_at, breach.recorded_at) == (at(30), at(31))
    assert breach.data is not None
    assert breach.data["kind"] == "first_response"
    assert breach.data["policy"] == "X/Twitter"
    # The next alarm not yet fired is the resolution's warning, two days on at 0.75.
    assert _conversation(session).sla_alarm_at == at(0) + timedelta(hours=36)


def test_alarms_missed_while_nothing_fired_fire_at_once_in_order(
    session: Session, now: datetime
) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))

    fired = fire_due_alarms(session=session, now=now)  # an hour on: both are past

    assert [a.alarm for a in fired] == [Alarm.WARNING, Alarm.BREACH]
    assert fire_due_alarms(session=session, now=now) == []
    assert len(_events(session, EventType.SLA_WARNING)) == 1
    assert len(_events(session, EventType.SLA_BREACHED)) == 1


def test_an_alarm_recorded_already_is_never_fired_again(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    with sessions() as first:
        _ingest(first, now, post_data("1", created_at=at(0)))
        assert len(fire_due_alarms(session=first, now=now)) == 2
    # A writer that computed the columns before the alarms were recorded puts the
    # fired alarm back as the next one: another scheduler (or this one, restarted)
    # finds it recorded, fires nothing, and moves the next alarm on.
    with sessions() as second:
        with unit_of_work(second):
            second.execute(update(Conversation).values(sla_alarm_at=at(22)))
        assert fire_due_alarms(session=second, now=now) == []
        assert _conversation(second).sla_alarm_at == at(0) + timedelta(hours=36)
        assert second.scalar(select(func.count()).select_from(SlaAlarm)) == 2
        assert len(_events(second, EventType.SLA_BREACHED)) == 1


def test_a_breach_raises_the_priority_and_alerts_the_supervisors(
    session: Session, now: datetime
) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))
    before = _conversation(session).priority or 0

    fire_due_alarms(session=session, now=now)

    conversation = _conversation(session)
    assert conversation.priority == before + 10  # the shipped X/Twitter policy: +10
    (raised,) = _events(session, EventType.CONVERSATION_PRIORITY_RAISED)
    assert raised.data is not None
    assert (raised.data["from"], raised.data["to"]) == (before, before + 10)
    (alert,) = _events(session, EventType.SUPERVISOR_ALERTED)
    assert alert.conversation_id == conversation.id
    assert alert.data is not None
    assert alert.data["reason"] == "sla.breached"
    assert "missed its first response target under policy 'X/Twitter'" in alert.data["message"]


def test_a_policy_without_breach_actions_only_records_the_breach(
    session: Session, now: datetime
) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))
    _set_levels(session, QUIET)
    _ingest(session, now, post_data("2", created_at=at(1)))  # restamps the deadlines
    before = _conversation(session).priority

    fire_due_alarms(session=session, now=now)

    assert len(_events(session, EventType.SLA_BREACHED)) == 1
    assert _events(session, EventType.SUPERVISOR_ALERTED) == []
    assert _events(session, EventType.CONVERSATION_PRIORITY_RAISED) == []
    assert _conversation(session).priority == before


def test_a_resolved_conversation_s_missed_breach_is_recorded_without_actions(
    session: Session, now: datetime
) -> None:
    _ingest(session, now, post_data("1", created_at=at(0)))
    with unit_of_work(session):
        session.execute(update(Conversation).values(status="resolved"))
    before = _conversation(session).priority

    fired = fire_due_alarms(session=session, now=now)

    assert [a.alarm for a in fired] == [Alarm.WARNING, Alarm.BREACH]
    assert _events(session, EventType.SUPERVISOR_ALERTED) == []
    assert _conversation(session).priority == before


def _two_agents_one_holding(session: Session, now: datetime) -> tuple[int, int, int]:
    """A conversation under the reassigning policy held by Ana; Ben available too."""
    _ingest(session, now, post_data("1", created_at=at(0)))
    _set_levels(session, REASSIGNING)
    _ingest(session, now, post_data("2", created_at=at(1)))
    do_set_teams(session=session, slug="acme", teams_file=TWO_AGENTS, now=now)
    agents = {a.name: a.id for a in session.scalars(select(Agent))}
    conversation = _conversation(session)
    for agent_id in agents.values():
        do_set_agent_state(
            session=session,
            workspace_id=conversation.workspace_id,
            agent_id=agent_id,
            state=AgentState.AVAILABLE,
            now=at(2),
        )
    do_assign(
        session=session,
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        agent_id=agents["Ana"],
        now=at(2),
    )
    return conversation.id, agents["Ana"], agents["Ben"]


def test_a_breach_takes_the_conversation_from_its_agent_to_another(
    session: Session, now: datetime
) -> None:
    conversation_id, ana, ben = _two_agents_one_holding(session, now)

    fire_due_alarms(session=session, now=at(11))

    conversation = _conversation(session)
    assert conversation.id == conversation_id
    assert conversation.assignee_id == ben
    assert conversation.previous_assignee_id == ana
    (released,) = _events(session, EventType.CONVERSATION_RELEASED)
    assert released.agent_id == ana
    assigned = _events(session, EventType.CONVERSATION_ASSIGNED)[-1]
    assert assigned.agent_id == ben
    assert assigned.recorded_at == at(11)


def test_a_breach_with_nobody_else_available_puts_it_back_in_the_queue(
    session: Session, now: datetime
) -> None:
    _, ana, ben = _two_agents_one_holding(session, now)
    do_set_agent_state(
        session=session,
        workspace_id=_conversation(session).workspace_id,
        agent_id=ben,
        state=AgentState.AWAY,
        now=at(3),
    )

    fire_due_alarms(session=session, now=at(11))

    conversation = _conversation(session)
    assert conversation.assignee_id is None  # never back to whoever missed it
    assert conversation.waiting_since == at(11)
    assert conversation.previous_assignee_id == ana
    assert [e.agent_id for e in _events(session, EventType.CONVERSATION_RELEASED)] == [ana]
