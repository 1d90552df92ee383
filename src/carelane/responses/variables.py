"""The `{variables}` of canned responses: which there are, checking a response's text
when it is saved, and filling them in for one conversation.

A variable is written `{name}`; `{{` and `}}` are a literal brace. Saving a response
checks that every variable is one of `VARIABLES` and that every brace is either part of a
variable or doubled, naming each problem and where it is. Filling in never fails: a
variable without a value for this conversation (no booking reference was posted) stays
as written and is reported as missing, and anything that is not a variable stays as it
is, so that the agent sees what is left to fill and the send guard stops it going out.

Pure: no I/O.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from carelane.domain.errors import FieldError

VARIABLES: dict[str, str] = {
    "customer_first_name": "The customer's first name (CRM, else the author's display name, "
    "else their handle).",
    "customer_name": "The customer's full name (CRM, else the author's display name, else "
    "their handle).",
    "author_handle": "The author's handle as the network shows it (@name on X and Instagram).",
    "author_name": "The author's display name, else their handle.",
    "agent_name": "The replying agent's name.",
    "agent_first_name": "The replying agent's first name.",
    "agent_initials": "The replying agent's initials, for signing a post (^AL).",
    "brand": "The brand's name (the workspace's).",
    "brand_handle": "The brand's own account, e.g. @AmericanAir.",
    "booking_reference": "The booking reference the customer posted in the conversation.",
    "network": "The network's name, e.g. X/Twitter.",
}
"""Every variable a canned response may use, with what it is filled in with."""

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\s]{0,64})\}|[{}]")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A `{name}` in a text, at `text[start:end]`."""

    name: str
    start: int
    end: int


def placeholders(text: str) -> list[Placeholder]:
    """Every `{name}` of `text` (known or not), in order; doubled braces are not."""
    found = []
    for match in _TOKEN.finditer(text):
        name = match.group(1)
        if name is not None and _NAME.fullmatch(name):
            found.append(Placeholder(name, match.start(), match.end()))
    return found


def template_problems(text: str, field: str = "text") -> list[FieldError]:
    """What is wrong with the variables and braces of `text`, each naming where it is
    (character positions count from 1); empty when nothing is."""
    problems = []
    known = ", ".join(sorted(VARIABLES))
    for match in _TOKEN.finditer(text):
        token, name = match.group(0), match.group(1)
        at = match.start() + 1
        if token in ("{{", "}}"):
            continue
        if name is not None and name in VARIABLES:
            continue
        if name is not None and _NAME.fullmatch(name):
            problems.append(
                FieldError(field, f"unknown variable {{{name}}} at character {at}; known: {known}")
            )
        elif name is not None:
            problems.append(
                FieldError(
                    field,
                    f"{token!r} at character {at} is not a variable: a variable is "
                    "{name} in lower case; write {{ and }} for literal braces",
                )
            )
        else:
            problems.append(
                FieldError(
                    field,
                    f"a lone {token!r} at character {at}: write {token * 2} for a literal brace",
                )
            )
    return problems


def unknown_variables(text: str) -> list[str]:
    """The names of `text`'s variables that carelane cannot fill in, once each, in order."""
    names = [p.name for p in placeholders(text) if p.name not in VARIABLES]
    return list(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Rendered:
    """A text with its variables filled in; `missing` are those without a value here
    (left as written), `unknown` those carelane does not know (left as written)."""

    text: str
    missing: tuple[str, ...]
    unknown: tuple[str, ...]


def render(text: str, values: Mapping[str, str | None]) -> Rendered:
    """`text` with each `{name}` replaced by its value and `{{`, `}}` by one brace.
    Never raises."""
    parts: list[str] = []
    missing: dict[str, None] = {}
    unknown: dict[str, None] = {}
    position = 0
    for match in _TOKEN.finditer(text):
        parts.append(text[position : match.start()])
        position = match.end()
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif name is not None and name in VARIABLES:
            value = values.get(name)
            if value:
                parts.append(value)
            else:
                missing[name] = None
                parts.append(token)
        else:
            if name is not None and _NAME.fullmatch(name):
                unknown[name] = None
            parts.append(token)
    parts.append(text[position:])
    return Rendered("".join(parts), tuple(missing), tuple(unknown))


def unfilled_variables(text: str) -> list[str]:
    """Known variables still written `{name}` in a text about to be sent, once each."""
    names = [p.name for p in placeholders(text) if p.name in VARIABLES]
    return list(dict.fromkeys(names))
