"""A workspace's teams file: saved as written, and applied to its agents and teams rows.

Applying a file creates or updates each agent it lists (found by email when the file gives
one, else by name, in any case) with their routing profile, and each team (by name, in any
case) with its tier, description and lanes; agents and teams the file no longer lists
leave the roster (their rows stay: the event log names them) and lose their memberships.
All of it, and a `workspace.routing_configured` event, is one transaction.
"""

from datetime import datetime
from functools import lru_cache

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carelane.domain.errors import ConflictError, NotFoundError
from carelane.domain.events import EventType
from carelane.routing.agents import AgentProfile, name_key
from carelane.routing.config_file import load_team_config
from carelane.routing.profile_records import capacity_record, duty_records, skill_records
from carelane.routing.team_config import RoutingConfig, RoutingConfigError
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Agent, Team, TeamLane, TeamMember, Workspace
from carelane.workspaces.config_uploads import file_problems, uploaded_text
from carelane.workspaces.schemas import RoutingAgentOut, RoutingOut, RoutingTeamOut

TEAMS_SOURCE = "teams.yaml"
"""What problems of a teams file sent to carelane name as their file."""
NEW_AGENT_ROLE = "agent"
_applied = [0]


def teams_files_applied() -> int:
    """How many teams files this process has applied: readers that keep what they read of
    agents and teams key it on this too, since the same text may stand for other rows."""
    return _applied[0]


@lru_cache(maxsize=64)
def stored_team_config(teams_yaml: str) -> RoutingConfig:
    """A saved teams file, read once per text (it was checked when saved)."""
    return load_team_config(teams_yaml, source=TEAMS_SOURCE)


def read_teams_file(data: bytes) -> tuple[str, RoutingConfig]:
    """The text of a teams file and what it defines; InvalidInputError naming every
    problem as `teams.yaml:LINE:COL: field.path`."""
    text = uploaded_text(data, TEAMS_SOURCE)
    try:
        return text, load_team_config(text, source=TEAMS_SOURCE)
    except RoutingConfigError as error:
        raise file_problems(error, TEAMS_SOURCE) from None


def do_set_teams(*, session: Session, slug: str, teams_file: bytes, now: datetime) -> RoutingOut:
    """Make a teams file (YAML, UTF-8) workspace `slug`'s teams, lane policies and agents,
    and apply it to the agents and teams rows (see the module's docstring).

    InvalidInputError names every problem of a bad file; NotFoundError for an unknown
    workspace; ConflictError when two agents of the file would share an email.
    """
    text, config = read_teams_file(teams_file)
    try:
        with unit_of_work(session):
            workspace = _workspace_row(session, slug, lock=True)
            workspace.teams_yaml = text
            workspace.roster_version += 1  # what processes keeping the roster check
            changes = _apply(session, workspace.id, config, now)
            append_events(
                session,
                [EventRow(workspace.id, EventType.WORKSPACE_ROUTING_CONFIGURED, now, data=changes)],
                now=now,
            )
    except IntegrityError as error:
        raise ConflictError(
            "the teams file gives an agent the email of another agent of the workspace"
        ) from error
    finally:
        _applied[0] += 1
    return get_routing(session=session, slug=slug)


def get_routing(*, session: Session, slug: str) -> RoutingOut:
    """Workspace `slug`'s teams file as saved (None: none yet), and its teams and agents on
    the roster with their ids and presence; NotFoundError for an unknown workspace."""
    workspace = _workspace_row(session, slug)
    teams = session.scalars(
        select(Team).where(Team.workspace_id == workspace.id, Team.on_roster).order_by(Team.id)
    ).all()
    lanes = session.execute(
        select(TeamLane.team_id, TeamLane.lane, TeamLane.backup)
        .where(TeamLane.team_id.in_([t.id for t in teams]))
        .order_by(TeamLane.team_id, TeamLane.backup, TeamLane.position)
    ).all()
    agents = session.scalars(
        select(Agent).where(Agent.workspace_id == workspace.id, Agent.on_roster).order_by(Agent.id)
    ).all()
    members = session.execute(
        select(TeamMember.agent_id, Team.name)
        .join(Team, Team.id == TeamMember.team_id)
        .where(Team.workspace_id == workspace.id)
        .order_by(Team.id)
    ).all()
    teams_of: dict[int, list[str]] = {}
    for agent_id, team_name in members:
        teams_of.setdefault(agent_id, []).append(team_name)
    return RoutingOut(
        workspace=slug,
        teams_yaml=workspace.teams_yaml,
        teams=[
            RoutingTeamOut(
                id=team.id,
                name=team.name,
                tier=team.tier,
                description=team.description,
                lanes=[
                    lane for team_id, lane, backup in lanes if team_id == team.id and not backup
                ],
                backup_lanes=[
                    lane for team_id, lane, backup in lanes if team_id == team.id and backup
                ],
            )
            for team in teams
        ],
        agents=[
            RoutingAgentOut(
                id=agent.id,
                name=agent.name,
                email=agent.email,
                tier=agent.tier,
                teams=teams_of.get(agent.id, []),
                state=agent.state,
                capacity=agent.capacity or {},
            )
            for agent in agents
        ],
    )


