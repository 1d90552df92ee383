"""Text features for the fast classifiers: hashed word and character n-grams, in numpy.

A post becomes a sparse vector over `DIMENSIONS` buckets: the word unigrams and bigrams
and the character 2- to 5-grams of its normalised text, each hashed to a bucket and
weighted by the bucket's inverse document frequency (when the model supplies one), the
whole scaled to unit length. Repeated n-grams count once per occurrence.

Everything works on a whole batch at once: the texts are normalised with one pass of
each pattern over the batch, and every n-gram of every post is hashed as arrays, from
prefix sums of the characters' codes (a polynomial hash whose base is invertible modulo
2^64, so that the hash of any span is a product of two prefix values). Hashes are stable:
the same text gives the same features in every process, as trained weights require.
"""

import html
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from carelane.triage.word_starts import at_word_starts

DIMENSIONS = 1 << 20
"""Buckets of the hashed feature space (word and character n-grams share it)."""

CHAR_NGRAMS = (2, 3, 4, 5)
MAX_CHARS = 1_000
"""Characters of a post that are featurised: the opening says what a post is about, and a
10,000-character post must cost no more than a tweet."""

_SEPARATOR = " \x1e "  # between posts while a batch is normalised as one string
# A link, in any case: "https?://\S+|www\.\S+" ignoring case (U+017F is a long s), spelled
# so that the pattern starts with the letters it can start with, which lets the scan skip
# every other character.
_URL = re.compile(r"[hHwW](?:(?<=[hH])[tT][tT][pP][sS\u017f]?://\S+|(?<=[wW])[wW][wW]\.\S+)")
_MENTION = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d+")
_ELONGATED = re.compile(r"([^\x1e])\1\1+")  # a character three times or more
# Whitespace (which to `\s` includes \x1e) but a lone space, which needs no replacing.
_SPACES = re.compile(r"[^\S\x1e ][^\S\x1e]*| [^\S\x1e]+")

# Cues: phrasings that say what a post asks for, from the labelling guideline's
# definitions. Each adds one feature, weighted `CUE_WEIGHT`, so that the models can
# learn the rare intents (a suggestion, a sales lead) from a few dozen examples.
_CUES = {
    "suggestion": re.compile(
        r"\b(you should|please (add|start|bring|consider|change|make|offer|put|let)|"
        r"(would|it'?d) be (nice|great|amazing|awesome|cool|better) if|why (don'?t|not) (you|we)|"
        r"any plans (to|of|for)|any chance|how about|bring back|feature request|suggestion|"
        r"an idea|hopefully you'?ll|come (soon )?to|start (flying|offering) |need(s)? added|"
        r"should (add|have|offer|make)|wish (you|there|it)|can you (please )?(add|make))\b"
    ),
    "sales": re.compile(
        r"\b(how much|prices?|pricing|fares?|deals?|discounts?|promo|book(ing)? (a |my )?"
        r"(flights?|trip|ticket)|make a reservation|purchase|buy(ing)?|thinking (of|about)|"
        r"considering|upgrade to|sign(ing)? up|subscribe|free trial|premium|family plan|"
        r"student|rates?|availab(le|ility)|when (are|will) you (be )?(open|start|offer|fly)\w*|"
        r"looking to (travel|book|buy|fly|get)|credit card|miles)\b"
    ),
    "question": re.compile(
        r"\?|\b(how (do|can|to|long|many)|what (is|are|time)|where (is|are|can)|"
        r"when (is|will|does|do)|can (i|you|we)|is (there|it|this)|does|do you|any (way|update))\b"
    ),
    "thanks": re.compile(
        r"\b(thanks?|thank you|thx|ty|love|great|awesome|amazing|best|appreciate\w*|kudos|"
        r"shout ?out|excellent|wonderful|fantastic|props)\b"
    ),
    "trouble": re.compile(
        r"\b(worst|terrible|horrible|awful|ridiculous|delay\w*|cancel+ed|lost|never again|"
        r"still (waiting|no)|no one|nobody|rude|disappoint\w*|unacceptable|fail\w*|broken|"
        r"doesn'?t work|not working|stuck|stranded|refund|hold|hours?|waiting|again)\b"
    ),
}
CUE_WEIGHT = 4.0
# The same cues, written to be searched faster (see `word_starts`); they find the same.
_CUE_SCANS = {name: at_word_starts(pattern.pattern) for name, pattern in _CUES.items()}

