"""Searching canned responses by title and text: pure.

Every word of the query must be in the title or the text (any case, accents as typed,
a word matching the start of a longer one: "refund" finds "refunds"). Responses whose
title holds the whole query come first, then those whose title holds every word, then
those whose title holds some, then those found in the text alone; within a rank, more
hits in the text first, then by title.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from carelane.triage.terms import fold

_WORD = re.compile(r"\w+(?:'\w+)*")


class Searchable(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def body(self) -> str: ...


S = TypeVar("S", bound=Searchable)


@dataclass(frozen=True, slots=True)
class SearchRank:
    """Why a response ranks where it does; lower sorts first."""

    title_rank: int  # 0 whole query in title, 1 every word, 2 some words, 3 none
    text_hits: int


def query_words(query: str) -> list[str]:
    """The words of a search query, folded."""
    return _WORD.findall(fold(query))


def rank(title: str, text: str, words: Sequence[str], phrase: str) -> SearchRank | None:
    """How a response with `title` and `text` ranks for the query's `words` (and the
    query `phrase` folded); None when a word is in neither."""
    title_words = _WORD.findall(fold(title))
    text_words = _WORD.findall(fold(text))
    in_title = [any(w.startswith(word) for w in title_words) for word in words]
    text_hits = [sum(w.startswith(word) for w in text_words) for word in words]
    if not all(t or h for t, h in zip(in_title, text_hits, strict=True)):
        return None
    if phrase and phrase in " ".join(title_words):
        title_rank = 0
    elif all(in_title):
        title_rank = 1
    elif any(in_title):
        title_rank = 2
    else:
        title_rank = 3
    return SearchRank(title_rank, sum(text_hits))


def search(responses: Sequence[S], query: str) -> list[S]:
    """The responses that match `query`, best first (see the module); all of them, by
    title, for a query without words."""
    words = query_words(query)
    if not words:
        return sorted(responses, key=lambda r: fold(r.title))
    phrase = " ".join(words)
    ranked = []
    for response in responses:
        found = rank(response.title, response.body, words, phrase)
        if found is not None:
            ranked.append((found.title_rank, -found.text_hits, fold(response.title), response))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked]
