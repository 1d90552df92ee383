"""Transfers and escalations: a conversation moves to another lane, team or tier with its
whole history and a note for whoever picks it up.

`plan_transfer` checks the target against the roster and gives a `Transfer` for the
service to record; nothing of the conversation's history is dropped or rewritten, the
holder (if any) is released, and the conversation waits anew in the target's queue.
Moving to a higher tier is an escalation; anything else is a transfer.
"""

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from carelane.domain.errors import FieldError, InvalidInputError
from carelane.domain.instants import utc_instant
from carelane.routing.agents import MAX_TIER, MIN_TIER, Team, name_key
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster

MAX_NOTE_CHARS = 4000


class TransferKind(StrEnum):
    TRANSFER = "transfer"  # another lane or team at the same or a lower tier
    ESCALATION = "escalation"  # a higher tier


@dataclass(frozen=True, slots=True)
class Transfer:
    """A checked move of a conversation, as the service records it."""

    conversation_id: int
    kind: TransferKind
    from_lane: str
    to_lane: str
    from_team: str | None
    to_team: str | None
    from_tier: int
    to_tier: int
    note: str
    at: datetime
    by_agent_id: int | None = None
    released_agent_id: int | None = None

    @property
    def explanation(self) -> str:
        verb = "escalated" if self.kind is TransferKind.ESCALATION else "transferred"
        source = f"{self.from_team or self.from_lane} (tier {self.from_tier})"
        target = f"{self.to_team or self.to_lane} (tier {self.to_tier})"
        released = f"; agent {self.released_agent_id} released" if self.released_agent_id else ""
        return f"{verb} from {source} to {target}: {self.note}; history kept{released}"

    def apply(self, conversation: ConversationToRoute) -> ConversationToRoute:
        """The conversation as it waits after the move: in the target lane, team and
        tier, held by nobody, waiting since the move."""
        return dataclasses.replace(
            conversation,
            lane=self.to_lane,
            team=self.to_team,
            tier=self.to_tier,
            holder_id=None,
            waiting_since=self.at,
            previous_agent_id=conversation.holder_id or conversation.previous_agent_id,
        )


def plan_transfer(
    *,
    conversation: ConversationToRoute,
    roster: Roster,
    note: str,
    now: datetime,
    to_lane: str | None = None,
    to_team: str | None = None,
    to_tier: int | None = None,
    by_agent_id: int | None = None,
) -> Transfer:
    """The transfer (or escalation) of `conversation` to the lane, team and/or tier given.

    A team alone keeps the lane when the team owns or backs it up, else takes the team's
    first lane, and sets the tier to the team's. Raises InvalidInputError naming every
    problem: no note, no target, an unknown team, a lane no team owns, a team outside the
    lane, a tier nobody there works, or a move to where the conversation already is.
    """
    utc_instant(now, "now")
    errors: list[FieldError] = []
    note = note.strip()
    if not note:
        errors.append(FieldError("note", "must say what the next agent needs to know"))
    elif len(note) > MAX_NOTE_CHARS:
        errors.append(FieldError("note", f"is {len(note):,} characters; the limit is 4,000"))
    if to_lane is None and to_team is None and to_tier is None:
        errors.append(FieldError("target", "give a lane, a team or a tier to move it to"))
    team = _team(roster, to_team, errors)
    lane = _lane(roster, conversation, to_lane, team, errors)
    tier = to_tier if to_tier is not None else (team.tier if team else conversation.tier)
    if not MIN_TIER <= tier <= MAX_TIER:
        errors.append(FieldError("to_tier", f"{tier} is out of range; give 1 to {MAX_TIER}"))
    elif team is not None:
        if team.tier < tier:
            errors.append(FieldError("to_tier", f"{team.name} works tier {team.tier}, not {tier}"))
    elif lane is not None and to_team is None and tier > _top_tier(roster, lane):
        errors.append(FieldError("to_tier", f"no team of lane {lane} works tier {tier}"))
    same = (
        lane is not None
        and name_key(lane) == name_key(conversation.lane)
        and name_key(team.name if team else "") == name_key(conversation.team or "")
        and tier == conversation.tier
    )
    if same and not errors:
        errors.append(FieldError("target", "is where the conversation already is"))
    if errors or lane is None:
        raise InvalidInputError(errors)
    return Transfer(
        conversation_id=conversation.id,
        kind=TransferKind.ESCALATION if tier > conversation.tier else TransferKind.TRANSFER,
        from_lane=conversation.lane,
        to_lane=lane,
        from_team=conversation.team,
        to_team=team.name if team else None,
        from_tier=conversation.tier,
        to_tier=tier,
        note=note,
        at=now.astimezone(UTC),
        by_agent_id=by_agent_id,
        released_agent_id=conversation.holder_id,
    )


def _team(roster: Roster, name: str | None, errors: list[FieldError]) -> Team | None:
    if name is None:
        return None
    team = roster.team(name)
    if team is None:
        known = ", ".join(t.name for t in roster.teams) or "none"
        errors.append(FieldError("to_team", f"{name!r} is not a team; the teams are {known}"))
    return team


def _lane(
    roster: Roster,
    conversation: ConversationToRoute,
    name: str | None,
    team: Team | None,
    errors: list[FieldError],
) -> str | None:
    if name is not None:
        if not roster.owning_teams(name):
            errors.append(FieldError("to_lane", f"no team owns lane {name!r}"))
            return None
        if team is not None and name_key(name) not in _lanes_of(team):
            errors.append(FieldError("to_team", f"{team.name} does not answer lane {name!r}"))
        return name
    if team is None:
        return conversation.lane
    if name_key(conversation.lane) in _lanes_of(team):
        return conversation.lane
    if team.lanes:
        return team.lanes[0]
    errors.append(FieldError("to_team", f"{team.name} owns no lane; name the lane too"))
    return None


def _lanes_of(team: Team) -> set[str]:
    return {name_key(lane) for lane in (*team.lanes, *team.backup_lanes)}


def _top_tier(roster: Roster, lane: str) -> int:
    return max((owner.tier for owner in roster.owning_teams(lane)), default=0)
