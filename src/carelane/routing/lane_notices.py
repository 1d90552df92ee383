"""The seeds' standard operating procedure: any team may answer what it sees rather than
wait for a referral, and when it answers in a lane another team owns, that team is told,
so it knows the customer has been answered and nobody answers twice."""

from dataclasses import dataclass

from carelane.routing.agents import AgentSnapshot, name_key
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster


@dataclass(frozen=True, slots=True)
class LaneNotice:
    """Who must be told that someone outside a lane answered in it."""

    conversation_id: int
    lane: str
    owning_teams: tuple[str, ...]
    answered_by_id: int
    answered_by_name: str
    answering_teams: tuple[str, ...]
    message: str


def owning_lane_notice(
    *, conversation: ConversationToRoute, agent: AgentSnapshot, roster: Roster
) -> LaneNotice | None:
    """The notice owed to the conversation's lane when `agent` answers it from outside the
    lane; None when the agent is in a team owning the lane or is one of its primary or
    backup reps, or when no team owns the lane (nobody to tell)."""
    owners = roster.owning_teams(conversation.lane)
    if not owners:
        return None
    agent_teams = roster.teams_of(agent)
    if any(name_key(team.name) in agent_teams for team in owners):
        return None
    if agent.profile.duty(conversation.lane, conversation.network) is not None:
        return None
    answering = agent.profile.teams
    owner_names = tuple(team.name for team in owners)
    from_where = f" ({', '.join(answering)})" if answering else ""
    return LaneNotice(
        conversation_id=conversation.id,
        lane=conversation.lane,
        owning_teams=owner_names,
        answered_by_id=agent.id,
        answered_by_name=agent.name,
        answering_teams=answering,
        message=(
            f"{agent.name}{from_where} answered conversation {conversation.id} in lane "
            f"{conversation.lane}; telling {', '.join(owner_names)} so nobody answers twice"
        ),
    )
