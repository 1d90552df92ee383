"""Text features for the fast classifiers: hashed word and character n-grams, in numpy.

A post becomes a sparse vector over `DIMENSIONS` buckets: the word unigrams and bigrams
and the character 2- to 5-grams of its normalised text, each hashed to a bucket and
weighted by the bucket's inverse document frequency (when the model supplies one), and
the cues it has (`cues`), the whole scaled to unit length. Repeated n-grams count once
per occurrence.

Everything works on a whole batch at once: the texts are normalised with one pass of
each pattern over the batch, and every n-gram of every post is hashed as arrays, from
prefix sums of the characters' codes (`span_hashes`). Hashes are stable:
the same text gives the same features in every process, as trained weights require.
"""

import html
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from carelane.triage.cues import CUES, find_cues
from carelane.triage.span_hashes import BASE, SpanHashes, codes_of

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
# Which code points of the Basic Multilingual Plane are decimal digits (what `\d` finds)
# and whitespace (what `\s` finds); no code point beyond it is whitespace.
_DECIMAL = np.array([chr(c).isdecimal() for c in range(0x10000)], dtype=bool)
_SPACE = np.array([chr(c).isspace() for c in range(0x10000)], dtype=bool)
_SPACE[0x1E] = False  # the separator between posts

CUE_WEIGHT = 4.0
"""The weight of a cue's feature (`cues`): one cue says more than one n-gram."""

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
    joined = _collapsed(_MENTION.sub(" @user ", joined)).lower()
    return [part.strip() for part in joined.split("\x1e")]


def _collapsed(text: str) -> str:
    """`text` with each run of digits as one `0`, then each character repeated three
    times or more (an elongation, "sooooo") twice, then each run of whitespace as one
    space; the separator between posts (\\x1e) is left alone. What the substitutions
    `\\d+` to `0`, `([^\\x1e])\\1\\1+` to `\\1\\1` and `[^\\S\\x1e]+` to a space give, in
    order, done on the character codes as arrays."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    bmp = np.minimum(codes, 0xFFFF)
    digit = _DECIMAL[bmp]
    wide = codes > 0xFFFF
    if wide.any():  # digits beyond the plane (mathematical ones): rare, checked one by one
        digit &= ~wide
        digits = [c for c in np.unique(codes[wide]).tolist() if chr(c).isdecimal()]
        digit |= np.isin(codes, digits)
    codes = np.where(digit, np.uint32(0x30), codes)[~(digit & _after(digit))]
    repeated = np.zeros(len(codes), dtype=bool)
    repeated[2:] = (codes[2:] == codes[1:-1]) & (codes[1:-1] == codes[:-2])
    codes = codes[~repeated | (codes == 0x1E)]
    space = _SPACE[np.minimum(codes, 0xFFFF)]
    codes = np.where(space, np.uint32(0x20), codes)[~(space & _after(space))]
    collapsed: str = codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    return collapsed


def _after(flags: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Whether the character before each one is flagged."""
    before = np.zeros(len(flags), dtype=bool)
    before[1:] = flags[:-1]
    return before


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


