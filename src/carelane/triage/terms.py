"""The words, hashtags and @mentions of a post's text, as keyword and query rules see them.

Matching is case-insensitive (Unicode case folding) and on whole words: a word is a run of
letters, digits and `_`, with inner apostrophes kept (`can't`). HTML entities are decoded
first (`&amp;` is `&`), typographic apostrophes count as `'`, and links are skipped. A
hashtag is both a hashtag and a word (`#refund` matches the keyword `refund`); an @mention
is only a mention, so a brand's own handle (`@united`) never counts as the word `united`.
"""

import html
import re
from typing import NamedTuple

_APOSTROPHES = ("\u2019", "\u2018", "\u02bc")
_LINK = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"#(\w+)")
_WORD = re.compile(r"\w+(?:'\w+)*")
_TAG = re.compile(r"\w+")


def fold(text: str) -> str:
    """`text` as matching compares it: entities decoded, case folded, apostrophes plain."""
    folded = html.unescape(text).casefold()
    for apostrophe in _APOSTROPHES:
        if apostrophe in folded:
            folded = folded.replace(apostrophe, "'")
    return folded


def words_of(text: str) -> tuple[str, ...]:
    """The words of a rule's own text (a keyword or a quoted phrase), folded."""
    return tuple(_WORD.findall(fold(text)))


def is_tag(text: str) -> bool:
    """Whether `text` can follow `#` or `@` as one hashtag or handle."""
    return _TAG.fullmatch(text) is not None


class PostTerms(NamedTuple):
    """What rules match against in one post's text.

    `joined` is the words separated and surrounded by single spaces, so a phrase is a
    substring search (`" lost bag "`) and a prefix one too (`" bag"`).
    """

    words: frozenset[str]
    joined: str
    hashtags: frozenset[str]
    mentions: frozenset[str]

    @classmethod
    def of(cls, text: str) -> "PostTerms":
        """The terms of a post's text; any text is accepted."""
        folded = fold(text)
        if "http" in folded or "www." in folded:
            folded = _LINK.sub(" ", folded)
        mentions = _MENTION.findall(folded) if "@" in folded else []
        if mentions:
            folded = _MENTION.sub(" ", folded)
        words = _WORD.findall(folded)  # a hashtag's `#` is no word character: tags are words
        return cls(
            frozenset(words),
            f" {' '.join(words)} ",
            frozenset(_HASHTAG.findall(folded)) if "#" in folded else _NONE,
            frozenset(mentions) if mentions else _NONE,
        )


_NONE: frozenset[str] = frozenset()