_BASE = np.uint64(0x100000001B3)  # FNV's 64-bit prime, as the polynomial's base
_INVERSE = np.uint64(0xCE965057AFF6957B)  # _BASE * _INVERSE == 1 modulo 2**64
_SALT_WORD = np.uint64(0x9E3779B97F4A7C15)
_SALT_BIGRAM = np.uint64(0xC2B2AE3D27D4EB4F)
# Which code points of the Basic Multilingual Plane are word characters (letters and
# digits), and the apostrophe, which keeps "can't" one word.
_WORD_CHAR = np.array([chr(c).isalnum() or c == 0x27 for c in range(0x10000)], dtype=bool)


def normalise_batch(texts: Sequence[str]) -> list[str]:
    """The texts as the classifiers read them: entities decoded, links and mentions as
    placeholders, numbers as `0`, elongations ("sooooo") shortened, spaces collapsed,
    lower case."""
    if not texts:
        return []
    joined = _SEPARATOR.join(t[:MAX_CHARS].replace("\x1e", " ") for t in texts)
    joined = html.unescape(joined)
    joined = _URL.sub(" http ", joined)
    joined = _MENTION.sub(" @user ", joined)
    joined = _DIGITS.sub("0", joined)
    joined = _ELONGATED.sub(r"\1\1", joined)
    joined = _SPACES.sub(" ", joined).lower()
    return [part.strip() for part in joined.split("\x1e")]


@dataclass(frozen=True, slots=True)
class Features:
    """A batch's features as coordinates: `value[k]` at (`row[k]`, `column[k]`), in no
    particular order; a (row, column) pair may repeat, and repeats add up."""

    rows: int
    row: NDArray[np.int64]
    column: NDArray[np.int64]
    value: NDArray[np.float32]
    token_row: NDArray[np.int64]
    token_column: NDArray[np.int64]
    """The posts' tokens in reading order: each word (as its unigram's bucket) and each
    other character but a space (punctuation, an emoji), post `token_row[k]`. Not
    features: what the word vectors (`word_vectors`) read."""


