"""Helpers shared by the readers of data sets captured from X/Twitter."""

import html
import re
from datetime import datetime

_SLUG = re.compile(r"[^a-z0-9]+")


def tweet_text(text: str) -> str:
    """A tweet's text as a person reads it: Twitter sends &amp; &lt; &gt; as entities."""
    return html.unescape(text)


def parse_twitter_time(value: str) -> datetime:
    """A time in Twitter's classic API format, zone included: "Tue Oct 31 23:36:20 +0000 2017"."""
    return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")


def workspace_slug(brand: str) -> str:
    """The workspace slug for a brand name: "US Airways" -> "us-airways"."""
    return _SLUG.sub("-", brand.lower()).strip("-")
