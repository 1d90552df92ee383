"""Posts on the wire: listings with each post's triage, one post with the whole of it,
and the per-item outcome of a posted batch."""

from datetime import datetime

from pydantic import BaseModel, Field

from carelane.domain.channels import Direction, Network, Visibility
from carelane.domain.triage import Intent, Sentiment
from carelane.ingest.results import ItemStatus


class AuthorRef(BaseModel):
    """Who wrote a post, in short."""

    id: int
    handle: str
    display_name: str | None


class ChannelRef(BaseModel):
    """The channel a post arrived on, in short."""

    id: int
    network: Network
    account: str


class TriageSummary(BaseModel):
    """What triage decided about a post, in short: what queues filter and sort on."""

    actionable: bool = Field(description="Something for the care team to act on.")
    intent: Intent
    sentiment: Sentiment
    sentiment_score: float = Field(description="-1 (negative) to 1 (positive).")
    language: str
    lane: str = Field(description="The swim lane that answers it.")
    priority: int = Field(description="How urgent, 0 to 100.")
    take_offline: bool = Field(description="Personal data exposed: answer in private.")
    model_version: str = Field(description="The models that triaged it.")


class TopicOut(BaseModel):
    """What a post is about: a reason the model gives, or a category of the lanes."""

    name: str
    score: float
    source: str = Field(description="`reason` or `category`.")


class PersonalDataSpanOut(BaseModel):
    """Personal data found in the text: where (character offsets) and what kind."""

    kind: str
    start: int
    end: int
    redacted: str


class PersonalDataOut(BaseModel):
    take_offline: bool
    reason: str | None = None
    spans: list[PersonalDataSpanOut] = []


class CategoryOut(BaseModel):
    """A category of the workspace's lanes the post matches, and why."""

    name: str
    lane: str
    score: float
    reasons: list[str] = []


class PriorityFactorOut(BaseModel):
    """Points one factor added to the priority; the factors add up to it."""

    points: int
    reason: str


class TriageDetail(TriageSummary):
    """Everything triage decided about a post, and why."""

    triaged_at: datetime
    actionable_score: float | None = None
    actionable_reason: str | None = None
    intent_score: float | None = None
    sentiment_confidence: float | None = None
    topics: list[TopicOut] = []
    personal_data: PersonalDataOut | None = None
    categories: list[CategoryOut] = []
    lane_why: str | None = Field(None, description="Why this lane, in words.")
    priority_factors: list[PriorityFactorOut] = []
    priority_why: str | None = Field(None, description="The priority's breakdown, in words.")


class PostOut(BaseModel):
    """One stored post."""

    id: int
    external_id: str
    channel: ChannelRef
    author: AuthorRef
    conversation_id: int | None
    direction: Direction
    visibility: Visibility
    text: str
    language: str | None
    in_reply_to: str | None
    created_at: datetime
    received_at: datetime
    triage: TriageSummary | None = Field(description="None for a post not triaged.")


class PostDetail(PostOut):
    """One stored post with the whole of its triage."""

    triage_detail: TriageDetail | None = Field(description="None for a post not triaged.")


class PostPage(BaseModel):
    """A page of posts, newest first (or most urgent first); pass `next_cursor` back for
    the next page."""

    items: list[PostOut]
    next_cursor: str | None = Field(description="None on the last page.")


class FieldErrorOut(BaseModel):
    field: str = Field(description="Dotted path of the field, e.g. `author.handle`.")
    message: str


class ItemResultOut(BaseModel):
    """What became of one item of the batch, in input order."""

    index: int
    status: ItemStatus
    post_id: int | None
    conversation_id: int | None
    opened_conversation: bool
    errors: list[FieldErrorOut]


class BatchErrorOut(BaseModel):
    code: str
    message: str
    details: list[FieldErrorOut]


class BatchResultOut(BaseModel):
    """The outcome of a posted batch: one result per item, and the counts.

    `error` is set (in the same shape as every other error) when any item was rejected.
    """

    results: list[ItemResultOut]
    created: int
    duplicate: int
    rejected: int
    conversations_opened: int
    error: BatchErrorOut | None = None
