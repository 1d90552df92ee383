"""Reader for `airline_tweets.csv`: tweets to six US airlines, February 2015.

Each airline is a workspace with its X/Twitter handle as channel. The data set files
JetBlue's tweets under "Delta"; the handle a tweet addresses decides, so they land in a
`jetblue` workspace.
"""

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from carelane.domain.errors import FieldError
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.csv_rows import read_csv_rows
from carelane.ingest.readers.twitter import tweet_text, workspace_slug

AIRLINE_HANDLES = {
    "united": "united",
    "usairways": "USAirways",
    "americanair": "AmericanAir",
    "southwestair": "SouthwestAir",
    "jetblue": "JetBlue",
    "virginamerica": "VirginAmerica",
    "delta": "Delta",
}
BRAND_HANDLE = {
    "United": "united",
    "US Airways": "USAirways",
    "American": "AmericanAir",
    "Southwest": "SouthwestAir",
    "Delta": "JetBlue",
    "Virgin America": "VirginAmerica",
}
_MENTION = re.compile(r"@(\w+)")


def brand_handle(airline: str, text: str) -> str:
    """The airline account a tweet addresses: its first airline @mention, else the label's."""
    for mention in _MENTION.findall(text):
        handle = AIRLINE_HANDLES.get(mention.lower())
        if handle:
            return handle
    return BRAND_HANDLE.get(airline, airline)


def read_airline_tweets(path: Path) -> Iterator[RawItem]:
    """Every row of the airline tweets file as a normalised post."""
    for line, row, problems in read_csv_rows(path):
        where = f"{path.name}:{line}"
        if problems:
            yield RawItem(where, None, errors=tuple(problems))
            continue
        handle = brand_handle(row.get("airline", ""), row.get("text", ""))
        try:
            created = datetime.fromisoformat(row.get("tweet_created", ""))
        except ValueError:
            yield RawItem(
                where,
                None,
                errors=(
                    FieldError("tweet_created", f"is not a time: {row.get('tweet_created')!r}"),
                ),
            )
            continue
        yield RawItem(
            where,
            {
                "workspace": workspace_slug(handle),
                "network": "twitter",
                "channel": handle,
                "external_id": row.get("tweet_id", ""),
                "author": {"handle": row.get("name", "")},
                "text": tweet_text(row.get("text", "")),
                "created_at": row.get("tweet_created", ""),
                "language": "en",
                "raw": row,
            },
            at=created,
        )
