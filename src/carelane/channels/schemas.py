"""Channels on the wire, with what has arrived on them."""

from datetime import datetime

from pydantic import BaseModel, Field

from carelane.domain.channels import ChannelKind, Network


class ChannelOut(BaseModel):
    """A channel and its counts."""

    id: int
    network: Network
    account: str
    kind: ChannelKind
    created_at: datetime
    posts: int
    actionable_posts: int = Field(description="Posts triage found actionable.")
    conversations: dict[str, int] = Field(
        description="Conversations on the channel by status (every status, zeros included)."
    )


class ChannelList(BaseModel):
    items: list[ChannelOut]
