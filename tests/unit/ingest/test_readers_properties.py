"""Properties of the file readers: any bytes are read without raising, every bad row is
reported with its line, and every good row reads back as written."""

import csv
import html
import io
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from carelane.ingest.readers.airline import read_airline_tweets
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.conversations import read_care_conversations
from carelane.ingest.readers.normalised import read_normalised
from carelane.ingest.readers.spotify import read_spotify_requests

printable = st.characters(exclude_categories=("Cs", "Cc"))
cell = st.text(alphabet=printable, min_size=1, max_size=40)
multi_line = st.text(alphabet=st.sampled_from("ab &;\n\r\t\"',😀é"), min_size=1, max_size=30)
garbage = st.binary(max_size=400) | st.text(max_size=200).map(
    lambda t: t.encode("utf-8", errors="surrogatepass")
)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what a file read with newline="" counts

SPOTIFY_HEADER = [
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
]
AIRLINE_HEADER = ["tweet_id", "airline", "name", "text", "tweet_created"]


def _read(name: str, content: bytes, reader: Callable[[Path], Iterator[RawItem]]) -> list[RawItem]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return list(reader(path))


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _assert_well_formed(items: list[RawItem], name: str) -> None:
    for item in items:
        assert item.where.startswith(name)
        assert (item.data is None) == bool(item.errors)
        for error in item.errors:
            assert error.field
            assert error.message


@given(garbage)
def test_jsonl_reader_reads_any_bytes(content: bytes) -> None:
    items = _read("in.jsonl", content, read_normalised)
    _assert_well_formed(items, "in.jsonl:")
    lines = content.splitlines()
    assert len(items) <= len(lines)


@given(garbage)
def test_normalised_csv_reader_reads_any_bytes(content: bytes) -> None:
    _assert_well_formed(_read("in.csv", content, read_normalised), "in.csv:")


@given(garbage)
def test_spotify_reader_reads_any_bytes(content: bytes) -> None:
    body = _csv_bytes(SPOTIFY_HEADER, []) + content
    _assert_well_formed(_read("s.csv", body, read_spotify_requests), "s.csv:")


@given(garbage)
def test_airline_reader_reads_any_bytes(content: bytes) -> None:
    body = _csv_bytes(AIRLINE_HEADER, []) + content
    _assert_well_formed(_read("a.csv", body, read_airline_tweets), "a.csv:")


@given(garbage)
def test_conversations_reader_reads_any_bytes(content: bytes) -> None:
    items = _read("c.json", content, read_care_conversations)
    _assert_well_formed(items, "c.json")


post_objects = st.fixed_dictionaries(
    {
        "workspace": st.just("acme"),
        "network": st.just("twitter"),
        "channel": cell,
        "external_id": cell,
        "author": st.fixed_dictionaries({"handle": cell}),
        "text": multi_line,
        "created_at": st.just("2017-10-31T23:36:20+00:00"),
    },
    optional={"in_reply_to": cell, "raw": st.dictionaries(cell, cell, max_size=3)},
)


@given(st.lists(st.one_of(post_objects, garbage.filter(lambda b: b"\n" not in b)), max_size=12))
def test_jsonl_good_lines_read_back_and_bad_ones_name_their_line(lines: list[Any]) -> None:
    encoded = [
        json.dumps(line, ensure_ascii=False).encode() if isinstance(line, dict) else line
        for line in lines
    ]
    items = _read("in.jsonl", b"\n".join(encoded) + b"\n", read_normalised)
    by_line = {int(item.where.rsplit(":", 1)[1]): item for item in items}
    for number, (line, raw) in enumerate(zip(lines, encoded, strict=True), start=1):
        if isinstance(line, dict):
            assert by_line[number].data == line
        elif not raw.strip():
            assert number not in by_line  # blank lines are skipped
        else:
            try:
                parsed = json.loads(raw.decode("utf-8", errors="surrogateescape"))
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict):
                assert by_line[number].errors, raw
                assert by_line[number].errors[0].field == "line"


