"""The fast classifiers: linear models over hashed n-gram features, scored in numpy.

Every task's model (sentiment, reason, intent) shares one table: a row per feature
bucket any model uses, a column per (task, label). Scoring a batch is one gather of the
batch's feature rows from the table and one sum per post, whatever the number of tasks.
A stacked task (intent) also weighs the other tasks' probabilities, and every task the
post's word vector (`word_vectors`) when the models have one: a small matrix product each.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from carelane.triage.features import DIMENSIONS, Features, featurise
from carelane.triage.word_vectors import WordVectors


@dataclass(frozen=True, slots=True)
class Task:
    """One classification task: its labels and its columns in the shared table."""

    name: str
    labels: tuple[str, ...]
    first_column: int

    @property
    def columns(self) -> slice:
        return slice(self.first_column, self.first_column + len(self.labels))


class LinearModels:
    """Linear models for several tasks over the same features.

    `buckets` are the feature buckets with weights (sorted); `weights[i, j]` is the weight
    of bucket `buckets[i]` for table column j; `bias[j]` each column's intercept; `idf[i]`
    the inverse document frequency of `buckets[i]` (1 for a bucket without one);
    `vector_weights[k, j]` the weight of the post vector's column k (`vectors`) for table
    column j.
    """

    def __init__(
        self,
        tasks: Sequence[Task],
        buckets: NDArray[np.int64],
        weights: NDArray[np.float32],
        bias: NDArray[np.float32],
        idf: NDArray[np.float32],
        *,
        stacks: Mapping[str, tuple[tuple[str, ...], NDArray[np.float32]]] | None = None,
        vectors: WordVectors | None = None,
        vector_weights: NDArray[np.float32] | None = None,
    ) -> None:
        self.tasks = {task.name: task for task in tasks}
        self.stacks = dict(stacks or {})
        for name, (sources, matrix) in self.stacks.items():
            width = sum(len(self.tasks[source].labels) for source in sources)
            if matrix.shape != (width, len(self.tasks[name].labels)) or name in sources:
                raise ValueError(f"{name}: stacked weights {matrix.shape} do not fit {sources}")
        width = sum(len(task.labels) for task in tasks)
        if weights.shape != (len(buckets), width) or bias.shape != (width,):
            raise ValueError(
                f"weights {weights.shape} and bias {bias.shape} do not fit "
                f"{len(buckets)} buckets x {width} labels"
            )
        if (vectors is None) != (vector_weights is None) or (
            vectors is not None
            and vector_weights is not None
            and vector_weights.shape != (vectors.width, width)
        ):
            raise ValueError("word vectors and their weights come together, and must fit")
        self.vectors = vectors
        self._vector_weights = None if vector_weights is None else vector_weights.astype(np.float32)
        # Row 0 of the table is all zeros, for buckets no model knows.
        self._row_of = np.zeros(DIMENSIONS, dtype=np.int32)
        self._row_of[buckets] = np.arange(1, len(buckets) + 1, dtype=np.int32)
        self._weights = np.vstack([np.zeros((1, width), np.float32), weights.astype(np.float32)])
        self._bias = bias.astype(np.float32)
        self._idf = np.ones(DIMENSIONS, dtype=np.float32)
        self._idf[buckets] = idf

    def probabilities(self, texts: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        """For each task, a (posts x labels) array of probabilities."""
        return self.probabilities_of(featurise(texts, self._idf))

    def probabilities_of(self, features: Features) -> dict[str, NDArray[np.float32]]:
        """Each task's probabilities; a stacked task adds what the probabilities of the
        tasks it is stacked on say to its own scores."""
        scores = self.scores_of(features)
        probabilities = {
            name: _softmax(scores[:, task.columns])
            for name, task in self.tasks.items()
            if name not in self.stacks
        }
        for name, (sources, matrix) in self.stacks.items():
            inputs = np.hstack([probabilities[source] for source in sources])
            probabilities[name] = _softmax(scores[:, self.tasks[name].columns] + inputs @ matrix)
        return probabilities

    def scores_of(self, features: Features) -> NDArray[np.float32]:
        """The raw (posts x table columns) scores of featurised posts: one sparse product
        of the batch's (post, table row) coordinates with the table."""
        batch = sparse.coo_array(
            (features.value, (features.row, self._row_of[features.column])),
            shape=(features.rows, len(self._weights)),
        )
        scores: NDArray[np.float32] = np.asarray(batch @ self._weights, dtype=np.float32)
        scores += self._bias
        if self.vectors is not None and self._vector_weights is not None:
            scores += self.vectors.of(features) @ self._vector_weights
        return scores

    def to_arrays(self) -> dict[str, NDArray[np.generic]]:
        """The arrays `from_arrays` rebuilds the models from."""
        buckets = np.flatnonzero(self._row_of).astype(np.int64)
        return {
            "buckets": buckets,
            "weights": self._weights[self._row_of[buckets]].astype(np.float16),
            "bias": self._bias,
            "idf": self._idf[buckets],
            **{f"stack_{name}": matrix for name, (_, matrix) in self.stacks.items()},
            **(
                {**self.vectors.to_arrays(), "vector_weights": self._vector_weights}
                if self.vectors is not None and self._vector_weights is not None
                else {}
            ),
        }

    @classmethod
    def from_arrays(
        cls,
        tasks: Sequence[Task],
        arrays: Mapping[str, NDArray[np.generic]],
        stacked_on: Mapping[str, Sequence[str]] | None = None,
    ) -> "LinearModels":
        return cls(
            tasks,
            np.asarray(arrays["buckets"], dtype=np.int64),
            np.asarray(arrays["weights"], dtype=np.float32),
            np.asarray(arrays["bias"], dtype=np.float32),
            np.asarray(arrays["idf"], dtype=np.float32),
            stacks={
                name: (tuple(sources), np.asarray(arrays[f"stack_{name}"], dtype=np.float32))
                for name, sources in (stacked_on or {}).items()
                if sources
            },
            vectors=WordVectors.from_arrays(dict(arrays)),
            vector_weights=(
                np.asarray(arrays["vector_weights"], dtype=np.float32)
                if "vector_weights" in arrays
                else None
            ),
        )


def _softmax(scores: NDArray[np.float32]) -> NDArray[np.float32]:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    result: NDArray[np.float32] = shifted / shifted.sum(axis=1, keepdims=True)
    return result
