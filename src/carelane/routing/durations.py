"""Spans of time as a supervisor reads them ("4 min", "2 h 5 min")."""

from datetime import timedelta


def describe_duration(span: timedelta) -> str:
    """A span rounded down to what matters: `under 1 min`, `12 min`, `2 h 5 min`,
    `3 d 4 h`. A negative span is described by its length."""
    seconds = int(abs(span.total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86_400
    if minutes == 0:
        return "under 1 min"
    if hours == 0:
        return f"{minutes} min"
    if days == 0:
        rest = minutes - hours * 60
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    rest = hours - days * 24
    return f"{days} d {rest} h" if rest else f"{days} d"
