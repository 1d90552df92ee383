"""Reader for files already in the normalised post format: JSON Lines or CSV.

JSON Lines: one post object per line, as `POST /api/v1/posts` takes them.
CSV: one post per row with the same fields, the author's flattened to `author_handle`,
`author_display_name`, `author_followers` and `author_verified`; empty cells are absent.
"""

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from carelane.domain.errors import FieldError
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.csv_rows import read_csv_rows

AUTHOR_COLUMNS = {
    "author_handle": "handle",
    "author_display_name": "display_name",
    "author_followers": "followers",
    "author_verified": "verified",
}


def read_normalised(path: Path) -> Iterator[RawItem]:
    """The posts of a `.jsonl`/`.ndjson`/`.json` (JSON Lines) or `.csv` file."""
    if path.suffix.lower() == ".csv":
        yield from _read_csv(path)
    else:
        yield from _read_json_lines(path)


def _time_of(data: dict[str, Any]) -> datetime | None:
    value = data.get("created_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _read_json_lines(path: Path) -> Iterator[RawItem]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            where = f"{path.name}:{number}"
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8", errors="surrogateescape")
                data = json.loads(text)
            except ValueError as error:
                yield RawItem(where, None, errors=(FieldError("line", f"is not JSON: {error}"),))
                continue
            if not isinstance(data, dict):
                yield RawItem(
                    where,
                    None,
                    errors=(
                        FieldError("line", f"must be a JSON object, not {type(data).__name__}"),
                    ),
                )
                continue
            yield RawItem(where, data, at=_time_of(data))


def _read_csv(path: Path) -> Iterator[RawItem]:
    for line, row, problems in read_csv_rows(path):
        where = f"{path.name}:{line}"
        if problems:
            yield RawItem(where, None, errors=tuple(problems))
            continue
        data: dict[str, Any] = {}
        author: dict[str, Any] = {}
        for column, value in row.items():
            if value == "":
                continue
            if column in AUTHOR_COLUMNS:
                author[AUTHOR_COLUMNS[column]] = value
            else:
                data[column] = value
        if author:
            data["author"] = author
        yield RawItem(where, data, at=_time_of(data))
