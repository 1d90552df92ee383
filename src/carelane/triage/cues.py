"""Cues: phrasings that say what a post asks for, from the labelling guideline's
definitions, found as whole words in the classifiers' normalised text.

Each cue a post has adds one feature to it (see `features`), so that the models can learn
the rare intents (a suggestion, a sales lead) from a few dozen examples. A phrase is
written like a small regular expression: words and single spaces, groups of alternatives
`(a|b)`, and `?` after a letter or a group for "optional" (`delay(s|ed)?`). A phrase is
found where its words stand in the text as whole words (runs of letters, digits and
apostrophes), one space apart; a text belongs to one cue. `?` alone is the question
mark, anywhere.

Finding them costs about the same whatever the phrases: every phrase is spelled out once
into the hashes of its texts (`span_hashes`), grouped by number of words. A batch's words
are looked up among the one-word texts at once; the runs of two to five words that start
at a word some longer phrase starts with are hashed as arrays and looked up likewise.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from carelane.triage.span_hashes import SpanHashes, text_hash

CUE_PHRASES: Mapping[str, tuple[str, ...]] = {
    "suggestion": (
        "you should",
        "please (add|start|bring|consider|change|make|offer|put|let)",
        "(would|it'?d) be (nice|great|amazing|awesome|cool|better) if",
        "why (don'?t|not) (you|we)",
        "any plans (to|of|for)",
        "any chance",
        "how about",
        "bring back",
        "feature request",
        "suggestion",
        "an idea",
        "hopefully you'?ll",
        "come (soon )?to",
        "start (flying|offering)",
        "needs? added",
        "should (add|have|offer|make)",
        "wish (you|there|it)",
        "can you (please )?(add|make)",
    ),
    "sales": (
        "how much",
        "prices?",
        "pricing",
        "fares?",
        "deals?",
        "discounts?",
        "promo",
        "book(ing)? (a |my )?(flights?|trip|ticket)",
        "make a reservation",
        "purchase",
        "buy(ing)?",
        "thinking (of|about)",
        "considering",
        "upgrade to",
        "sign(ing)? up",
        "subscribe",
        "free trial",
        "premium",
        "family plan",
        "student",
        "rates?",
        "availab(le|ility)",
        "when (are|will) you (be )?(open|start|offer|fly)(ing|s)?",
        "looking to (travel|book|buy|fly|get)",
        "credit card",
        "miles",
    ),
    "question": (
        "?",
        "how (do|can|to|long|many)",
        "what (is|are|time)",
        "where (is|are|can)",
        "when (is|will|does|do)",
        "can (i|you|we)",
        "is (there|it|this)",
        "does",
        "do you",
        "any (way|update)",
    ),
    "thanks": (
        "thanks?",
        "thank you",
        "thx",
        "ty",
        "love",
        "great",
        "awesome",
        "amazing",
        "best",
        "appreciat(e|ed|es|ion|ive)",
        "kudos",
        "shout ?out",
        "excellent",
        "wonderful",
        "fantastic",
        "props",
    ),
    "trouble": (
        "worst",
        "terrible",
        "horrible",
        "awful",
        "ridiculous",
        "delay(s|ed|ing)?",
        "cancell?ed",
        "lost",
        "never again",
        "still (waiting|no)",
        "no one",
        "nobody",
        "rude",
        "disappoint(s|ed|ing|ment|ments)?",
        "unacceptable",
        "fail(s|ed|ing|ure|ures)?",
        "broken",
        "doesn'?t work",
        "not working",
        "stuck",
        "stranded",
        "refund",
        "hold",
        "hours?",
        "waiting",
        "again",
    ),
}
CUES: tuple[str, ...] = tuple(CUE_PHRASES)
_QUESTION_MARK = ord("?")


def spelled_out(phrase: str) -> list[str]:
    """Every text `phrase` stands for."""
    if any(mark in phrase for mark in ("\\", "*", "+", "[", "{", ".")):
        raise ValueError(f"cue phrase {phrase!r}: only words, (a|b) groups and ? are allowed")
    texts, rest = _sequence(phrase, 0)
    if rest != len(phrase):
        raise ValueError(f"unbalanced group in cue phrase {phrase!r}")
    return texts


def _sequence(pattern: str, at: int) -> tuple[list[str], int]:
    """The texts of the sequence that starts at `at` and runs to a `|`, `)` or the end."""
    texts = [""]
    while at < len(pattern) and pattern[at] not in "|)":
        if pattern[at] == "(":
            options: list[str] = []
            at += 1
            while True:
                inner, at = _sequence(pattern, at)
                options += inner
                if at >= len(pattern):
                    raise ValueError(f"unbalanced group in cue phrase {pattern!r}")
                at += 1
                if pattern[at - 1] == ")":
                    break
        else:
            options, at = [pattern[at]], at + 1
        if at < len(pattern) and pattern[at] == "?":
            options, at = ["", *options], at + 1
        texts = [text + option for text in texts for option in options]
    return texts, at


@dataclass(frozen=True, slots=True)
class _Table:
    """The texts of `words` words: their hashes, sorted, and the cue of each."""

    words: int
    hashes: NDArray[np.uint64]
    cues: NDArray[np.int64]

    def look_up(
        self, hashes: NDArray[np.uint64], posts: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(post, cue) of each of `hashes` (of a run of words in post `posts[k]`) that is
        one of these texts."""
        at = np.searchsorted(self.hashes, hashes)
        hit = at < len(self.hashes)
        hit[hit] = self.hashes[at[hit]] == hashes[hit]
        return posts[hit], self.cues[at[hit]]


