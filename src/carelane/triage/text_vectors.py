"""Text vectors for similarity between posts: hashed word and character n-grams.

`embed` turns texts into dense float32 rows of `DIMENSIONS`, L2-normalised, so the cosine
similarity of two texts is the dot product of their rows; `embed_sparse` gives the same
rows as a sparse array, which the swim lanes use (a post fills a few hundred of the
columns, and comparing a batch with the examples costs that much). Anything with the same
signature (`Embedder`) can replace it, such as a trained sentence-embedding model; the
swim lanes take the embedder as a parameter and never look inside a vector.

This one needs no training and no data: the first half of a row holds the text's words
and word pairs (what it talks about), the second half its character 3- to 5-grams (robust
to typos, plurals and run-together hashtags), each half hashed with a sign into 2,048
buckets and normalised on its own, so a similarity is the mean of the two halves'
similarities. @mentions, links and function words ("the", "my", "was") are left out:
every tweet to an airline names it, and most say "my flight".

Each half also holds a direction of the text's own (16 buckets picked and signed by a
hash of the whole text), of length 2 in the word half and 4 in the character half, where
one word or n-gram counts 1. In a long post it hardly counts; in a short one it is most of
the vector, so "not that I know of" is no longer like every post that says "know".
Identical texts still score 1. Two texts' own directions meet only where their buckets
happen to (as their n-grams can): spread over more buckets, they would meet more often
by less each time, with the same variance, and cost more to build and compare.

Hashing is deterministic (a polynomial hash of each word's characters, `span_hashes`, CRC-32
of each text for its own direction, and a fixed mixer), so vectors are the same in every
process and on every machine.
"""

import re
import zlib
from collections.abc import Callable, Sequence
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from carelane.triage.span_hashes import BASE, SpanHashes, codes_of, text_hash
from carelane.triage.terms import fold

VECTOR_MODEL = "hashed-ngrams-3"
"""Name and version of this embedding; stored beside anything computed with it."""
HALF = 2_048
DIMENSIONS = 2 * HALF
CHAR_GRAMS = (3, 4, 5)
_CHUNK = 256
_OWN_DIRECTION_SPREAD = 16
_OWN_WEIGHT_WORDS = 2.0  # the length of a text's own direction in its word half
_OWN_WEIGHT_CHARS = 4.0  # and in its character half

Rows: TypeAlias = NDArray[np.float32] | sparse.csr_array
Embedder = Callable[[Sequence[str]], Rows]
"""Texts in, one L2-normalised float32 row per text out (an all-zero row for a text with
nothing to embed), as a dense or a sparse array."""


def dense(rows: Rows) -> NDArray[np.float32]:
    """Rows an embedder gave, as a dense float32 array."""
    values: NDArray[np.float32] = np.asarray(
        rows.toarray() if isinstance(rows, sparse.csr_array) else rows, dtype=np.float32
    )
    return values


