"""Posts on the wire: listings and the per-item outcome of a posted batch."""

from datetime import datetime

from pydantic import BaseModel, Field

from carelane.domain.channels import Direction, Network, Visibility
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


class PostPage(BaseModel):
    """A page of posts, newest first; pass `next_cursor` back for the next page."""

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
