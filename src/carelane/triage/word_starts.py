"""Word-list patterns rewritten so that the regular-expression scanner can skip ahead.

A pattern such as `\\b(how (do|can)|what is|thanks?)\\b` begins with a word boundary,
which gives Python's scanner nothing to look for: it tries the whole pattern at every
character of the text. `at_word_starts` writes the same pattern as one alternative per
first letter, each that letter at a word start (`h(?<!\\wh)(?:ow (do|can))\\b|...`). Such
a pattern begins with one of a few letters, so the scanner skips every other character,
and at a candidate it tries the one alternative that starts with that letter. Matches are
the same, at the same places, chosen in the same order.

It takes patterns of the form `\\b(A|B|...)\\b`, optionally after `\\?|`, whose
alternatives each start with a lower-case ASCII letter that no quantifier follows, or
with a group of such alternatives followed by the rest (`(would|it'?d) be nice`).
"""

import re


def at_word_starts(source: str) -> re.Pattern[str]:
    """`source` (see the module) as a pattern that skips to its first letters."""
    lead = ""
    if source.startswith("\\?|"):
        lead, source = "\\?|", source[3:]
    if not (source.startswith("\\b(") and source.endswith(")\\b")):
        raise ValueError(f"not a word-list pattern: {source!r}")
    by_letter: dict[str, list[str]] = {}
    for alternative in _expanded(_alternatives(source[3:-3])):
        first, rest = alternative[:1], alternative[1:]
        if not ("a" <= first <= "z") or rest[:1] in ("?", "*", "+", "{"):
            raise ValueError(f"an alternative must start with a plain letter: {alternative!r}")
        by_letter.setdefault(first, []).append(rest)
    words = "|".join(
        f"{letter}(?<!\\w{letter})(?:{'|'.join(rests)})\\b" for letter, rests in by_letter.items()
    )
    return re.compile(lead + words)


def _alternatives(body: str) -> list[str]:
    """The top-level alternatives of a pattern's body."""
    found, depth, start, i = [], 0, 0, 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            found.append(body[start:i])
            start = i + 1
        i += 1
    found.append(body[start:])
    return found


def _expanded(alternatives: list[str]) -> list[str]:
    """The alternatives with a leading group spelled out: `(a|b) c` is `a c` and `b c`."""
    expanded = []
    for alternative in alternatives:
        if alternative.startswith("("):
            close = _closing(alternative)
            rest = alternative[close + 1 :]
            if rest[:1] in ("?", "*", "+", "{"):
                raise ValueError(f"a leading group must be plain: {alternative!r}")
            expanded += [inner + rest for inner in _alternatives(alternative[1:close])]
        else:
            expanded.append(alternative)
    return expanded


def _closing(text: str) -> int:
    """Where the group that opens `text` closes."""
    depth, i = 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced group: {text!r}")
