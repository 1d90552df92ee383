"""A post's triage on the wire: as stored, with the corrections agents made to it."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


class TriageCorrectionIn(BaseModel):
    """An agent's correction of one part of a post's triage."""

    model_config = ConfigDict(extra="forbid")

    field: Annotated[str, Field(max_length=16)] = Field(
        description="What is corrected: intent, sentiment, category or lane."
    )
    value: Annotated[str, Field(min_length=1, max_length=255)] = Field(
        description="The right value: an intent or sentiment of the triage vocabulary, or "
        "a lane or category of the workspace's lanes."
    )
    agent_id: int | None = Field(default=None, description="The agent who corrected it.")


class TriageCorrectionOut(BaseModel):
    """A stored correction: who, when, old -> new, and the models it corrected."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    post_id: int
    field: str
    old_value: str | None
    new_value: str
    agent_id: int | None
    model_version: str
    corrected_at: datetime


class PostTriageOut(BaseModel):
    """A post's stored triage: the columns queues filter on, the whole triage in
    `detail` (with `corrected_by` for the fields agents corrected), and every correction,
    oldest first."""

    post_id: int
    model_version: str
    triaged_at: datetime
    actionable: bool
    intent: str
    sentiment: str
    lane: str
    priority: int
    detail: dict[str, Any]
    corrections: list[TriageCorrectionOut]
