"""Checks on text from outside: invalid UTF-8 and control characters."""

import math
import re
from typing import Any

# C0 controls except tab, newline and carriage return; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone surrogates: what undecodable bytes become under 'surrogateescape', and what a
# JSON "\\udXXX" escape without its pair decodes to. Neither is text.
_SURROGATE = re.compile("[\ud800-\udfff]")


_UNACCEPTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def is_acceptable_text(value: str) -> bool:
    """True when `text_problem(value)` is None, in one search."""
    return _UNACCEPTABLE.search(value) is None


def text_problem(value: str) -> str | None:
    """Why `value` is not acceptable text, or None when it is."""
    bad = _SURROGATE.search(value)
    if bad:
        code = ord(bad.group())
        if 0xDC80 <= code <= 0xDCFF:
            return f"is not valid UTF-8 (byte 0x{code - 0xDC00:02x} at position {bad.start()})"
        return f"contains an unpaired surrogate U+{code:04X} at position {bad.start()}"
    bad = _CONTROL.search(value)
    if bad:
        return f"contains control character U+{ord(bad.group()):04X} at position {bad.start()}"
    return None


def _stored_text_problem(value: str) -> str | None:
    bad = _SURROGATE.search(value)
    if bad:
        return text_problem(value)
    nul = value.find("\x00")
    if nul >= 0:
        return f"contains control character U+0000 at position {nul}"
    return None


def stored_json_problem(value: Any) -> tuple[str, str] | None:
    """(dotted path, why) for the first part of a JSON value a database cannot store, or None.

    Stricter than JSON: no NUL and no lone surrogates in strings or keys, no NaN or
    infinity, nothing but dicts, lists, strings, numbers, booleans and null. Other control
    characters pass: a kept payload stays as the network sent it.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            problem = _stored_text_problem(node)
            if problem:
                return path, problem
        elif isinstance(node, bool) or node is None or isinstance(node, int):
            continue
        elif isinstance(node, float):
            if not math.isfinite(node):
                return path, f"is {node}, which JSON cannot carry"
        elif isinstance(node, dict):
            children = []
            for key, child in node.items():
                if not isinstance(key, str):
                    return path, f"has a key that is not text: {key!r}"
                problem = _stored_text_problem(key)
                if problem:
                    return path, f"has a key {key!r} that {problem}"
                children.append((f"{path}.{key}" if path else key, child))
            stack.extend(reversed(children))
        elif isinstance(node, list | tuple):
            stack.extend(
                reversed([(f"{path}.{i}" if path else str(i), c) for i, c in enumerate(node)])
            )
        else:
            return path, f"is a {type(node).__name__}, not a JSON value"
    return None
