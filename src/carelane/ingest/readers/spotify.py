"""Reader for `spotify_support_requests.csv`: customers' tweets to @SpotifyCares, 2017.

`in_response_to_tweet_id` threads a tweet under the one it answers (often a reply of
@SpotifyCares that the file does not hold: the customer's active conversation then takes it).
"""

from collections.abc import Iterator
from pathlib import Path

from carelane.domain.errors import FieldError
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.csv_rows import read_csv_rows
from carelane.ingest.readers.twitter import parse_twitter_time, tweet_text, workspace_slug

CHANNEL = "SpotifyCares"
WORKSPACE = workspace_slug(CHANNEL)  # the same workspace the brand's other data lands in


def read_spotify_requests(path: Path) -> Iterator[RawItem]:
    """Every row of the Spotify support requests file as a normalised post."""
    for line, row, problems in read_csv_rows(path):
        where = f"{path.name}:{line}"
        if problems:
            yield RawItem(where, None, errors=tuple(problems))
            continue
        try:
            created = parse_twitter_time(row.get("created_at", ""))
        except ValueError:
            yield RawItem(
                where,
                None,
                errors=(FieldError("created_at", f"is not a time: {row.get('created_at')!r}"),),
            )
            continue
        yield RawItem(
            where,
            {
                "workspace": WORKSPACE,
                "network": "twitter",
                "channel": CHANNEL,
                "external_id": row.get("tweet_id", ""),
                "author": {"handle": row.get("author_id", "")},
                "text": tweet_text(row.get("text", "")),
                "created_at": created.isoformat(),
                "in_reply_to": row.get("in_response_to_tweet_id") or None,
                "raw": row,
            },
            at=created,
        )
