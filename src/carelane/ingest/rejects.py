"""Rejected rows, written to a JSON Lines file with their reasons, and the most common
reasons counted for a closing summary.

Each line of the file is one rejected row: `where` it was (`posts.csv:12`), the `row` as
read (null when it could not even be parsed; then `line` holds the text of that line of
the input), and its `errors`, each a `field` and a `message`. Bytes that were not UTF-8
are written as `\\xNN` so that the file itself is always valid UTF-8.
"""

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from carelane.domain.errors import FieldError
from carelane.ingest.readers.base import RawItem

_LINE_OF = re.compile(r"^(?P<name>.+):(?P<line>\d+)$")


def readable(value: Any) -> Any:
    """`value` with undecodable bytes (kept as lone surrogates) shown as `\\xNN`."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {readable(key): readable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [readable(item) for item in value]
    return value


class InputLines:
    """The text of numbered lines of one input file, read forward as rejects come in.

    Rejected rows of an import arrive in file order, so the whole file is read at most
    once; a request for an earlier line starts again from the top.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None
        self._number = 0

    def line(self, number: int) -> str | None:
        """Line `number` (from 1) without its line break, or None past the end."""
        if self._handle is None or number <= self._number:
            self.close()
            self._handle = self.path.open("rb")
            self._number = 0
        for raw in self._handle:
            self._number += 1
            if self._number == number:
                text = raw.decode("utf-8", "surrogateescape").rstrip("\r\n")
                return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """How many rejected rows had one reason, and the first row that had it."""

    field: str
    message: str
    count: int
    first_where: str


class RejectsFile:
    """Writes rejected rows to `path`, replacing a file of an earlier run.

    The file is created on the first rejected row only, so a clean run leaves none.
    Use as a context manager; `inputs`, the files read, let rows that could not be parsed
    be written with the text of their line.
    """

    def __init__(self, path: Path, *, inputs: Sequence[Path] = ()) -> None:
        self.path = path
        self.count = 0
        self._inputs = {source.name: InputLines(source) for source in inputs}
        self._handle: IO[str] | None = None
        self._reasons: Counter[tuple[str, str]] = Counter()
        self._first_where: dict[tuple[str, str], str] = {}

    def __enter__(self) -> Self:
        self.path.unlink(missing_ok=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        for lines in self._inputs.values():
            lines.close()

    def write(self, item: RawItem, errors: Sequence[FieldError]) -> None:
        """Record one rejected row and why."""
        record: dict[str, Any] = {"where": item.where, "row": readable(item.data)}
        match = _LINE_OF.match(item.where) if item.data is None else None
        if match and match["name"] in self._inputs:
            record["line"] = self._inputs[match["name"]].line(int(match["line"]))
        record["errors"] = [
            {"field": readable(e.field), "message": readable(e.message)} for e in errors
        ]
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8")
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1
        for error in errors:
            key = (readable(error.field), readable(error.message))
            self._reasons[key] += 1
            self._first_where.setdefault(key, item.where)

    def common_reasons(self, limit: int = 5) -> list[ReasonCount]:
        """The `limit` most frequent reasons, most frequent first."""
        return [
            ReasonCount(field, message, count, self._first_where[field, message])
            for (field, message), count in self._reasons.most_common(limit)
        ]
