"""Replies and notes on the wire."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from carelane.domain.channels import Visibility
from carelane.replies.input_text import TypedText
from carelane.replies.outbox import OutboxState
from carelane.replies.states import Decision, ReplyState, ReviewState
from carelane.web.row_ids import BodyId

_TEXT = "The reply's text, variables filled in (at most 65,536 characters as a draft)."


class ReplyIn(BaseModel):
    """A new reply to a conversation: kept as a draft, or sent at once (`send`)."""

    model_config = ConfigDict(extra="forbid")

    text: TypedText = Field(description=_TEXT)
    visibility: Visibility = Field(
        Visibility.PUBLIC, description="`public` on the thread, `private` as a direct message."
    )
    canned_response_id: BodyId | None = Field(None, description="The canned response it began as.")
    agent_id: BodyId | None = Field(
        None, description="The agent replying; by default the signed-in user's agent."
    )
    send: bool = Field(False, description="Send now (or submit for approval) instead of saving.")


class ReplyEdit(BaseModel):
    """A draft's (or a rejected or failed reply's) new text; it becomes a draft again."""

    model_config = ConfigDict(extra="forbid")

    text: TypedText = Field(description=_TEXT)
    visibility: Visibility | None = Field(None, description="Unchanged when left out.")


class LengthOut(BaseModel):
    """The text's length as the network counts it, against the network's limit."""

    count: int
    limit: int
    unit: str = Field(description="`characters`, `weighted characters` or `bytes`.")
    remaining: int
    over: bool
    label: str = Field(description="The limit in words.")


class OutboxOut(BaseModel):
    """What the channel's outbox did with a sent reply."""

    entry_id: int
    outbox: str = Field(description="`recording`: recorded what would be posted.")
    state: OutboxState
    external_id: str | None
    recipient_handle: str
    in_reply_to_external_id: str | None
    created_at: datetime


class ReplyOut(BaseModel):
    """A reply and where it stands."""

    id: int
    conversation_id: int
    agent_id: int
    agent_name: str
    visibility: Visibility
    network: str
    text: str
    state: ReplyState
    length: LengthOut | None = Field(description="None where the network takes no such reply.")
    canned_response_id: int | None
    in_reply_to_post_id: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    sent_at: datetime | None
    certification_level: str | None = Field(description="The agent's level when submitted.")
    approval_reasons: list[str] = Field(description="Why it waits (waited) for approval.")
    decision: Decision | None
    decided_by: str | None = Field(description="The supervisor who decided, by name.")
    decided_at: datetime | None
    decision_comment: str | None
    submitted_text: str | None = Field(
        description="The agent's text, when the supervisor edited it before approving."
    )
    review_state: ReviewState | None
    review_reason: str | None
    message_id: int | None = Field(description="Its entry on the timeline, once sent.")
    outbox: OutboxOut | None
    failure_reason: str | None


class ReplyList(BaseModel):
    items: list[ReplyOut]


class NoteIn(BaseModel):
    """An internal note; `@handle` or `@first.last` mentions agents of the workspace."""

    model_config = ConfigDict(extra="forbid")

    text: TypedText = Field(description="At most 5,000 characters.")
    agent_id: BodyId | None = Field(
        None, description="The agent writing; by default the signed-in user's, if any."
    )


class MentionOut(BaseModel):
    handle: str
    agent_id: int
    agent_name: str
    start: int
    end: int


class NoteOut(BaseModel):
    """A note as added to the conversation's timeline."""

    message_id: int
    conversation_id: int
    agent_id: int | None
    author_name: str
    text: str
    created_at: datetime
    mentions: list[MentionOut]


class MentionNotice(BaseModel):
    """A note that mentions an agent, for their notifications."""

    message_id: int
    conversation_id: int
    by_name: str
    excerpt: str
    mentioned_at: datetime


class MentionList(BaseModel):
    items: list[MentionNotice]


class ReplyCheckIn(BaseModel):
    """A text to check as a reply to the conversation, without sending it."""

    model_config = ConfigDict(extra="forbid")

    text: TypedText = Field(description="At most 65,536 characters.", max_length=65_536)
    visibility: Visibility = Visibility.PUBLIC


class PersonalDataSpanOut(BaseModel):
    kind: str
    start: int
    end: int
    text: str
    redacted: str


class ReplyCheckOut(BaseModel):
    """How a text would fare as a reply: `sendable` when nothing would refuse it."""

    sendable: bool
    length: LengthOut | None = Field(description="None where the network takes no such reply.")
    personal_data: list[PersonalDataSpanOut] = Field(
        description="What a public reply would expose (found in private replies too)."
    )
    private_message_allowed: bool
    unfilled_variables: list[str]
    problems: list[str] = Field(description="Each reason it would be refused, in words.")
