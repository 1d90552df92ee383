"""The two rules no assignment may break, and the explicit takeover.

A conversation is held by at most one agent at a time, and an agent never holds more
conversations of a network than their capacity for it. `check_assignment` refuses an
assignment that would break either with a domain error the web layer maps to 409.
Taking a conversation someone else holds is never a side effect: `take_over` names who
held it, who takes it, when and why, for the service to record.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from carelane.domain.errors import ConflictError, FieldError, InvalidInputError
from carelane.domain.instants import utc_instant
from carelane.routing.agents import AgentSnapshot
from carelane.routing.requirements import ConversationToRoute

MAX_REASON_CHARS = 1000


class ConversationHeldError(ConflictError):
    """The conversation is held by another agent: take it over explicitly instead."""

    code = "conversation_held"


class CapacityExceededError(ConflictError):
    """The agent has no free slot on the conversation's network."""

    code = "capacity_exceeded"


class OutsideLanesError(ConflictError):
    """The agent's role bounds them to other lanes (`AgentProfile.lanes_only`)."""

    code = "outside_agent_lanes"


class NotHeldError(ConflictError):
    """A takeover of a conversation nobody holds (or not the agent the taker thought)."""

    code = "not_held"


def check_room(agent: AgentSnapshot, conversation: ConversationToRoute) -> None:
    """Raise CapacityExceededError unless `agent` has a free slot on its network."""
    network = conversation.network
    if not agent.has_room_on(network):
        capacity = agent.profile.capacity_on(network)
        why = (
            f"does not work {network}"
            if capacity <= 0
            else f"has no free {network} slot ({agent.describe_load(network)})"
        )
        raise CapacityExceededError(
            f"{agent.name} {why}; conversation {conversation.id} cannot be assigned to them"
        )


def check_lanes(agent: AgentSnapshot, conversation: ConversationToRoute) -> None:
    """Raise OutsideLanesError when the agent's role bounds them to lanes other than the
    conversation's (a Marketing/PR member and a Customer Service conversation)."""
    if not agent.profile.works_lane(conversation.lane):
        raise OutsideLanesError(
            f"{agent.name} {agent.profile.describe_lanes_only()}; conversation "
            f"{conversation.id} is in {conversation.lane} and cannot be given to them"
        )


def check_assignment(conversation: ConversationToRoute, agent: AgentSnapshot) -> None:
    """Raise unless `agent` may hold `conversation`: ConversationHeldError when another
    agent holds it, OutsideLanesError when their role bounds them to other lanes,
    CapacityExceededError when the agent has no free slot on its network. Assigning a
    conversation to the agent who already holds it is no change and passes."""
    holder = conversation.holder_id
    if holder == agent.id:
        return
    if holder is not None:
        raise ConversationHeldError(
            f"conversation {conversation.id} is held by agent {holder}; "
            f"take it over explicitly to give it to {agent.name}"
        )
    check_lanes(agent, conversation)
    check_room(agent, conversation)


@dataclass(frozen=True, slots=True)
class Takeover:
    """One agent takes a conversation another holds: who, from whom, when, why."""

    conversation_id: int
    from_agent_id: int
    from_agent_name: str
    to_agent_id: int
    to_agent_name: str
    reason: str
    at: datetime

    @property
    def explanation(self) -> str:
        return (
            f"{self.to_agent_name} took over conversation {self.conversation_id} from "
            f"{self.from_agent_name} at {self.at:%Y-%m-%d %H:%M} UTC: {self.reason}"
        )


def take_over(
    *,
    conversation: ConversationToRoute,
    holder: AgentSnapshot,
    taker: AgentSnapshot,
    reason: str,
    now: datetime,
) -> Takeover:
    """The takeover of `conversation` from `holder` by `taker`, checked: the holder must
    hold it now, the taker must be someone else whose role lets them work its lane, with
    a free slot, and a reason is given. Raises NotHeldError, OutsideLanesError,
    CapacityExceededError or InvalidInputError."""
    utc_instant(now, "now")
    if conversation.holder_id is None:
        raise NotHeldError(
            f"nobody holds conversation {conversation.id}; assign it instead of taking it over"
        )
    if conversation.holder_id != holder.id:
        raise NotHeldError(
            f"conversation {conversation.id} is held by agent {conversation.holder_id}, "
            f"not {holder.name}"
        )
    reason = reason.strip()
    if taker.id == holder.id:
        raise InvalidInputError([FieldError("taker", f"{taker.name} already holds it")])
    if not reason:
        raise InvalidInputError([FieldError("reason", "must say why it is taken over")])
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInputError(
            [FieldError("reason", f"is {len(reason):,} characters; the limit is 1,000")]
        )
    check_lanes(taker, conversation)
    check_room(taker, conversation)
    return Takeover(
        conversation_id=conversation.id,
        from_agent_id=holder.id,
        from_agent_name=holder.name,
        to_agent_id=taker.id,
        to_agent_name=taker.name,
        reason=reason,
        at=now.astimezone(UTC),
    )