# Words that say nothing about what a post is about; left out, they stop two posts from
# looking alike merely because both say "I was on the flight to my".
_FUNCTION_WORD_LIST = """
    a an the and or but if so of to in on at by for with from into onto up down out over
    under again about as is am are was were be been being do does did doing have has had
    having i me my myself we us our ours you your yours he him his she her it its they them
    their this that these those there here what which who whom when where why how all any
    both each few more most other some such no nor not only own same than too very can will
    just should would could now then also get got i'm it's you're i've i'll don't can't
    didn't u ur r
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())
_PUNCTUATION = ".,!?:;\"'()[]*-"
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+")
# Which code points of the Basic Multilingual Plane are word characters to `\w`.
_WORD_CHAR = np.array([chr(c).isalnum() or c == 0x5F for c in range(0x10000)], dtype=bool)
_MIX_1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX_2 = np.uint64(0xC4CEB9FE1A85EC53)
_PAIR = np.uint64(1 << 32)
_SHIFT = np.uint64(33)
_SIGN_BIT = np.uint64(63)
_BUCKET_MASK = np.uint64(HALF - 1)
_SPREAD = np.arange(_OWN_DIRECTION_SPREAD, dtype=np.uint64)
_HALF_STARTS = np.array([0, HALF], dtype=np.uint64)
# Every weight is a multiple of 1/4 (1, 2/4 and 4/4), so that any sum of them is exact.
_WEIGHTS = np.array(  # n-grams, own direction; in the word half, then the character half
    [1.0, _OWN_WEIGHT_WORDS, 1.0, _OWN_WEIGHT_CHARS]
) / np.array([1.0, _OWN_DIRECTION_SPREAD**0.5, 1.0, _OWN_DIRECTION_SPREAD**0.5])


def _mixed(hashes: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """A 64-bit finaliser (MurmurHash3's), so nearby inputs land far apart."""
    hashes = hashes ^ (hashes >> _SHIFT)
    hashes = hashes * _MIX_1
    hashes = hashes ^ (hashes >> _SHIFT)
    hashes = hashes * _MIX_2
    return hashes ^ (hashes >> _SHIFT)


def _word_features(text: str) -> NDArray[np.uint64]:
    """Hashes of the words and of each pair of neighbouring words, as `_bucketed` hashes
    them (one text alone: its words found by the pattern, each hashed once per process)."""
    words = _WORD.findall(text)
    unigrams = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    bigrams = unigrams[:-1] * BASE + unigrams[1:] + _PAIR
    return np.concatenate((unigrams, bigrams))


_WORD = re.compile(r"\w+(?:'\w+)*")  # what `_words` finds
_WORD_HASHES: dict[str, int] = {}
_WORD_HASHES_SIZE = 100_000


def _word_hash(word: str) -> int:
    """The hash of a word (`span_hashes.text_hash`), remembered: most words come again."""
    found = _WORD_HASHES.get(word)
    if found is None:
        if len(_WORD_HASHES) >= _WORD_HASHES_SIZE:
            _WORD_HASHES.clear()
        found = _WORD_HASHES[word] = text_hash(word)
    return found


def _words(codes: NDArray[np.uint64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Where the words of texts (one after the other, each padded with a space) start and
    end in their `codes`: what `\\w+(?:'\\w+)*` finds, a run of word characters (letters,
    digits, `_`) with apostrophes inside it."""
    word = _WORD_CHAR[np.minimum(codes, 0xFFFF).astype(np.intp)]
    wide = codes > 0xFFFF
    if wide.any():  # beyond the plane (mathematical letters): rare, checked one by one
        word &= ~wide
        letters = [c for c in np.unique(codes[wide]).tolist() if chr(c).isalnum()]
        word |= np.isin(codes, letters)
    inner = np.zeros(len(codes), dtype=bool)  # an apostrophe between word characters
    inner[1:-1] = (codes[1:-1] == 0x27) & word[:-2] & word[2:]
    word |= inner
    starts = np.flatnonzero(word[1:] & ~word[:-1]) + 1  # the padding keeps 0 and end out
    ends = np.flatnonzero(word[:-1] & ~word[1:]) + 1
    return starts, ends


def _char_features(text: str) -> NDArray[np.uint64]:
    """Hashes of the character 3-, 4- and 5-grams, the text padded with a space: what
    `SpanHashes.all_of_length` gives for each size, rolled forward from the 3-grams, which
    costs less for one text than building its span hashes."""
    codes = codes_of(f" {text} ")
    smallest = CHAR_GRAMS[0]
    if len(codes) < smallest:
        return np.zeros(0, dtype=np.uint64)
    hashes = codes[: len(codes) - smallest + 1].copy()
    for offset in range(1, smallest):
        hashes = hashes * BASE + codes[offset : offset + len(hashes)]
    grams = [hashes]
    for size in CHAR_GRAMS[1:]:
        count = len(codes) - size + 1
        if count <= 0:
            break
        hashes = hashes[:count] * BASE + codes[size - 1 : size - 1 + count]
        grams.append(hashes)
    return np.concatenate(grams)


def _clean(text: str) -> str:
    """The folded text without mentions, links, `#` and function words."""
    folded = fold(text)
    if "@" in folded or "http" in folded or "www." in folded:
        folded = _NOISE.sub(" ", folded)
    words = folded.replace("#", " ").split()  # `#` and whitespace both part words
    return " ".join([word for word in words if word.strip(_PUNCTUATION) not in _FUNCTION_WORDS])


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """One row of `DIMENSIONS` float32 per text, L2-normalised; any text is accepted.

    Texts are bucketed a chunk at a time, so embedding many at once costs less per text
    than embedding them one by one."""
    if len(texts) < _SPARSE_FROM:
        return _dense_rows(texts)
    return dense(embed_sparse(texts))


def embed_sparse(texts: Sequence[str]) -> Rows:
    """What `embed` gives, as a sparse array when there are many texts: a text fills a few
    hundred of the `DIMENSIONS` columns, and comparing a batch with example rows costs
    that much. A few texts come as dense rows, which cost less to build."""
    if len(texts) < _SPARSE_FROM:
        return _dense_rows(texts)
    parts = [_embed_chunk(texts[start : start + _CHUNK]) for start in range(0, len(texts), _CHUNK)]
    return sparse.vstack(parts, format="csr", dtype=np.float32)


_SPARSE_FROM = 32
"""Texts from which sparse rows cost less than dense ones."""


def _dense_rows(texts: Sequence[str]) -> NDArray[np.float32]:
    """The rows of a few texts, summed densely."""
    cleaned = [_clean(text) for text in texts]
    rows = [row for row, text in enumerate(cleaned) if text]
    counts = np.zeros(len(texts) * DIMENSIONS)
    if rows:
        buckets, weighted = _bucketed_one_by_one([cleaned[r] for r in rows], np.asarray(rows))
        counts = np.bincount(buckets, weighted, len(texts) * DIMENSIONS).astype(np.float64)
    halves = counts.reshape(len(texts) * 2, HALF)
    norms = np.sqrt(np.einsum("hd,hd->h", halves, halves))
    filled = (norms > 0.0).reshape(len(texts), 2).sum(axis=1).repeat(2)
    scale = np.divide(1.0, norms * np.sqrt(filled), out=np.zeros_like(norms), where=norms > 0.0)
    unit: NDArray[np.float32] = (
        (halves * scale[:, None]).reshape(len(texts), DIMENSIONS).astype(np.float32)
    )
    return unit


def _own_direction(cleaned: str) -> NDArray[np.uint64]:
    """`_OWN_DIRECTION_SPREAD` features, before mixing, that belong to this text alone."""
    seed = zlib.crc32(cleaned.encode("utf-8", "surrogatepass"))
    return _SPREAD + np.uint64(seed << 20 | 1 << 60)


def _embed_chunk(texts: Sequence[str]) -> sparse.csr_array:
    """The rows of a chunk of texts, every text's features hashed in one pass of arrays.

    Each text's features are summed in the same order as one text alone would sum them
    (its words and word pairs, its own direction, its 3-, 4- and 5-grams, its own direction
    again), so a text's row does not depend on the texts beside it."""
    cleaned = [_clean(text) for text in texts]
    rows = [row for row, text in enumerate(cleaned) if text]
    shape = (len(texts), DIMENSIONS)
    if not rows:
        return sparse.csr_array(shape, dtype=np.float32)
    bucketing = _bucketed if len(rows) >= _ARRAYS_FROM else _bucketed_one_by_one
    buckets, weighted = bucketing([cleaned[row] for row in rows], np.asarray(rows))
    # Repeats of a bucket summed, buckets in order within each row. The features are put
    # in column order first (a stable sort of 16-bit columns, which numpy does by radix),
    # so that scipy's filing by row, which keeps their order, leaves each row sorted and
    # only the repeats to add up: far less than sorting the chunk's features as one array.
    # Every weight is a multiple of 1/4, so the sums are exact whatever order repeats come
    # in: a row never depends on the texts beside it.
    in_row, in_column = np.divmod(buckets, DIMENSIONS)
    order = np.argsort(in_column.astype(np.uint16), kind="stable")
    matrix = sparse.coo_array(
        (weighted[order], (in_row[order].astype(np.int32), in_column[order].astype(np.int32))),
        shape=shape,
    ).tocsr()
    matrix.sum_duplicates()  # a no-op when scipy has already summed them
    counts = matrix.data
    column = matrix.indices
    row = np.repeat(np.arange(len(texts), dtype=np.intp), np.diff(matrix.indptr))
    # Each half to unit length, then the row: a text with both halves has halves of 1/√2.
    half = row * 2 + (column >= HALF)
    norms = np.sqrt(np.bincount(half, weights=counts * counts, minlength=2 * len(texts)))
    filled = (norms > 0.0).reshape(len(texts), 2).sum(axis=1).repeat(2)
    scale = np.divide(1.0, norms * np.sqrt(filled), out=np.zeros_like(norms), where=norms > 0.0)
    matrix.data = (counts * scale[half]).astype(np.float32)
    return matrix


_ARRAYS_FROM = 8
"""Texts in a chunk from which hashing them all as arrays costs less than one by one."""


def _bucketed_one_by_one(
    texts: Sequence[str], rows: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """What `_bucketed` gives, text by text: cheaper for a few texts."""
    features: list[NDArray[np.uint64]] = []
    offsets: list[NDArray[np.uint64]] = []
    weights: list[NDArray[np.float64]] = []
    for row, text in zip(rows.tolist(), texts, strict=True):
        words, chars, own = _word_features(text), _char_features(text), _own_direction(text)
        features += (words, own, chars, own)
        sizes = (len(words) + _OWN_DIRECTION_SPREAD, len(chars) + _OWN_DIRECTION_SPREAD)
        offsets.append(np.repeat(_HALF_STARTS + np.uint64(row * DIMENSIONS), sizes))
        spread = _OWN_DIRECTION_SPREAD
        weights.append(np.repeat(_WEIGHTS, (len(words), spread, len(chars), spread)))
    mixed = _mixed(np.concatenate(features))
    buckets = ((mixed & _BUCKET_MASK) + np.concatenate(offsets)).astype(np.intp)
    signs = 1.0 - 2.0 * (mixed >> _SIGN_BIT).astype(np.float64)  # the bit the mask leaves
    return buckets, signs * np.concatenate(weights)


# The parts of a text's features, in the order they are summed.
_WORDS_PART, _OWN_WORDS_PART, _CHARS_PART, _OWN_CHARS_PART = 0, 1, 2, 3


def _bucketed(
    texts: Sequence[str], rows: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """(flat bucket in the chunk's rows, signed weight) of every feature of the (non-empty,
    cleaned) texts, kind by kind; one text's features among them come in the order it has
    alone (`_bucketed_one_by_one`). `rows[k]` is text k's row."""
    count = len(texts)
    padded = [f" {text} " for text in texts]
    lengths = np.fromiter((len(t) for t in padded), dtype=np.intp, count=count)
    codes = codes_of("".join(padded))
    char_doc = np.repeat(np.arange(count, dtype=np.intp), lengths)
    # Words and the pairs of neighbouring words, over all the texts at once.
    spans = SpanHashes(codes)
    starts, ends = _words(codes)
    unigrams = spans.of(starts, ends)
    word_doc = char_doc[starts]
    paired = word_doc[:-1] == word_doc[1:]
    bigrams = (unigrams[:-1] * BASE + unigrams[1:] + _PAIR)[paired]
    bigram_doc = word_doc[:-1][paired]
    # Character n-grams of each text padded with a space, none across two texts.
    char_parts: list[NDArray[np.uint64]] = []
    char_docs: list[NDArray[np.intp]] = []
    for size in CHAR_GRAMS:
        hashes = spans.all_of_length(size)
        inside = char_doc[: len(hashes)] == char_doc[size - 1 :]
        char_parts.append(hashes[inside])
        char_docs.append(char_doc[: len(hashes)][inside])
    # Each text's own direction, once per half.
    seeds = np.fromiter(
        (zlib.crc32(text.encode("utf-8", "surrogatepass")) for text in texts),
        dtype=np.uint64,
        count=count,
    )
    own = ((seeds << np.uint64(20) | np.uint64(1 << 60))[:, None] + _SPREAD).ravel()
    own_doc = np.repeat(np.arange(count, dtype=np.intp), _OWN_DIRECTION_SPREAD)

    features = np.concatenate((unigrams, bigrams, own, *char_parts, own))
    doc = np.concatenate((word_doc, bigram_doc, own_doc, *char_docs, own_doc))
    part = np.concatenate(
        (
            np.full(len(unigrams) + len(bigrams), _WORDS_PART, dtype=np.intp),
            np.full(len(own), _OWN_WORDS_PART, dtype=np.intp),
            np.full(sum(len(c) for c in char_parts), _CHARS_PART, dtype=np.intp),
            np.full(len(own), _OWN_CHARS_PART, dtype=np.intp),
        )
    )
    # Within a text, features come in the order `_word_features` and `_char_features` give
    # them: words, word pairs, own direction, 3-, 4- and 5-grams, own direction again.
    mixed = _mixed(features)
    half = np.where(part >= _CHARS_PART, HALF, 0)
    buckets = (mixed & _BUCKET_MASK).astype(np.intp) + half + rows[doc] * DIMENSIONS
    signs = 1.0 - 2.0 * (mixed >> _SIGN_BIT).astype(np.float64)  # the bit the mask leaves
    return buckets, signs * _WEIGHTS[part]
