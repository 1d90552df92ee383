"""How long a text is, the way each network counts it.

- **Weighted (X/Twitter).** X counts the text normalised to NFC. A code point in the
  ranges most Latin, Greek, Cyrillic, Hebrew, Arabic, Indic and Thai text uses (U+0000 to
  U+10FF) and a few typographic ones (U+2000-U+200D, U+2010-U+201F, U+2032-U+2037)
  counts 1; every other code point counts 2 (Chinese, Japanese, Korean, most symbols).
  An emoji counts 2 whatever it is made of (a skin tone, a flag, a family joined by
  zero-width joiners), and a URL counts 23 however long it is, as X shortens every link
  to its t.co form. This follows twitter-text's version 3 configuration
  (`weightedLength`, scale 100, default weight 200, `transformedURLLength` 23,
  `emojiParsingEnabled`). URLs are found by scheme (`http://`, `https://`), `www.`, or a
  bare domain under a common top-level domain; twitter-text knows every top-level
  domain, so a bare domain under a rare one counts here as its characters.
- **Code points.** Facebook, YouTube and forums count Unicode code points (an emoji made
  of several code points counts each).
- **UTF-8 bytes.** Instagram's direct messages and Google's review replies are limited in
  bytes of UTF-8.

Pure: no I/O; any string is accepted.
"""

import re
import unicodedata
from enum import StrEnum

X_URL_LENGTH = 23
"""What X counts for any link: the length of its t.co form."""

_X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_COMMON_TLDS = (
    "com|net|org|edu|gov|info|biz|io|co|ai|app|dev|me|ly|gl|tv|us|uk|ca|de|fr|es|it|nl|"
    "au|ie|in|jp|br|mx|eu|ch|se|no|dk|fi|be|at|nz|sg|hk"
)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"
    rf"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_COMMON_TLDS})\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\""

_ZWJ = 0x200D
_VS16 = 0xFE0F
_KEYCAP = 0x20E3
_SKIN_TONES = (0x1F3FB, 0x1F3FF)
_REGIONAL_INDICATORS = (0x1F1E6, 0x1F1FF)
_TAGS = (0xE0020, 0xE007F)
_PICTOGRAPHS = (
    (0x1F000, 0x1FAFF),  # mahjong to symbols and pictographs extended-A
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats
    (0x2300, 0x23FF),  # miscellaneous technical (watch, hourglass, ...)
    (0x2B00, 0x2BFF),  # arrows, stars, squares
    (0x2190, 0x21FF),  # arrows
    (0x2900, 0x297F),  # supplemental arrows-B
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
)


class Counting(StrEnum):
    """How a network counts the length of a text."""

    X_WEIGHTED = "x_weighted"
    CODE_POINTS = "code_points"
    UTF8_BYTES = "utf8_bytes"


def text_length(text: str, counting: Counting) -> int:
    """The length of `text` as a network counting `counting` sees it."""
    if counting is Counting.X_WEIGHTED:
        return x_weighted_length(text)
    if counting is Counting.UTF8_BYTES:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text)


def x_weighted_length(text: str) -> int:
    """The length X counts for `text`: URLs 23, emoji 2, light code points 1, others 2."""
    normalised = text if text.isascii() else unicodedata.normalize("NFC", text)
    length = 0
    position = 0
    for start, end in _url_spans(normalised):
        length += _weighted(normalised[position:start]) + X_URL_LENGTH
        position = end
    return length + _weighted(normalised[position:])


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
"""A code point past the light ranges: every emoji holds one (a keycap its U+20E3)."""


def _weighted(text: str) -> int:
    if _HEAVY.search(text) is None:
        return len(text)  # light code points only: one each, and no emoji
    codes = [ord(char) for char in text]
    length = 0
    index = 0
    while index < len(codes):
        end = _emoji_end(codes, index)
        if end > index:
            length += 2
            index = end
            continue
        length += 1 if _light(codes[index]) else 2
        index += 1
    return length


def _light(code: int) -> bool:
    return any(low <= code <= high for low, high in _X_LIGHT_RANGES)


def _within(code: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= code <= bounds[1]


def _pictograph(code: int) -> bool:
    return any(low <= code <= high for low, high in _PICTOGRAPHS)


def _emoji_end(codes: list[int], index: int) -> int:
    """Where the emoji starting at `index` ends, or `index` when none starts there."""
    code = codes[index]
    after = index + 1
    if _within(code, _REGIONAL_INDICATORS):
        if after < len(codes) and _within(codes[after], _REGIONAL_INDICATORS):
            return after + 1  # a flag: two regional indicators
        return index
    if chr(code) in "0123456789#*":
        end = after + 1 if after < len(codes) and codes[after] == _VS16 else after
        return end + 1 if end < len(codes) and codes[end] == _KEYCAP else index
    if code in (0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139):
        # Text symbols that are emoji only when asked to be (followed by U+FE0F).
        return after + 1 if after < len(codes) and codes[after] == _VS16 else index
    if not _pictograph(code):
        return index
    end = _emoji_modifiers(codes, after)
    while end + 1 < len(codes) and codes[end] == _ZWJ and _pictograph(codes[end + 1]):
        end = _emoji_modifiers(codes, end + 2)
    return end


def _emoji_modifiers(codes: list[int], index: int) -> int:
    """Past the presentation selector, skin tone and tag sequence that follow an emoji."""
    if index < len(codes) and codes[index] == _VS16:
        index += 1
    if index < len(codes) and _within(codes[index], _SKIN_TONES):
        index += 1
    while index < len(codes) and _within(codes[index], _TAGS):
        index += 1
    return index
