"""Per-label offsets that tune how triage turns a model's probabilities into a decision.

For intent, triage calls a post `other` when that probability reaches one half (or a
rule rules the post out) and otherwise takes the likeliest of the intents care acts on;
for sentiment and reason it takes the likeliest label. A model fitted for likelihood
does not put those boundaries where the decisions are best: the rare labels (a
suggestion, a sales lead, damaged luggage, long lines) are seldom the likeliest, `other`
seldom reaches one half, and a regularised model leans to the commonest label (a
negative tweet). An offset per label, added to the label's score (so to the model's
intercept, at no cost when triaging), moves them. The offsets are chosen on out-of-fold
probabilities of the training posts only: the highest accuracy plus `macro_f1_weight`
times macro-F1 that keeps their accuracy at least that of no offsets.
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

OFFSET_GRID = tuple(float(v) for v in np.arange(-2.0, 3.01, 0.25))
"""The offsets tried for each label, in log-odds."""

PASSES = 3
"""Rounds of trying every label's offsets in turn, each from the best offsets so far."""


def decide(
    log_probabilities: NDArray[np.float64],
    offsets: NDArray[np.float64],
    other: int | None = None,
    ruled_out: NDArray[np.bool_] | None = None,
) -> NDArray[np.int64]:
    """Each post's label as triage decides it once `offsets` are added to the scores:
    without `other`, the likeliest; with it, `other` when ruled out or when its
    probability is one half or more, else the likeliest other label."""
    scores = log_probabilities + offsets
    if other is None:
        likeliest: NDArray[np.int64] = np.argmax(scores, axis=1).astype(np.int64)
        return likeliest
    scores -= scores.max(axis=1, keepdims=True)
    probabilities = np.exp(scores)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    acted = probabilities.copy()
    acted[:, other] = -1.0
    decided: NDArray[np.int64] = np.argmax(acted, axis=1).astype(np.int64)
    half = probabilities[:, other] >= 0.5
    decided[half if ruled_out is None else half | ruled_out] = other
    return decided


def accuracy_and_macro_f1(
    gold: NDArray[np.int64], decided: NDArray[np.int64]
) -> tuple[float, float]:
    """Accuracy, and the F1 averaged over the labels in `gold`."""
    f1s = []
    for label in np.unique(gold):
        hits = int(np.sum((decided == label) & (gold == label)))
        called, actual = int(np.sum(decided == label)), int(np.sum(gold == label))
        precision = hits / called if called else 0.0
        recall = hits / actual
        f1s.append(2 * precision * recall / (precision + recall) if hits else 0.0)
    return float(np.mean(decided == gold)), float(np.mean(f1s))


def tune_offsets(
    probabilities: NDArray[np.float64],
    gold: Sequence[int],
    other: int | None = None,
    ruled_out: NDArray[np.bool_] | None = None,
    macro_f1_weight: float = 1.0,
) -> NDArray[np.float64]:
    """Offsets per label that make accuracy plus `macro_f1_weight` times macro-F1 of the
    decisions on `probabilities` (out-of-fold, one row per post, `gold` its labels; see
    `decide` for `other` and `ruled_out`) highest without lowering their accuracy below
    that of no offsets, found one label at a time over `OFFSET_GRID`. Only a strict gain
    moves an offset, so the search is deterministic and keeps 0 where nothing is
    better."""
    log_probabilities = np.log(np.maximum(probabilities, 1e-12))
    truth = np.asarray(gold, dtype=np.int64)
    offsets = np.zeros(probabilities.shape[1])
    floor, macro_f1 = accuracy_and_macro_f1(
        truth, decide(log_probabilities, offsets, other, ruled_out)
    )
    best = floor + macro_f1_weight * macro_f1
    for _ in range(PASSES):
        improved = False
        for label in range(len(offsets)):
            for value in OFFSET_GRID:
                trial = offsets.copy()
                trial[label] = value
                accuracy, macro_f1 = accuracy_and_macro_f1(
                    truth, decide(log_probabilities, trial, other, ruled_out)
                )
                gain = accuracy + macro_f1_weight * macro_f1
                if accuracy >= floor and gain > best + 1e-12:
                    best, offsets, improved = gain, trial, True
        if not improved:
            break
    return offsets
