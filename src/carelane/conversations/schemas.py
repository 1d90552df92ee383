"""Conversations on the wire: listings and one conversation with its whole timeline."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from carelane.domain.channels import Direction, Visibility
from carelane.domain.conversations import ConversationStatus, MessageKind
from carelane.posts.schemas import AuthorRef, ChannelRef, TriageSummary
from carelane.web.row_ids import BodyId


class ConversationOut(BaseModel):
    """A conversation as a queue shows it."""

    id: int
    channel: ChannelRef
    author: AuthorRef
    status: ConversationStatus
    lane: str | None = Field(description="The lane of its most urgent message.")
    categories: list[str] = Field(description="Categories of its most urgent message.")
    priority: int | None = Field(description="Priority of its most urgent message, 0-100.")
    assignee_id: int | None
    opened_at: datetime
    last_message_at: datetime
    last_inbound_at: datetime | None
    message_count: int
    latest_text: str | None = Field(description="Text of the latest post in it.")


class ConversationPage(BaseModel):
    """A page of conversations, latest activity first (or most urgent first); pass
    `next_cursor` for the next."""

    items: list[ConversationOut]
    next_cursor: str | None = Field(description="None on the last page.")


class AuthorOut(BaseModel):
    """A network author as the workspace knows them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    network: str
    handle: str
    display_name: str | None
    followers: int | None
    verified: bool
    first_seen_at: datetime
    last_seen_at: datetime


class CustomerRef(BaseModel):
    """The CRM customer an author is linked to, in short."""

    id: int
    name: str
    linked_by: str
    consent: bool


class TimelineEntry(BaseModel):
    """One entry of a conversation's timeline: a post in or out, a note or a system entry."""

    message_id: int
    kind: MessageKind
    created_at: datetime
    text: str | None = Field(description="The post's text, or the note's / entry's body.")
    post_id: int | None
    external_id: str | None
    direction: Direction | None
    visibility: Visibility | None
    in_reply_to: str | None
    author: AuthorRef | None = Field(description="Who wrote the post; None for notes.")
    agent_id: int | None
    triage: TriageSummary | None = Field(description="An inbound post's triage, in short.")


class ConversationDetail(ConversationOut):
    """A conversation with its customer and its timeline in order."""

    author_profile: AuthorOut
    customer: CustomerRef | None
    timeline: list[TimelineEntry]


class StatusChangeIn(BaseModel):
    """A status to set, by whom and why."""

    status: ConversationStatus
    agent_id: BodyId | None = Field(default=None, description="The agent making the change.")
    note: str | None = Field(default=None, description="Why, for the log (2,000 chars at most).")


class StatusChangeOut(BaseModel):
    """What a status change did."""

    conversation_id: int
    status: ConversationStatus
    previous_status: ConversationStatus
    changed: bool = Field(description="False when it had that status already.")
    assignee_id: int | None = Field(description="Who holds it now (none once resolved).")


class HandOffIn(BaseModel):
    """Take a conversation offline: to phone or email, at the customer's number or
    address, with a note for whoever takes it."""

    model_config = ConfigDict(extra="forbid")

    channel: Literal["phone", "email"]
    destination: str = Field(max_length=320, description="The phone number or email address.")
    agent_id: BodyId | None = Field(default=None, description="The agent handing it off.")
    note: str | None = Field(default=None, max_length=2000, description="For whoever takes it.")


class HandOffOut(BaseModel):
    """A hand-off as recorded: the summary written for whoever takes the conversation."""

    conversation_id: int
    channel: str
    destination: str
    summary: str
    message_id: int = Field(description="The timeline entry that holds the summary.")
    handed_off_at: datetime
    by_agent_id: int | None


class HandOffReminder(BaseModel):
    """A hand-off whose loop is still open on the original channel."""

    channel: str
    destination: str
    handed_off_at: datetime
    message: str
