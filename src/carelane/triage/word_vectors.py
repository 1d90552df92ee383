"""Word vectors learnt from the data folder's posts, labelled or not: tokens used alike.

The labelled posts are few: 11,712 airline tweets, 1,199 intents. A linear model over
n-grams learns nothing about a word no labelled post has, and little about a rare one.
The data folder's other posts (Spotify requests, whole care conversations, agents' turns
included) say how words are used without any label: "delayed" keeps the company of
"late", "stuck" and "hours", and "😡" that of "worst". Tokens are words, punctuation and
emoji (`Features.token_column`). A token's vector sums up its company: the positive
pointwise mutual information of the tokens within `WINDOW` tokens of it (nearer ones
count more; a context token's frequency smoothed to the power `SMOOTHING`), over every
post, reduced to `DIMENSIONS` columns by a truncated singular value decomposition and
scaled to unit length.

A post's vector is the sum of its tokens' vectors, each weighted by the token's inverse
document frequency in the corpus, scaled to length `WEIGHT`; the classifiers read it
beside the n-grams (`linear`). Tokens are hashed as the features hash words, so no
vocabulary is stored: the same tokens, the same hashes, in training and in triage.

Fitting needs scikit-learn (the `train` extra); a post's vector, numpy and SciPy. Fitting is
deterministic: a seeded decomposition on one thread, each column's sign fixed.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carelane.triage.features import DIMENSIONS as BUCKETS
from carelane.triage.features import Features, featurise

DIMENSIONS = 100
WINDOW = 4
SMOOTHING = 0.75
MIN_COUNT = 3
"""Words seen fewer times get no vector: their company says too little."""
WEIGHT = 0.3
"""A post vector's length beside its n-grams (whose vector has length 1): chosen once
by cross-validation on the sentiment and reason tasks."""
SEED = 20_150_216


class WordVectors:
    """A vector and a weight per known token bucket; `of` gives posts' vectors."""

    def __init__(
        self, buckets: NDArray[np.int64], vectors: NDArray[np.float32], idf: NDArray[np.float32]
    ) -> None:
        if vectors.ndim != 2 or len(vectors) != len(buckets) or idf.shape != buckets.shape:
            raise ValueError(
                f"{len(buckets)} word buckets but vectors {vectors.shape} and weights {idf.shape}"
            )
        self.buckets = buckets
        self.vectors = np.vstack([np.zeros((1, vectors.shape[1]), np.float32), vectors])
        self.idf = np.concatenate([np.zeros(1, np.float32), idf.astype(np.float32)])
        self._row_of = np.zeros(BUCKETS, dtype=np.int32)  # row 0: an unknown word
        self._row_of[buckets] = np.arange(1, len(buckets) + 1, dtype=np.int32)

    @property
    def width(self) -> int:
        return int(self.vectors.shape[1])

    def of(self, features: Features) -> NDArray[np.float32]:
        """(posts x `width`) vectors of featurised posts: each the weighted sum of its known
        tokens' vectors, of length `WEIGHT` (zeros for a post without a known token)."""
        from scipy import sparse

        known = self._row_of[features.token_column]
        counts = sparse.coo_array(
            (self.idf[known], (features.token_row, known)),
            shape=(features.rows, len(self.vectors)),
        ).tocsr()
        sums = counts @ self.vectors
        sums = np.asarray(sums, dtype=np.float32)
        norms = np.sqrt(np.einsum("pd,pd->p", sums, sums))
        scale = np.divide(WEIGHT, norms, out=np.zeros_like(norms), where=norms > 0)
        result: NDArray[np.float32] = sums * scale[:, None]
        return result

    def to_arrays(self) -> dict[str, NDArray[np.generic]]:
        return {
            "word_buckets": self.buckets,
            "word_vectors": self.vectors[1:].astype(np.float16),
            "word_idf": self.idf[1:],
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, NDArray[Any]]) -> "WordVectors | None":
        if "word_buckets" not in arrays:
            return None
        return cls(
            np.asarray(arrays["word_buckets"], dtype=np.int64),
            np.asarray(arrays["word_vectors"], dtype=np.float32),
            np.asarray(arrays["word_idf"], dtype=np.float32),
        )


def fit_word_vectors(texts: Sequence[str]) -> WordVectors:
    """Word vectors from the company words keep in `texts` (the order of the texts does
    not matter)."""
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    unique = sorted(set(texts))
    features = featurise(unique)
    doc, word = features.token_row, features.token_column
    known, ids, counts = np.unique(word, return_inverse=True, return_counts=True)
    in_posts = np.bincount(np.unique(ids * len(unique) + doc) // len(unique), minlength=len(known))
    kept = counts >= MIN_COUNT
    renumber = np.cumsum(kept) - 1
    ids = np.where(kept[ids], renumber[ids], -1)
    size = int(kept.sum())
    rows: list[NDArray[np.int64]] = []
    columns: list[NDArray[np.int64]] = []
    weights: list[NDArray[np.float64]] = []
    for distance in range(1, WINDOW + 1):
        pair = (doc[:-distance] == doc[distance:]) & (ids[:-distance] >= 0) & (ids[distance:] >= 0)
        left, right = ids[:-distance][pair], ids[distance:][pair]
        rows += (left, right)
        columns += (right, left)
        weights += [np.full(2 * len(left), 1.0 / distance)]
    together = sparse.coo_array(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(columns))),
        shape=(size, size),
    ).tocsr()
    together.sum_duplicates()
    total = together.sum()
    word_totals = np.asarray(together.sum(axis=1)).ravel()
    context = word_totals**SMOOTHING
    context /= context.sum()
    pairs = together.tocoo()
    information = np.log(pairs.data / total / (word_totals[pairs.row] / total) / context[pairs.col])
    positive = information > 0
    ppmi = sparse.csr_array(
        (information[positive], (pairs.row[positive], pairs.col[positive])), shape=(size, size)
    )
    # A decomposition needs more words than columns: a tiny corpus gets fewer, padded.
    width = min(DIMENSIONS, size - 1)
    if width < 1:
        return WordVectors(
            np.zeros(0, np.int64), np.zeros((0, DIMENSIONS), np.float32), np.zeros(0, np.float32)
        )
    with threadpool_limits(limits=1):
        left_vectors, strengths, _ = randomized_svd(ppmi, width, n_iter=7, random_state=SEED)
    vectors = left_vectors * np.sqrt(strengths)
    # A singular vector's sign is arbitrary: the largest entry of each column is positive.
    largest = np.argmax(np.abs(vectors), axis=0)
    vectors *= np.sign(vectors[largest, np.arange(vectors.shape[1])])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    vectors = np.pad(vectors, ((0, 0), (0, DIMENSIONS - width)))
    idf = np.log((1 + len(unique)) / (1 + in_posts[kept])) + 1.0
    return WordVectors(
        known[kept].astype(np.int64),
        vectors.astype(np.float16).astype(np.float32),
        idf.astype(np.float32),
    )
