"""The real data sets carelane knows how to read, by name."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from carelane.ingest.readers.airline import read_airline_tweets
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.conversations import read_care_conversations
from carelane.ingest.readers.normalised import read_normalised
from carelane.ingest.readers.spotify import read_spotify_requests


@dataclass(frozen=True, slots=True)
class DataSource:
    name: str
    file_name: str
    read: Callable[[Path], Iterator[RawItem]]
    description: str


SOURCES: dict[str, DataSource] = {
    source.name: source
    for source in (
        DataSource(
            "airline",
            "airline_tweets.csv",
            read_airline_tweets,
            "Tweets to six US airlines, February 2015",
        ),
        DataSource(
            "spotify",
            "spotify_support_requests.csv",
            read_spotify_requests,
            "Customers' tweets to @SpotifyCares, October-November 2017",
        ),
        DataSource(
            "conversations",
            "customer_care_conversations.json",
            read_care_conversations,
            "Whole care conversations of 25 brands, 2020, with agents' replies",
        ),
    )
}


def read_source(name_or_path: str, data_dir: Path) -> Iterator[RawItem]:
    """The items of a named data set in `data_dir`, or of a file in the normalised format."""
    source = SOURCES.get(name_or_path)
    if source is not None:
        return source.read(data_dir / source.file_name)
    return read_normalised(Path(name_or_path))


def read_texts(data_dir: Path) -> list[str]:
    """The text of every item of every named data set in `data_dir` that is there, agents'
    turns included, in the order of `SOURCES`."""
    return [
        item.data["text"]
        for source in SOURCES.values()
        if (data_dir / source.file_name).exists()
        for item in source.read(data_dir / source.file_name)
        if item.data is not None and isinstance(item.data.get("text"), str)
    ]
