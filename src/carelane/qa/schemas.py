"""Approvals, reviews, certification levels and promotions on the wire."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from carelane.qa.levels import CertificationLevel
from carelane.qa.settings import Criterion
from carelane.replies.input_text import TypedText
from carelane.replies.schemas import ReplyOut


class ApproveIn(BaseModel):
    """Approve a reply as it is, or with the supervisor's changes (`text`)."""

    model_config = ConfigDict(extra="forbid")

    text: TypedText | None = Field(None, description="The text to send instead of the agent's.")
    comment: TypedText | None = Field(None, description="For the agent (2,000 characters at most).")


class RejectIn(BaseModel):
    """Send a reply back to its agent as a draft, saying why."""

    model_config = ConfigDict(extra="forbid")

    comment: TypedText = Field(description="What to change (1 to 2,000 characters).")


class QueueItem(BaseModel):
    """A reply waiting for a supervisor, with what they need to judge it."""

    reply: ReplyOut
    author_handle: str
    author_followers: int | None
    customer_text: str | None = Field(description="The customer's post it answers.")
    lane: str | None
    waiting_since: datetime | None


class QueueOut(BaseModel):
    items: list[QueueItem]


class ScorecardIn(BaseModel):
    """A reviewer's scores for a sent reply, one per criterion, and a comment."""

    model_config = ConfigDict(extra="forbid")

    scores: dict[TypedText, int] = Field(
        description="Criterion name to score (1 to its top score).", max_length=50
    )
    comment: TypedText | None = Field(None, description="2,000 characters at most.")


class ScorecardOut(BaseModel):
    id: int
    reply_id: int
    agent_id: int
    reviewer_user_id: int
    reviewer_name: str
    scores: dict[str, int]
    mean_score: float
    passed: bool = Field(description="Every score at the workspace's pass mark or above.")
    comment: str | None
    created_at: datetime


class ScorecardList(BaseModel):
    criteria: list[Criterion] = Field(description="The criteria this reply is scored on.")
    pass_mark: int
    items: list[ScorecardOut]


class CertificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: CertificationLevel
    note: TypedText | None = Field(None, description="Why, for the log (2,000 characters at most).")


class CertificationOut(BaseModel):
    agent_id: int
    agent_name: str
    level: CertificationLevel
    since: datetime | None = Field(description="None: certified since before levels were kept.")
    note: str | None


class CertificationList(BaseModel):
    items: list[CertificationOut]


class PromotionOut(BaseModel):
    """How an agent did at their level, and whether the next one is suggested."""

    agent_id: int
    agent_name: str
    level: CertificationLevel
    next_level: CertificationLevel
    ready: bool
    since: datetime
    days_at_level: int
    decided: int = Field(description="Replies approved, rejected or scored at this level.")
    approved: int = Field(description="Of those, approved unchanged or passed.")
    approval_rate: float | None
    why: str


class PromotionList(BaseModel):
    items: list[PromotionOut]
