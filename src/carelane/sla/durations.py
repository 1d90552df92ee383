"""Service-level targets as an admin writes them: `30m`, `4h`, `1d 2h`, `90s`."""

import re
from datetime import timedelta

_UNITS = {
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "s": timedelta(seconds=1),
}
_DURATION = re.compile(r"\s*".join(f"(?:(?P<{unit}>[0-9]+)\\s*{unit})?" for unit in _UNITS))
EXAMPLES = "30m, 4h, 1d 2h or 90s"


def parse_duration(text: str) -> timedelta:
    """The duration `text` writes as whole days, hours, minutes and seconds, in that order,
    each at most once (`1d 2h`, `1h30m`, `90s`); a ValueError saying what is wrong otherwise."""
    written = text.strip().lower()
    match = _DURATION.fullmatch(written)
    if not written or match is None or not any(match.groups()):
        raise ValueError(f"{text.strip()!r} is not a duration; write it like {EXAMPLES}")
    total = timedelta()
    try:
        for unit, amount in match.groupdict().items():
            if amount is not None:
                total += int(amount) * _UNITS[unit]
    except (OverflowError, ValueError):  # past timedelta's range, or too many digits to read
        raise ValueError(f"{text.strip()!r} is too long a duration") from None
    return total


def format_duration(value: timedelta) -> str:
    """`value` as `parse_duration` reads it (`1d 2h`, `30m`, `0s`); a fraction of a second
    is rounded down, and a negative duration is a ValueError."""
    if value < timedelta():
        raise ValueError(f"{value} is negative; a duration is at least 0s")
    seconds = value.days * 86_400 + value.seconds
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts) or "0s"
