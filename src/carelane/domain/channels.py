"""Networks, the kinds of channel a brand listens on, and how a post is addressed."""

from enum import StrEnum


class Network(StrEnum):
    """A social network or public site carelane listens to."""

    TWITTER = "twitter"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    YOUTUBE = "youtube"
    FORUM = "forum"
    REVIEW_SITE = "review_site"


class ChannelKind(StrEnum):
    """How a channel finds its posts."""

    OWNED_ACCOUNT = "owned_account"  # the brand's own handle or page: mentions, replies, DMs
    KEYWORD_SEARCH = "keyword_search"  # a saved search for the brand's names and hashtags
    FORUM = "forum"  # a community board the brand watches
    REVIEW_SITE = "review_site"  # a review site listing the brand


class Visibility(StrEnum):
    """Whether everyone can read a post or only its addressee."""

    PUBLIC = "public"
    PRIVATE = "private"  # direct message


class Direction(StrEnum):
    """Who wrote a post: a customer (inbound) or the brand itself (outbound)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