def _workspace_row(session: Session, slug: str, *, lock: bool = False) -> Workspace:
    query = select(Workspace).where(Workspace.slug == slug)
    workspace = session.scalar(query.with_for_update() if lock else query)
    if workspace is None:
        raise NotFoundError(f"no workspace {slug!r}")
    return workspace


def _apply(
    session: Session, workspace_id: int, config: RoutingConfig, now: datetime
) -> dict[str, int]:
    team_ids, team_changes = _apply_teams(session, workspace_id, config, now)
    agent_ids, agent_changes = _apply_agents(session, workspace_id, config.agents, now)
    session.execute(
        delete(TeamMember).where(
            TeamMember.team_id.in_(
                select(Team.id).where(Team.workspace_id == workspace_id).scalar_subquery()
            )
        )
    )
    session.add_all(
        TeamMember(team_id=team_ids[name_key(team)], agent_id=agent_ids[name_key(agent.name)])
        for agent in config.agents
        for team in agent.teams
    )
    session.flush()
    return {**team_changes, **agent_changes}


def _apply_teams(
    session: Session, workspace_id: int, config: RoutingConfig, now: datetime
) -> tuple[dict[str, int], dict[str, int]]:
    stored = {
        name_key(team.name): team
        for team in session.scalars(select(Team).where(Team.workspace_id == workspace_id))
    }
    wanted = {name_key(team.name) for team in config.teams}
    created = updated = removed = 0
    for key, old in stored.items():
        if key not in wanted and old.on_roster:
            old.on_roster = False
            removed += 1
    ids: dict[str, int] = {}
    for team in config.teams:
        row = stored.get(name_key(team.name))
        if row is None:
            row = Team(workspace_id=workspace_id, name=team.name, created_at=now)
            session.add(row)
            created += 1
        else:
            updated += 1
        row.name = team.name
        row.tier = team.tier
        row.description = team.description
        row.lane = team.lanes[0] if team.lanes else None
        row.on_roster = True
        session.flush()
        ids[name_key(team.name)] = row.id
    stored_ids = [row.id for row in stored.values()]
    if stored_ids:
        session.execute(delete(TeamLane).where(TeamLane.team_id.in_(stored_ids)))
    session.add_all(
        TeamLane(team_id=ids[name_key(team.name)], lane=lane, backup=backup, position=position)
        for team in config.teams
        for backup, lanes in ((False, team.lanes), (True, team.backup_lanes))
        for position, lane in enumerate(lanes)
    )
    return ids, {"teams_created": created, "teams_updated": updated, "teams_removed": removed}


def _apply_agents(
    session: Session, workspace_id: int, profiles: tuple[AgentProfile, ...], now: datetime
) -> tuple[dict[str, int], dict[str, int]]:
    rows = list(session.scalars(select(Agent).where(Agent.workspace_id == workspace_id)))
    by_email = {row.email.casefold(): row for row in rows if row.email}
    by_name: dict[str, Agent] = {}
    for each in rows:
        by_name.setdefault(name_key(each.name), each)
    created = updated = 0
    kept: set[int] = set()
    ids: dict[str, int] = {}
    for profile in profiles:
        found = by_email.get(profile.email.casefold()) if profile.email else None
        if found is None:
            found = by_name.get(name_key(profile.name))
        if found is not None and found.id not in kept:
            row = found
            updated += 1
        else:
            row = Agent(workspace_id=workspace_id, role=NEW_AGENT_ROLE, created_at=now)
            row.state = "offline"
            session.add(row)
            created += 1
        row.name = profile.name
        if profile.email:
            row.email = profile.email
        row.tier = profile.tier
        row.skills = skill_records(profile)
        row.capacity = capacity_record(profile)
        row.duties = duty_records(profile)
        row.on_roster = True
        session.flush()
        kept.add(row.id)
        ids[name_key(profile.name)] = row.id
    removed = 0
    for row in rows:
        if row.id not in kept and row.on_roster:
            row.on_roster = False
            removed += 1
    return ids, {"agents_created": created, "agents_updated": updated, "agents_removed": removed}
