"""A post in carelane's normalised form, whatever network it came from."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from carelane.domain.channels import ChannelKind, Direction, Network, Visibility

MAX_TEXT_CHARS = 65_536
"""Longest post text accepted. Facebook posts reach 63,206 characters and forum posts are
rarely longer; anything beyond this is a broken feed, not a customer."""

MAX_HANDLE_CHARS = 255
MAX_FOLLOWERS = 2**31 - 1
"""Most followers an author may show: the store keeps them in a 32-bit integer."""
MAX_EXTERNAL_ID_CHARS = 255


@dataclass(frozen=True, slots=True)
class Author:
    """Whoever wrote a post, as the network shows them."""

    handle: str
    display_name: str | None = None
    followers: int | None = None
    verified: bool = False


@dataclass(frozen=True, slots=True)
class NormalisedPost:
    """One post, validated, in the shape every later stage works with.

    `channel` is the account handle or search name the post arrived on; `external_id` is
    the network's id for the post, unique within that channel; `in_reply_to` is the
    external id of the post it answers on the same channel.
    """

    workspace: str
    network: Network
    channel: str
    external_id: str
    author: Author
    text: str
    created_at: datetime
    channel_kind: ChannelKind = ChannelKind.OWNED_ACCOUNT
    direction: Direction = Direction.INBOUND
    visibility: Visibility = Visibility.PUBLIC
    in_reply_to: str | None = None
    language: str | None = None
    raw: dict[str, Any] | None = field(default=None, compare=False)
