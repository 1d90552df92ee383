"""Text vectors for similarity between posts: hashed word and character n-grams.

`embed` turns texts into dense float32 rows of `DIMENSIONS`, L2-normalised, so the cosine
similarity of two texts is the dot product of their rows. Anything with the same
signature (`Embedder`) can replace it, such as a trained sentence-embedding model; the
swim lanes take the embedder as a parameter and never look inside a vector.

This one needs no training and no data: the first half of a row holds the text's words
and word pairs (what it talks about), the second half its character 3- to 5-grams (robust
to typos, plurals and run-together hashtags), each half hashed with a sign into 2,048
buckets and normalised on its own, so a similarity is the mean of the two halves'
similarities. @mentions, links and function words ("the", "my", "was") are left out:
every tweet to an airline names it, and most say "my flight".

Each half also holds a direction of the text's own (64 buckets picked and signed by a
hash of the whole text), of length 2 in the word half and 4 in the character half, where
one word or n-gram counts 1. In a long post it hardly counts; in a short one it is most of
the vector, so "not that I know of" is no longer like every post that says "know".
Identical texts still score 1.

Hashing is deterministic (CRC-32 and a fixed mixer), so vectors are the same in every
process and on every machine.
"""

import re
import zlib
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from carelane.triage.terms import fold

VECTOR_MODEL = "hashed-ngrams-1"
"""Name and version of this embedding; stored beside anything computed with it."""
HALF = 2_048
DIMENSIONS = 2 * HALF
CHAR_GRAMS = (3, 4, 5)
_CHUNK = 256
_OWN_DIRECTION_SPREAD = 64
_OWN_WEIGHT_WORDS = 2.0  # the length of a text's own direction in its word half
_OWN_WEIGHT_CHARS = 4.0  # and in its character half

Embedder = Callable[[Sequence[str]], NDArray[np.float32]]
"""Texts in, one L2-normalised float32 row per text out (an all-zero row for a text with
nothing to embed)."""

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
_WORD = re.compile(r"\w+(?:'\w+)*")
_SPACES = re.compile(r"[\s#]+")
_MULTIPLIER = np.uint64(0x100000001B3)
_MIX_1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX_2 = np.uint64(0xC4CEB9FE1A85EC53)
_PAIR = np.uint64(1 << 32)
_SHIFT = np.uint64(33)
_SIGN_BIT = np.uint64(63)
_BUCKET_MASK = np.uint64(HALF - 1)
_SPREAD = np.arange(_OWN_DIRECTION_SPREAD, dtype=np.uint64)
_HALF_STARTS = np.array([0, HALF], dtype=np.uint64)
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
    """Hashes of the words and of each pair of neighbouring words."""
    words = _WORD.findall(text)
    unigrams = np.fromiter(
        (zlib.crc32(word.encode("utf-8", "surrogatepass")) for word in words),
        dtype=np.uint64,
        count=len(words),
    )
    bigrams = unigrams[:-1] * _MULTIPLIER + unigrams[1:] + _PAIR
    return np.concatenate((unigrams, bigrams))


def _char_features(text: str) -> NDArray[np.uint64]:
    """Hashes of the character 3-, 4- and 5-grams, the text padded with a space."""
    codes = np.frombuffer(f" {text} ".encode("utf-32-le", "surrogatepass"), dtype="<u4")
    codes = codes.astype(np.uint64)
    smallest, largest = CHAR_GRAMS[0], CHAR_GRAMS[-1]
    if len(codes) < smallest:
        return np.zeros(0, dtype=np.uint64)
    hashes = codes[: len(codes) - smallest + 1].copy()
    for offset in range(1, smallest):
        hashes = hashes * _MULTIPLIER + codes[offset : offset + len(hashes)]
    grams = [hashes]
    for size in range(smallest + 1, largest + 1):
        count = len(codes) - size + 1
        if count <= 0:
            break
        hashes = hashes[:count] * _MULTIPLIER + codes[size - 1 : size - 1 + count]
        grams.append(hashes)
    return np.concatenate(grams)


def _clean(text: str) -> str:
    """The folded text without mentions, links, `#` and function words."""
    words = _SPACES.sub(" ", _NOISE.sub(" ", fold(text))).split()
    return " ".join(word for word in words if word.strip(_PUNCTUATION) not in _FUNCTION_WORDS)


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """One row of `DIMENSIONS` float32 per text, L2-normalised; any text is accepted.

    Texts are bucketed a chunk at a time, so embedding many at once costs less per text
    than embedding them one by one."""
    rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(texts), _CHUNK):
        rows[start : start + _CHUNK] = _embed_chunk(texts[start : start + _CHUNK])
    return rows


def _own_direction(cleaned: str) -> NDArray[np.uint64]:
    """`_OWN_DIRECTION_SPREAD` features, before mixing, that belong to this text alone."""
    seed = zlib.crc32(cleaned.encode("utf-8", "surrogatepass"))
    return _SPREAD + np.uint64(seed << 20 | 1 << 60)


def _embed_chunk(texts: Sequence[str]) -> NDArray[np.float64]:
    features: list[NDArray[np.uint64]] = []
    offsets: list[NDArray[np.uint64]] = []
    weights: list[NDArray[np.float64]] = []
    for row, text in enumerate(texts):
        cleaned = _clean(text)
        if not cleaned:
            continue
        words, chars, own = (
            _word_features(cleaned),
            _char_features(cleaned),
            _own_direction(cleaned),
        )
        features += (words, own, chars, own)
        sizes = (len(words) + _OWN_DIRECTION_SPREAD, len(chars) + _OWN_DIRECTION_SPREAD)
        offsets.append(np.repeat(_HALF_STARTS + np.uint64(row * DIMENSIONS), sizes))
        spread = _OWN_DIRECTION_SPREAD
        weights.append(np.repeat(_WEIGHTS, (len(words), spread, len(chars), spread)))
    counts = np.zeros((len(texts), 2, HALF))
    if features:
        mixed = _mixed(np.concatenate(features))
        buckets = ((mixed & _BUCKET_MASK) + np.concatenate(offsets)).astype(np.intp)
        signs = 1.0 - 2.0 * (mixed >> _SIGN_BIT).astype(np.float64)  # the bit the mask leaves
        weighted = signs * np.concatenate(weights)
        summed = np.bincount(buckets, weighted, len(texts) * DIMENSIONS)
        counts = np.asarray(summed, dtype=np.float64).reshape(counts.shape)
    # Each half to unit length, then the row: a text with both halves has halves of 1/√2.
    norms = np.sqrt(np.einsum("rhd,rhd->rh", counts, counts))
    filled = (norms > 0.0).sum(axis=1, keepdims=True)
    scale = np.divide(1.0, norms * np.sqrt(filled), out=np.zeros_like(norms), where=norms > 0.0)
    unit: NDArray[np.float64] = (counts * scale[:, :, None]).reshape(len(texts), DIMENSIONS)
    return unit