def _tables(phrases: Mapping[str, tuple[str, ...]]) -> dict[int, _Table]:
    """The cues' texts by their number of words."""
    cue_of: dict[int, dict[int, int]] = {}
    for cue, name in enumerate(phrases):
        for phrase in phrases[name]:
            for text in spelled_out(phrase) if phrase != "?" else ():
                if not text or text != " ".join(text.split()):
                    raise ValueError(f"cue phrase {phrase!r} gives {text!r}: words, one space")
                by_hash = cue_of.setdefault(text.count(" ") + 1, {})
                earlier = by_hash.setdefault(text_hash(text), cue)
                if earlier != cue:
                    first = list(phrases)[earlier]
                    raise ValueError(f"{text!r} is a phrase of two cues, {first} and {name}")
    tables = {}
    for words, by_hash in sorted(cue_of.items()):
        hashes = sorted(by_hash)
        tables[words] = _Table(
            words,
            np.array(hashes, dtype=np.uint64),
            np.array([by_hash[h] for h in hashes], dtype=np.int64),
        )
    return tables


_TABLES = _tables(CUE_PHRASES)
_ONE_WORD = _TABLES.pop(1)
# The first words of the phrases of several words: only where one stands can one start.
_OPENING_WORDS = np.unique(
    np.array(
        [
            text_hash(text.split(" ", 1)[0])
            for name in CUES
            for phrase in CUE_PHRASES[name]
            for text in (spelled_out(phrase) if phrase != "?" else ())
            if " " in text
        ],
        dtype=np.uint64,
    )
)
_QUESTION = CUES.index("question")


def find_cues(
    codes: NDArray[np.uint64],
    doc_of: NDArray[np.int64],
    *,
    spans: SpanHashes,
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    word_hashes: NDArray[np.uint64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(post, cue index into `CUES`) of every cue found, each pair once, in a batch whose
    characters are `codes` (post `doc_of[i]` holding character i), hashed by `spans`,
    with its words at codes[starts[k]:ends[k]] in order, their hashes `word_hashes`."""
    posts: list[NDArray[np.int64]] = [doc_of[codes == _QUESTION_MARK]]
    cues: list[NDArray[np.int64]] = [np.full(len(posts[0]), _QUESTION, dtype=np.int64)]
    word_doc = doc_of[starts]
    found = _ONE_WORD.look_up(word_hashes, word_doc)
    posts.append(found[0])
    cues.append(found[1])
    at = np.searchsorted(_OPENING_WORDS, word_hashes)
    opening = at < len(_OPENING_WORDS)
    opening[opening] = _OPENING_WORDS[at[opening]] == word_hashes[opening]
    first = np.flatnonzero(opening)
    for table in _TABLES.values():
        first = first[first + table.words - 1 < len(starts)]
        last = first + table.words - 1
        inside = word_doc[first] == word_doc[last]  # not across two posts
        found = table.look_up(
            spans.of(starts[first[inside]], ends[last[inside]]), word_doc[first[inside]]
        )
        posts.append(found[0])
        cues.append(found[1])
    pairs = np.unique(np.concatenate(posts) * len(CUES) + np.concatenate(cues))
    return pairs // len(CUES), pairs % len(CUES)
