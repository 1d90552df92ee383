"""Each post's nearest example of each lane category that has example posts.

Similarities come as a (posts x examples) array, the examples category by category: the
category with slot k owns the columns from `starts[k]` to the next start. A post's
`NearestExamples` holds, by slot, its similarity to the category's nearest example and
which example that is (from 1), worked out for a whole batch at once.

Most posts of a batch are near no example: `nearest_to_decide` gives all of them one
shared answer, similarities of -inf, with which a lane decision comes out exactly as with
the real ones (an example places a post only when its similarity reaches the category's
threshold), and nothing is built for them.
"""

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray


class NearestExamples(NamedTuple):
    """A post's similarity to each example category's nearest example, and which example
    that is (from 1), by the category's slot."""

    similarity: tuple[float, ...]
    closest: tuple[int, ...]


def nearest_examples(
    starts: NDArray[np.intp], similarities: NDArray[np.float32]
) -> list[NearestExamples]:
    """Each row's nearest example of each example category (whose columns begin at
    `starts`)."""
    if not len(starts):
        return [NearestExamples((), ()) for _ in range(len(similarities))]
    best: list[tuple[float, ...]] = [
        tuple(row) for row in np.maximum.reduceat(similarities, starts, axis=1).tolist()
    ]
    stops = [*starts[1:].tolist(), similarities.shape[1]]
    closest = np.stack(
        [
            np.argmax(similarities[:, start:stop], axis=1) + 1
            for start, stop in zip(starts.tolist(), stops, strict=True)
        ],
        axis=1,
    ).tolist()
    return [
        NearestExamples(row_best, tuple(row_closest))
        for row_best, row_closest in zip(best, closest, strict=True)
    ]


def nearest_to_decide(
    starts: NDArray[np.intp], least: Sequence[float], similarities: NDArray[np.float32]
) -> list[NearestExamples]:
    """What `nearest_examples` gives, but every row whose nearest example of each category
    is below the category's threshold (`least`, by slot) shares one answer of -inf."""
    if not len(starts):
        return nearest_examples(starts, similarities)
    best = np.maximum.reduceat(similarities, starts, axis=1)
    near = np.flatnonzero((best >= np.asarray(least, dtype=np.float32)).any(axis=1))
    far = NearestExamples((-math.inf,) * len(starts), (0,) * len(starts))
    found: list[NearestExamples] = [far] * len(similarities)
    for row, nearest in zip(
        near.tolist(), nearest_examples(starts, similarities[near]), strict=True
    ):
        found[row] = nearest
    return found
