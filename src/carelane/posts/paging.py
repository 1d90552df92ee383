"""Keyset pagination shared by the listings: newest first, stable under new arrivals.

A cursor names the last row a page showed by its sort time and id; the next page starts
strictly after it, so posts arriving meanwhile neither repeat nor shift a page. Listings
sorted by priority (most urgent first) page the same way with a `RankedCursor`: the
priority first, then the time and id.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, func, or_
from sqlalchemy.orm import InstrumentedAttribute

from carelane.domain.errors import FieldError, InvalidInputError

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
UNRANKED = -1
"""The rank of a row without a priority: after every ranked row."""

Columns = TypeVarTuple("Columns")


@dataclass(frozen=True, slots=True)
class Cursor:
    """The position after the last row of a page."""

    at: datetime
    id: int

    def encode(self) -> str:
        payload = json.dumps([self.at.isoformat(), self.id]).encode()
        return base64.urlsafe_b64encode(payload).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        """The cursor `value` encodes; InvalidInputError if no listing gave it out."""
        try:
            padded = value + "=" * (-len(value) % 4)
            at, row_id = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            moment = datetime.fromisoformat(at)
            if moment.tzinfo is None or not isinstance(row_id, int):
                raise ValueError(value)
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            raise InvalidInputError(
                [FieldError("cursor", "is not a cursor this listing gave out")]
            ) from None
        return cls(moment, row_id)


def after_cursor(
    cursor: Cursor,
    at_column: InstrumentedAttribute[datetime],
    id_column: InstrumentedAttribute[int],
) -> ColumnElement[bool]:
    """Rows that come after `cursor` in (time, id) descending order."""
    return or_(at_column < cursor.at, and_(at_column == cursor.at, id_column < cursor.id))


@dataclass(frozen=True, slots=True)
class RankedCursor:
    """The position after the last row of a page sorted by rank (priority), then time."""

    rank: int
    at: datetime
    id: int

    def encode(self) -> str:
        payload = json.dumps(["rank", self.rank, self.at.isoformat(), self.id]).encode()
        return base64.urlsafe_b64encode(payload).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "RankedCursor":
        """The cursor `value` encodes; InvalidInputError if no ranked listing gave it out
        (a cursor of the newest-first order included)."""
        try:
            padded = value + "=" * (-len(value) % 4)
            tag, rank, at, row_id = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            moment = datetime.fromisoformat(at)
            if (
                tag != "rank"
                or moment.tzinfo is None
                or not isinstance(row_id, int)
                or not isinstance(rank, int)
            ):
                raise ValueError(value)
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            raise InvalidInputError(
                [FieldError("cursor", "is not a cursor this listing gave out")]
            ) from None
        return cls(rank, moment, row_id)


def after_ranked_cursor(
    cursor: RankedCursor,
    rank: ColumnElement[int],
    at_column: InstrumentedAttribute[datetime],
    id_column: InstrumentedAttribute[int],
) -> ColumnElement[bool]:
    """Rows that come after `cursor` in (rank, time, id) descending order."""
    return or_(
        rank < cursor.rank,
        and_(rank == cursor.rank, after_cursor(Cursor(cursor.at, cursor.id), at_column, id_column)),
    )


def check_page_size(limit: int) -> None:
    """InvalidInputError unless 1 <= limit <= MAX_PAGE_SIZE."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInputError([FieldError("limit", f"must be between 1 and {MAX_PAGE_SIZE}")])


def check_window(since: datetime | None, until: datetime | None) -> None:
    """InvalidInputError unless both bounds carry a zone and `since` is not after `until`."""
    problems = [
        FieldError(name, "has no time zone; give an offset such as +00:00 or Z")
        for name, value in (("since", since), ("until", until))
        if value is not None and value.tzinfo is None
    ]
    if problems:
        raise InvalidInputError(problems)
    if since is not None and until is not None and since > until:
        raise InvalidInputError([FieldError("since", "is after until")])


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching values that contain `text` literally (escape char `\\`)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def check_min_priority(min_priority: int | None) -> None:
    """InvalidInputError unless the filter is absent or 0 <= min_priority <= 100."""
    if min_priority is not None and not 0 <= min_priority <= 100:
        raise InvalidInputError([FieldError("min_priority", "must be between 0 and 100")])


def in_page_order(
    query: Select[*Columns],
    *,
    at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[int],
    cursor: str | None,
    priority: InstrumentedAttribute[int | None] | None = None,
) -> Select[*Columns]:
    """`query` newest first by (`at`, `row_id`), or, given a `priority` column, most
    urgent first and then newest; starting after `cursor` of the same order."""
    if priority is not None:
        rank: ColumnElement[int] = func.coalesce(priority, UNRANKED)
        if cursor is not None:
            query = query.where(after_ranked_cursor(RankedCursor.decode(cursor), rank, at, row_id))
        return query.order_by(rank.desc(), at.desc(), row_id.desc())
    if cursor is not None:
        query = query.where(after_cursor(Cursor.decode(cursor), at, row_id))
    return query.order_by(at.desc(), row_id.desc())


def cursor_after(at: datetime, row_id: int, *, ranked: bool, priority: int | None) -> str:
    """The cursor of the page after a row, in the order `in_page_order` gave."""
    if ranked:
        return RankedCursor(priority if priority is not None else UNRANKED, at, row_id).encode()
    return Cursor(at, row_id).encode()
