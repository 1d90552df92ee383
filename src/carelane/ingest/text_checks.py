"""Checks on text from outside: invalid UTF-8 and control characters."""

import re

# C0 controls except tab, newline and carriage return; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone surrogates: what undecodable bytes become under 'surrogateescape', and what a
# JSON "\\udXXX" escape without its pair decodes to. Neither is text.
_SURROGATE = re.compile("[\ud800-\udfff]")


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
