"""Each network's limit on the length of a reply, public or private, and how it counts.

Sources, as each network documents them:
- X/Twitter: 280 weighted characters for a post ("Counting characters", X developer
  platform; twitter-text v3 configuration), 10,000 characters for a direct message
  (X raised the limit from 140 to 10,000 in 2015).
- Facebook: 8,000 characters for a comment (Graph API, `message` of a comment);
  2,000 characters for a Messenger text message (Messenger Platform Send API).
- Instagram: 2,200 characters for a comment (the same as a caption); 1,000 bytes of UTF-8
  for a direct message (Instagram Messaging API, `text`).
- YouTube: 10,000 characters for a comment (YouTube Data API, `commentThreads`); YouTube
  has no direct messages.
- Forums: carelane's own limit of 10,000 characters, within the defaults of the common
  forum engines (Discourse 32,000, phpBB 60,000); a forum's private message likewise.
- Review sites: 4,096 bytes of UTF-8 for an owner's public response (Google Business
  Profile API, `reviews.updateReply`, `comment`), the tightest of the large sites; review
  sites have no private messages.

A reply past its limit is refused with the limit and the count; a private reply on a
network without direct messages is refused too.
"""

from dataclasses import dataclass

from carelane.domain.channels import Network, Visibility
from carelane.replies.text_length import Counting, text_length


@dataclass(frozen=True, slots=True)
class LengthLimit:
    """The longest reply of one kind on one network, counted as the network counts."""

    network: Network
    visibility: Visibility
    limit: int
    counting: Counting
    unit: str  # how the limit reads: "characters", "weighted characters", "bytes"

    @property
    def label(self) -> str:
        """The limit in words, e.g. "280 weighted characters for a public X/Twitter post"."""
        kind = "public reply" if self.visibility is Visibility.PUBLIC else "private message"
        if self.network is Network.TWITTER and self.visibility is Visibility.PUBLIC:
            kind = "public post"
        return f"{self.limit:,} {self.unit} for a {kind} on {NETWORK_NAMES[self.network]}"


NETWORK_NAMES = {
    Network.TWITTER: "X/Twitter",
    Network.FACEBOOK: "Facebook",
    Network.INSTAGRAM: "Instagram",
    Network.YOUTUBE: "YouTube",
    Network.FORUM: "a forum",
    Network.REVIEW_SITE: "a review site",
}

_CHARS = "characters"
_PUBLIC, _PRIVATE = Visibility.PUBLIC, Visibility.PRIVATE
LIMITS: dict[tuple[Network, Visibility], LengthLimit] = {
    (limit.network, limit.visibility): limit
    for limit in (
        LengthLimit(Network.TWITTER, _PUBLIC, 280, Counting.X_WEIGHTED, "weighted characters"),
        LengthLimit(Network.TWITTER, _PRIVATE, 10_000, Counting.X_WEIGHTED, "weighted characters"),
        LengthLimit(Network.FACEBOOK, _PUBLIC, 8_000, Counting.CODE_POINTS, _CHARS),
        LengthLimit(Network.FACEBOOK, _PRIVATE, 2_000, Counting.CODE_POINTS, _CHARS),
        LengthLimit(Network.INSTAGRAM, _PUBLIC, 2_200, Counting.CODE_POINTS, _CHARS),
        LengthLimit(Network.INSTAGRAM, _PRIVATE, 1_000, Counting.UTF8_BYTES, "bytes"),
        LengthLimit(Network.YOUTUBE, _PUBLIC, 10_000, Counting.CODE_POINTS, _CHARS),
        LengthLimit(Network.FORUM, _PUBLIC, 10_000, Counting.CODE_POINTS, _CHARS),
        LengthLimit(Network.FORUM, _PRIVATE, 10_000, Counting.CODE_POINTS, _CHARS),
        LengthLimit(Network.REVIEW_SITE, _PUBLIC, 4_096, Counting.UTF8_BYTES, "bytes"),
    )
}


def length_limit(network: Network, visibility: Visibility) -> LengthLimit | None:
    """The limit of a reply of `visibility` on `network`; None when the network takes no
    such reply (no direct messages on YouTube or review sites)."""
    return LIMITS.get((network, visibility))


@dataclass(frozen=True, slots=True)
class LengthCount:
    """A reply's length against its limit."""

    length: int
    limit: LengthLimit

    @property
    def over(self) -> bool:
        return self.length > self.limit.limit

    @property
    def remaining(self) -> int:
        return self.limit.limit - self.length


def count_reply(text: str, limit: LengthLimit) -> LengthCount:
    """`text`'s length as `limit`'s network counts it."""
    return LengthCount(text_length(text, limit.counting), limit)
