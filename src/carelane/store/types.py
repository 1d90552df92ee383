"""Column types that behave the same on SQLite and PostgreSQL."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

Id = BigInteger().with_variant(Integer(), "sqlite")
"""Primary and foreign keys: 64-bit on PostgreSQL, SQLite's rowid alias on SQLite."""

Json = JSON().with_variant(JSONB(), "postgresql")

_SQLITE_TEXT: dict[datetime, str] = {}
_SQLITE_TEXT_SIZE = 4_096
"""Instants lately written to SQLite, as its text: a stored post's time is bound again for
its message, its event and its conversation, and an ingest batch's `now` for every row."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant.

    Refuses naive datetimes on the way in; always returns aware UTC datetimes, also from
    SQLite, which keeps no zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        """On SQLite, one step from an aware datetime to the text SQLite's DateTime stores
        (`2015-02-24 11:35:52.000000`, as its own processor writes it): a bulk insert binds
        several instants a row."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            text = _SQLITE_TEXT.get(value)
            if text is None:
                if value.tzinfo is None:
                    raise ValueError(
                        f"naive datetime {value.isoformat()} given where UTC is required"
                    )
                if value.tzinfo is not UTC:
                    value = value.astimezone(UTC)
                text = value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"
                if len(_SQLITE_TEXT) >= _SQLITE_TEXT_SIZE:
                    _SQLITE_TEXT.clear()
                _SQLITE_TEXT[value] = text
            return text

        return process

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given where UTC is required")
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]
