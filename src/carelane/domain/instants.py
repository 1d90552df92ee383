"""Instants as carelane's pure packages take and give them: aware, and in UTC."""

from datetime import UTC, datetime


def utc_instant(value: datetime, what: str = "instant") -> datetime:
    """`value` in UTC; a ValueError if it is naive, because a wall-clock reading without its
    zone names no single instant."""
    if value.tzinfo is UTC:
        return value
    if value.utcoffset() is None:
        raise ValueError(f"{what} {value.isoformat()} has no time zone; give an aware datetime")
    return value.astimezone(UTC)