def featurise(texts: Sequence[str], idf: NDArray[np.float32] | None = None) -> Features:
    """The features of `texts`, each post's of unit length (an empty text has none)."""
    padded = [f" {t} " for t in normalise_batch(texts)]
    lengths = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
    codes = np.frombuffer(
        "".join(padded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32
    ).astype(np.uint64)
    doc_of = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    spans = _Spans(codes)

    rows: list[NDArray[np.int64]] = []
    columns: list[NDArray[np.int64]] = []
    for n in CHAR_NGRAMS:
        if len(codes) < n:
            break
        inside = doc_of[: len(codes) - n + 1] == doc_of[n - 1 :]  # not across two posts
        rows.append(doc_of[: len(inside)][inside])
        columns.append(spans.all_of_length(n)[inside])

    word = _WORD_CHAR[np.minimum(codes, 0xFFFF).astype(np.int64)] & (codes < 0x10000)
    starts = np.flatnonzero(word[1:] & ~word[:-1]) + 1  # the padding keeps 0 and end out
    ends = np.flatnonzero(word[:-1] & ~word[1:]) + 1
    word_columns = spans.buckets(starts, ends, _SALT_WORD)
    rows.append(doc_of[starts])
    columns.append(word_columns)
    pairs = doc_of[starts[:-1]] == doc_of[starts[1:]]
    rows.append(doc_of[starts[:-1][pairs]])
    columns.append(spans.buckets(starts[:-1][pairs], ends[1:][pairs], _SALT_BIGRAM))

    cue_rows, cue_columns = _cue_features(padded, lengths)
    row = np.concatenate([*rows, cue_rows])
    column = np.concatenate([*columns, cue_columns])
    weight = np.ones(len(column), dtype=np.float32)
    weight[len(column) - len(cue_columns) :] = CUE_WEIGHT
    value = weight * (idf[column] if idf is not None else 1.0)
    squares = np.bincount(row, weights=np.square(value, dtype=np.float64), minlength=len(padded))
    scale = (1.0 / np.sqrt(np.maximum(squares, 1e-24))).astype(np.float32)
    symbols = np.flatnonzero(~word & (codes != 0x20))
    at = np.concatenate([starts, symbols])
    order = np.argsort(at, kind="stable")
    # A character's code, multiplied up so that neighbouring codes (😠, 😡) part.
    symbol_columns = _bucket(codes[symbols] * _SALT_BIGRAM + _SALT_WORD)
    token_column = np.concatenate([word_columns, symbol_columns])
    return Features(
        len(padded), row, column, value * scale[row], doc_of[at[order]], token_column[order]
    )


class _Spans:
    """Hashes of any span of `codes` in O(1) each, from prefix sums.

    With G[i] = sum(codes[j] * B^-j for j < i), the polynomial hash of codes[a:b] is
    B^(b-1) * (G[b] - G[a]), all modulo 2^64 (uint64 arithmetic wraps).
    """

    def __init__(self, codes: NDArray[np.uint64]) -> None:
        count = len(codes) + 1
        self.powers = np.cumprod(np.full(count, _BASE, dtype=np.uint64)) * _INVERSE  # B^i
        inverses = np.cumprod(np.full(count, _INVERSE, dtype=np.uint64)) * _BASE  # B^-i
        self.prefix = np.zeros(count, dtype=np.uint64)
        np.cumsum(codes * inverses[:-1], out=self.prefix[1:])

    def all_of_length(self, n: int) -> NDArray[np.int64]:
        """The buckets of every span of `n` codes, by start."""
        hashes = self.powers[n - 1 : -1] * (self.prefix[n:] - self.prefix[:-n])
        return _bucket(hashes + np.uint64(n))

    def buckets(
        self, starts: NDArray[np.int64], ends: NDArray[np.int64], salt: np.uint64
    ) -> NDArray[np.int64]:
        """The buckets of the spans codes[starts[k]:ends[k]]."""
        return _bucket(self.powers[ends - 1] * (self.prefix[ends] - self.prefix[starts]) + salt)


def _bucket(hashes: NDArray[np.uint64]) -> NDArray[np.int64]:
    """A bucket from the top bits of a multiplicative mix of each hash."""
    hashes ^= hashes >> np.uint64(32)
    hashes *= _BASE
    return (hashes >> np.uint64(64 - DIMENSIONS.bit_length() + 1)).astype(np.int64)


_CUE_BUCKETS = {
    name: int(_bucket(np.array([zlib.crc32(f"cue {name}".encode())], dtype=np.uint64))[0])
    for name in _CUES
}


def _cue_features(
    padded: Sequence[str], lengths: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(row, bucket) of each cue found in each post, once per post."""
    joined = "".join(padded)
    ends = np.cumsum(lengths)
    rows: list[NDArray[np.int64]] = []
    columns: list[NDArray[np.int64]] = []
    for name, pattern in _CUE_SCANS.items():
        starts = np.fromiter((m.start() for m in pattern.finditer(joined)), dtype=np.int64)
        found = np.unique(np.searchsorted(ends, starts, side="right"))
        rows.append(found)
        columns.append(np.full(len(found), _CUE_BUCKETS[name], dtype=np.int64))
    return np.concatenate(rows), np.concatenate(columns)
