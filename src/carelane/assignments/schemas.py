"""Assignments on the wire: requests to assign, take over, transfer and set presence, and
what each decided, with the sentence that says why."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from carelane.routing.agents import MAX_TIER, MIN_TIER, AgentState
from carelane.routing.assignment import MAX_REASON_CHARS
from carelane.routing.transfers import MAX_NOTE_CHARS
from carelane.web.row_ids import BodyId


class AssignIn(BaseModel):
    """Assign a conversation: to the best agent (push), or to the agent given."""

    model_config = ConfigDict(extra="forbid")

    agent_id: BodyId | None = Field(None, description="Leave out to push to the best agent.")


class TakeOverIn(BaseModel):
    """An agent takes a conversation another agent holds, saying why."""

    model_config = ConfigDict(extra="forbid")

    agent_id: BodyId = Field(description="The agent who takes it.")
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON_CHARS)]


class TransferIn(BaseModel):
    """Move a conversation to another lane, team and/or tier (a higher tier escalates),
    with a note for whoever picks it up."""

    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, Field(min_length=1, max_length=MAX_NOTE_CHARS)]
    to_lane: Annotated[str | None, Field(max_length=100)] = None
    to_team: Annotated[str | None, Field(max_length=100)] = None
    to_tier: Annotated[int | None, Field(ge=MIN_TIER, le=MAX_TIER)] = None
    by_agent_id: BodyId | None = None


class AgentStateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: AgentState


class AssignmentOut(BaseModel):
    """Who holds a conversation after a decision, and why."""

    conversation_id: int | None
    agent_id: int | None
    agent_name: str | None
    assigned: bool = Field(description="Whether this request gave it to the agent.")
    outcome: str
    explanation: str
    runners_up: list[str] = []
    lane_notice: str | None = None


class TransferOut(BaseModel):
    conversation_id: int
    kind: str
    from_lane: str
    to_lane: str
    from_team: str | None
    to_team: str | None
    from_tier: int
    to_tier: int
    released_agent_id: int | None
    explanation: str


class AgentStateOut(BaseModel):
    agent_id: int
    name: str
    state: AgentState
    changed: bool
    state_changed_at: datetime | None
    idle_since: datetime | None
    assigned_conversation_ids: list[int] = Field(
        [], description="The waiting conversations pushed to the agent as they became available."
    )


class QueueEntryOut(BaseModel):
    """A waiting conversation's place in the queue and the one line that says why."""

    position: int
    conversation_id: int
    lane: str
    network: str
    priority: int
    at_risk: bool
    response_due_at: datetime | None
    waiting_since: datetime
    explanation: str


class QueueOut(BaseModel):
    workspace: str
    waiting: int
    items: list[QueueEntryOut]


class DispatchIn(BaseModel):
    """Dispatch the most urgent waiting conversations to the agents free now."""

    model_config = ConfigDict(extra="forbid")

    limit: Annotated[int | None, Field(strict=True)] = Field(
        None, description="How many waiting conversations to take up: 1 to 5,000 (200)."
    )


class DispatchedOut(BaseModel):
    conversation_id: int
    agent_id: int


class WaitingReasonOut(BaseModel):
    """Why some of the conversations a dispatch took up still wait, and how many."""

    reason: str
    conversations: int


class DispatchOut(BaseModel):
    """What a dispatch of the waiting queue did: who was given what, how many still wait
    and why."""

    workspace: str
    taken_up: int = Field(description="Waiting conversations the dispatch decided.")
    assigned: int
    assignments: list[DispatchedOut]
    agent_ids: list[int] = Field(description="The agents given conversations, by id.")
    waiting: int = Field(description="Conversations waiting for an agent after it.")
    why_waiting: list[WaitingReasonOut] = Field(
        description="Of those it took up and could not give, the reasons, most common first."
    )
    agents_passed_over: int = Field(
        description="Available agents left out because another decision was giving them one."
    )
