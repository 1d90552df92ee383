"""Agents' certification levels: read, set, and who is ready for the next one.

An agent's record at their level is read from the event log: approvals and rejections
of their replies (`reply.approved`, `reply.rejected`) and reviewers' scorecards
(`reply.reviewed`) since they reached the level, each event naming the level the reply
was written at.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.domain.errors import FieldError, InvalidInputError, NotFoundError
from carelane.domain.events import EventType
from carelane.qa.levels import DEFAULT_LEVEL, CertificationLevel
from carelane.qa.promotion import LevelRecord, promotion_for
from carelane.qa.schemas import CertificationOut, PromotionOut
from carelane.qa.settings_store import get_quality_settings
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Agent, AgentCertification, Event

MAX_NOTE_CHARS = 2000
_DECISIONS = (
    EventType.REPLY_APPROVED.value,
    EventType.REPLY_REJECTED.value,
    EventType.REPLY_REVIEWED.value,
)


def certification_level(session: Session, agent_id: int) -> CertificationLevel:
    """The agent's level now (certified when none was set)."""
    level = session.scalar(
        select(AgentCertification.level).where(AgentCertification.agent_id == agent_id)
    )
    return CertificationLevel(level) if level is not None else DEFAULT_LEVEL


def _certification_out(agent: Agent, row: AgentCertification | None) -> CertificationOut:
    return CertificationOut(
        agent_id=agent.id,
        agent_name=agent.name,
        level=CertificationLevel(row.level) if row is not None else DEFAULT_LEVEL,
        since=row.since if row is not None else None,
        note=row.note if row is not None else None,
    )


def get_certification_levels(
    *, session: Session, workspace_id: int, agent_ids: Collection[int] | None = None
) -> list[CertificationOut]:
    """The level of each agent on the workspace's roster (or of `agent_ids`), by name."""
    query = (
        select(Agent, AgentCertification)
        .outerjoin(AgentCertification, AgentCertification.agent_id == Agent.id)
        .where(Agent.workspace_id == workspace_id)
        .order_by(Agent.name, Agent.id)
    )
    query = query.where(Agent.id.in_(agent_ids)) if agent_ids is not None else query
    if agent_ids is None:
        query = query.where(Agent.on_roster.is_(True))
    return [_certification_out(agent, row) for agent, row in session.execute(query)]


def get_certification(*, session: Session, workspace_id: int, agent_id: int) -> CertificationOut:
    """One agent's level; NotFoundError for an agent of another workspace."""
    found = get_certification_levels(
        session=session, workspace_id=workspace_id, agent_ids=[agent_id]
    )
    if not found:
        raise NotFoundError(f"no agent {agent_id} in this workspace")
    return found[0]


def do_set_certification_level(
    *,
    session: Session,
    workspace_id: int,
    agent_id: int,
    level: CertificationLevel,
    user_id: int | None,
    now: datetime,
    note: str | None = None,
) -> CertificationOut:
    """Set the agent's level from `now` (logged as `agent.certification_changed`); the
    level they have already changes nothing. NotFoundError for an agent of another
    workspace; InvalidInputError for an over-long note."""
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InvalidInputError(
            [FieldError("note", f"at most {MAX_NOTE_CHARS} characters, not {len(note)}")]
        )
    with unit_of_work(session):
        agent = session.scalar(
            select(Agent)
            .where(Agent.id == agent_id, Agent.workspace_id == workspace_id)
            .with_for_update()
        )
        if agent is None:
            raise NotFoundError(f"no agent {agent_id} in this workspace")
        row = session.get(AgentCertification, agent_id)
        before = CertificationLevel(row.level) if row is not None else DEFAULT_LEVEL
        if row is not None and before is level:
            return _certification_out(agent, row)
        if row is None:
            row = AgentCertification(agent_id=agent_id, workspace_id=workspace_id)
            session.add(row)
        row.level = level.value
        row.since = now
        row.set_by_user_id = user_id
        row.note = note
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.AGENT_CERTIFICATION_CHANGED,
                    now,
                    agent_id=agent_id,
                    data={
                        "from": before.value,
                        "to": level.value,
                        "by_user_id": user_id,
                        "note": note,
                    },
                )
            ],
            now=now,
        )
        session.flush()
        return _certification_out(agent, row)


def level_records(
    session: Session, workspace_id: int, rows: list[tuple[Agent, AgentCertification]]
) -> list[LevelRecord]:
    """Each agent's decided and approved replies at their level since they reached it."""
    if not rows:
        return []
    earliest = min(row.since for _, row in rows)
    counts = {agent.id: [0, 0] for agent, _ in rows}
    levels = {agent.id: (row.level, row.since) for agent, row in rows}
    events = session.execute(
        select(Event.agent_id, Event.type, Event.occurred_at, Event.data).where(
            Event.workspace_id == workspace_id,
            Event.type.in_(_DECISIONS),
            Event.agent_id.in_(list(counts)),
            Event.occurred_at >= earliest,
        )
    )
    for agent_id, kind, occurred_at, data in events:
        level, since = levels[agent_id]
        if occurred_at < since or not data or data.get("level") != level:
            continue
        counts[agent_id][0] += 1
        approved = kind == EventType.REPLY_APPROVED.value and not data.get("edited")
        passed = kind == EventType.REPLY_REVIEWED.value and bool(data.get("passed"))
        counts[agent_id][1] += approved or passed
    return [
        LevelRecord(
            agent_id=agent.id,
            level=CertificationLevel(row.level),
            since=row.since,
            decided=counts[agent.id][0],
            approved=counts[agent.id][1],
        )
        for agent, row in rows
    ]


def get_promotions(
    *, session: Session, workspace_id: int, now: datetime, ready_only: bool = False
) -> list[PromotionOut]:
    """Every trainee and agent on probation with how they did at their level and whether
    the workspace's promotion rule suggests the next level; ready ones first."""
    rule = get_quality_settings(session=session, workspace_id=workspace_id).promotion
    rows = [
        (agent, row)
        for agent, row in session.execute(
            select(Agent, AgentCertification)
            .join(AgentCertification, AgentCertification.agent_id == Agent.id)
            .where(
                Agent.workspace_id == workspace_id,
                AgentCertification.level != CertificationLevel.CERTIFIED.value,
            )
            .order_by(Agent.name, Agent.id)
        )
    ]
    names = {agent.id: agent.name for agent, _ in rows}
    suggestions = []
    for record in level_records(session, workspace_id, rows):
        promotion = promotion_for(record, rule, now=now)
        if promotion is None or (ready_only and not promotion.ready):
            continue
        suggestions.append(
            PromotionOut(
                agent_id=promotion.agent_id,
                agent_name=names[promotion.agent_id],
                level=promotion.level,
                next_level=promotion.next_level,
                ready=promotion.ready,
                since=record.since,
                days_at_level=promotion.days_at_level,
                decided=promotion.decided,
                approved=promotion.approved,
                approval_rate=promotion.approval_rate,
                why=promotion.why,
            )
        )
    suggestions.sort(key=lambda s: not s.ready)
    return suggestions