csv_posts = st.lists(
    st.tuples(cell, cell, multi_line, st.sampled_from(["", "12"])), min_size=1, max_size=8
)


@given(csv_posts)
def test_normalised_csv_rows_read_back_with_their_lines(rows: list[tuple[str, ...]]) -> None:
    header = [
        "workspace",
        "network",
        "channel",
        "external_id",
        "author_handle",
        "text",
        "created_at",
        "author_followers",
    ]
    table = [
        ["acme", "twitter", channel, external_id, "ana", text, "2017-10-31T23:36:20Z", followers]
        for channel, external_id, text, followers in rows
    ]
    content = _csv_bytes(header, table)
    items = _read("in.csv", content, read_normalised)
    assert len(items) == len(rows)
    # Each item names the physical line its row starts on, multi-line cells included.
    expected_line = 2
    for item, row in zip(items, table, strict=True):
        assert item.where == f"in.csv:{expected_line}"
        written = io.StringIO(newline="")
        csv.writer(written).writerow(row)
        expected_line += len(_LINE_BREAK.findall(written.getvalue()))
        assert item.data is not None
        author = {"handle": "ana"} | ({"followers": row[7]} if row[7] else {})
        assert item.data == {
            "workspace": "acme",
            "network": "twitter",
            "channel": row[2],
            "external_id": row[3],
            "text": row[5],
            "created_at": row[6],
            "author": author,
        }


@given(st.lists(st.tuples(st.integers(1, 10**18), cell, multi_line), min_size=1, max_size=8))
def test_spotify_rows_read_back(rows: list[tuple[int, str, str]]) -> None:
    table = [
        [str(tweet_id), author, "True", "Tue Oct 31 23:36:20 +0000 2017", text, "", "7"]
        for tweet_id, author, text in rows
    ]
    items = _read("s.csv", _csv_bytes(SPOTIFY_HEADER, table), read_spotify_requests)
    assert len(items) == len(rows)
    for item, row in zip(items, table, strict=True):
        assert item.data is not None
        assert item.data["external_id"] == row[0]
        assert item.data["author"] == {"handle": row[1]}
        assert item.data["created_at"] == "2017-10-31T23:36:20+00:00"
        assert item.data["in_reply_to"] == "7"
        assert item.data["raw"]["text"] == row[4]
        assert item.data["text"] == html.unescape(row[4])


@given(st.lists(st.tuples(st.integers(1, 10**18), cell, multi_line), min_size=1, max_size=8))
def test_airline_rows_read_back(rows: list[tuple[int, str, str]]) -> None:
    table = [
        [str(tweet_id), "United", name, f"@united {text}", "2015-02-16T23:36:05-08:00"]
        for tweet_id, name, text in rows
    ]
    items = _read("a.csv", _csv_bytes(AIRLINE_HEADER, table), read_airline_tweets)
    assert len(items) == len(rows)
    for item, row in zip(items, table, strict=True):
        assert item.data is not None
        assert item.data["external_id"] == row[0]
        assert (item.data["workspace"], item.data["channel"]) == ("united", "united")
        assert item.data["author"] == {"handle": row[2]}
        assert item.data["created_at"] == row[4]
        assert item.data["raw"]["text"] == row[3]
        assert item.data["text"] == html.unescape(row[3])


@given(st.integers(1, 5), st.integers(1, 5))
def test_rows_of_the_wrong_width_are_reported_with_their_line(short: int, long: int) -> None:
    good = ["1", "2", "True", "Tue Oct 31 23:36:20 +0000 2017", "hi", "", ""]
    table = [good, good[:-short], good, [*good, *["x"] * long], good]
    items = _read("s.csv", _csv_bytes(SPOTIFY_HEADER, table), read_spotify_requests)
    assert [i.where for i in items if i.errors] == ["s.csv:3", "s.csv:5"]
    assert [e.message for i in items for e in i.errors] == [
        "has fewer fields than the header's 7",
        "has more fields than the header's 7",
    ]