@dataclass(frozen=True, slots=True)
class _Read:
    """A batch as the features read it: the normalised posts, each padded with a space,
    one after the other as `codes`, character i of post `doc_of[i]`, hashed by `spans`;
    `word[i]` says whether character i is part of a word, and the words are
    codes[starts[k]:ends[k]], their hashes `word_hashes`."""

    posts: int
    codes: NDArray[np.uint64]
    doc_of: NDArray[np.int64]
    spans: SpanHashes
    word: NDArray[np.bool_]
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    word_hashes: NDArray[np.uint64]

    @classmethod
    def of(cls, texts: Sequence[str]) -> "_Read":
        padded = [f" {t} " for t in normalise_batch(texts)]
        lengths = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
        codes = codes_of("".join(padded))
        spans = SpanHashes(codes)
        word = _WORD_CHAR[np.minimum(codes, 0xFFFF).astype(np.int64)] & (codes < 0x10000)
        starts = np.flatnonzero(word[1:] & ~word[:-1]) + 1  # the padding keeps 0 and end out
        ends = np.flatnonzero(word[:-1] & ~word[1:]) + 1
        return cls(
            len(padded),
            codes,
            np.repeat(np.arange(len(padded), dtype=np.int64), lengths),
            spans,
            word,
            starts,
            ends,
            spans.of(starts, ends),
        )

    def cues(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(post, index into `CUES`) of each cue of each post, once."""
        return find_cues(
            self.codes,
            self.doc_of,
            spans=self.spans,
            starts=self.starts,
            ends=self.ends,
            word_hashes=self.word_hashes,
        )


def cues_of(texts: Sequence[str]) -> list[set[str]]:
    """The cues (`cues.CUES`) each text has, as its features count them."""
    found: list[set[str]] = [set() for _ in texts]
    for post, cue in zip(*_Read.of(texts).cues(), strict=True):
        found[post].add(CUES[cue])
    return found


def featurise(texts: Sequence[str], idf: NDArray[np.float32] | None = None) -> Features:
    """The features of `texts`, each post's of unit length (an empty text has none)."""
    read = _Read.of(texts)
    codes, doc_of, spans, word = read.codes, read.doc_of, read.spans, read.word
    starts, ends = read.starts, read.ends

    rows: list[NDArray[np.int64]] = []
    columns: list[NDArray[np.int64]] = []
    for n in CHAR_NGRAMS:
        if len(codes) < n:
            break
        inside = doc_of[: len(codes) - n + 1] == doc_of[n - 1 :]  # not across two posts
        rows.append(doc_of[: len(inside)][inside])
        columns.append(_bucket(spans.all_of_length(n)[inside] + np.uint64(n)))

    word_columns = _bucket(read.word_hashes + _SALT_WORD)
    rows.append(doc_of[starts])
    columns.append(word_columns)
    pairs = doc_of[starts[:-1]] == doc_of[starts[1:]]
    rows.append(doc_of[starts[:-1][pairs]])
    columns.append(_bucket(spans.of(starts[:-1][pairs], ends[1:][pairs]) + _SALT_BIGRAM))

    cue_rows, cues = read.cues()
    cue_columns = _CUE_BUCKETS[cues]
    row = np.concatenate([*rows, cue_rows])
    column = np.concatenate([*columns, cue_columns])
    weight = np.ones(len(column), dtype=np.float32)
    weight[len(column) - len(cue_columns) :] = CUE_WEIGHT
    value = weight * (idf[column] if idf is not None else 1.0)
    squares = np.bincount(row, weights=np.square(value, dtype=np.float64), minlength=read.posts)
    scale = (1.0 / np.sqrt(np.maximum(squares, 1e-24))).astype(np.float32)
    symbols = np.flatnonzero(~word & (codes != 0x20))
    at = np.concatenate([starts, symbols])
    order = np.argsort(at, kind="stable")
    # A character's code, multiplied up so that neighbouring codes (😠, 😡) part.
    symbol_columns = _bucket(codes[symbols] * _SALT_BIGRAM + _SALT_WORD)
    token_column = np.concatenate([word_columns, symbol_columns])
    return Features(
        read.posts, row, column, value * scale[row], doc_of[at[order]], token_column[order]
    )


def _bucket(hashes: NDArray[np.uint64]) -> NDArray[np.int64]:
    """A bucket from the top bits of a multiplicative mix of each hash."""
    hashes ^= hashes >> np.uint64(32)
    hashes *= BASE
    return (hashes >> np.uint64(64 - DIMENSIONS.bit_length() + 1)).astype(np.int64)


_CUE_BUCKETS = _bucket(
    np.array([zlib.crc32(f"cue {name}".encode()) for name in CUES], dtype=np.uint64)
)
