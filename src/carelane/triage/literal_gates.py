"""Cheap literal checks in front of costly case-insensitive patterns.

A pattern such as "urgent OR asap OR stranded OR ..." written as one case-insensitive
regular expression tries every alternative at every character of a post: several
microseconds a post, and most posts match nothing. Every match, though, contains one of a
few literal words ("urgent", "asap", "strand" ...). A `LiteralGate` first looks for those
words in the post's `caseless` text (a handful of substring searches, well under a
microsecond) and runs the pattern only when one is there, so it finds exactly what the
pattern alone finds.

`caseless` lower-cases a text the way a case-insensitive pattern compares ASCII letters:
besides lower case, the dotted capital I (U+0130) and the dotless i (U+0131) count as `i`,
and the long s (U+017F) as `s` (the Kelvin sign already lowers to `k`).
"""

import re
from dataclasses import dataclass


def caseless(text: str) -> str:
    """`text` in lower case, with the letters a case-insensitive pattern takes for ASCII
    letters (U+0130, U+0131, U+017F) written as those letters."""
    if text.isascii():
        return text.lower()
    return text.replace("\u0130", "i").lower().replace("\u0131", "i").replace("\u017f", "s")


@dataclass(frozen=True, slots=True)
class LiteralGate:
    """A case-insensitive `pattern` and lower-case `needles`, one of which every match of
    the pattern contains (case aside)."""

    pattern: re.Pattern[str]
    needles: tuple[str, ...]

    @classmethod
    def of(cls, pattern: re.Pattern[str], needles: str) -> "LiteralGate":
        """A gate whose needles are written as one string, separated by `|`."""
        return cls(pattern, tuple(needles.split("|")))

    def may_match(self, lowered: str) -> bool:
        """Whether a text whose `caseless` form is `lowered` may match the pattern."""
        for needle in self.needles:  # noqa: SIM110 - cheaper than any() over a generator
            if needle in lowered:
                return True
        return False

    def search(self, text: str, lowered: str | None = None) -> re.Match[str] | None:
        """What `pattern.search(text)` gives; `lowered` is `caseless(text)` when known."""
        if not self.may_match(caseless(text) if lowered is None else lowered):
            return None
        return self.pattern.search(text)
