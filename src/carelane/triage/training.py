"""Fitting the fast models from labelled posts, and cross-validating them.

Fitting needs scikit-learn and SciPy, the `train` extra (`pip install carelane[train]`,
done by `make train`); running the fitted models needs only numpy and SciPy. Everything is seeded:
the same posts give the same weights, byte for byte.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carelane.triage.artefacts import write_arrays, write_manifest
from carelane.triage.features import DIMENSIONS, featurise
from carelane.triage.label_offsets import tune_offsets
from carelane.triage.labelled import TASK_LABELS, LabelledPost, read_labelled
from carelane.triage.linear import LinearModels, Task
from carelane.triage.models import LINEAR_FILE, MANIFEST_FILE, TriageModels
from carelane.triage.word_vectors import WEIGHT as VECTOR_WEIGHT
from carelane.triage.word_vectors import WINDOW, WordVectors, fit_word_vectors

SEED = 20_150_216
"""Seeds every shuffle, fold and solver: the first day of the airline tweets."""

REGULARISATION = {"sentiment": 4.0, "reason": 4.0, "intent": 8.0}
"""Inverse L2 strength (scikit-learn's C) per task, chosen once, never on test folds."""

OFFSET_FOLDS = 4
"""Inner folds of a task's training posts whose out-of-fold probabilities choose its
label offsets (see `label_offsets`)."""

MACRO_F1_WEIGHT = {"sentiment": 0.0, "reason": 1.0, "intent": 1.0}
"""Each task's decisions get label offsets (see `label_offsets`), chosen for accuracy plus
this much macro-F1: sentiment for accuracy alone (its three labels are all common);
reason and intent also for their rare labels, which macro-F1 counts as much as the
common ones."""

BALANCED = frozenset({"intent"})
"""Tasks whose rare labels (a sales lead, a suggestion) weigh as much in training as the
common ones, so that the model learns to find them at all."""


class TrainingUnavailableError(RuntimeError):
    """The `train` extra (scikit-learn, SciPy) is not installed."""


def _sklearn() -> Any:
    try:
        import scipy.sparse
        import sklearn.linear_model
    except ImportError:
        raise TrainingUnavailableError(
            "training needs scikit-learn and SciPy: install carelane[train] (make train does)"
        ) from None
    return sklearn.linear_model, scipy.sparse


def _one_thread() -> Any:
    """Linear algebra on one thread while a model is fitted: several threads add partial
    sums in an order that varies, and the solver's weights then differ in their last bits
    from one machine (or run) to the next. One thread trains the same bytes anywhere."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # with sklearn

    return threadpool_limits(limits=1)


@dataclass(frozen=True, slots=True)
class Example:
    """A training text, its label for one task, and how much it counts."""

    text: str
    label: str
    weight: float = 1.0


def examples_for(task: str, posts: Sequence[LabelledPost]) -> list[Example]:
    return [Example(p.text, label) for p in posts if (label := p.label(task)) is not None]


def document_frequencies(texts: Sequence[str]) -> NDArray[np.float32]:
    """Smoothed inverse document frequency of every bucket over `texts` (1 where unseen)."""
    features = featurise(texts)
    seen = np.unique(features.row * DIMENSIONS + features.column) % DIMENSIONS
    counts = np.bincount(seen, minlength=DIMENSIONS)
    idf = np.log((1 + len(texts)) / (1 + counts)) + 1.0
    return idf.astype(np.float32)


STACKED = {"intent": ("sentiment", "reason")}
"""Tasks that also learn from other tasks' probabilities: how negative a post is and what
about says much about whether it is a complaint or a question, and the sentiment and
reason models learn it from ten times more posts than intent has."""


def fit_task(
    task: str,
    examples: Sequence[Example],
    idf: NDArray[np.float32],
    inputs: NDArray[np.float64] | None = None,
) -> tuple[tuple[str, ...], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(labels, coefficients (labels x DIMENSIONS), intercepts, input coefficients (labels x
    input columns)) of a multinomial logistic regression of `task` on `examples` and, when
    given, dense `inputs` (one row per example).

    Fitted over the buckets the examples use only (a bucket no example has gets weight 0
    under L2 regularisation anyway), which makes the solver's vectors small."""
    linear_model, sparse = _sklearn()
    labels = tuple(label for label in TASK_LABELS[task] if any(e.label == label for e in examples))
    if len(labels) < 2:
        raise ValueError(f"{task}: needs examples of at least two labels, has {labels}")
    index = {label: i for i, label in enumerate(labels)}
    features = featurise([e.text for e in examples], idf)
    used, compact = np.unique(features.column, return_inverse=True)
    matrix = sparse.csr_matrix(
        (features.value, (features.row, compact)), shape=(features.rows, len(used))
    )
    if inputs is not None:
        matrix = sparse.hstack([matrix, sparse.csr_matrix(inputs)]).tocsr()
    target = np.array([index[e.label] for e in examples])
    model = linear_model.LogisticRegression(
        C=REGULARISATION[task],
        class_weight="balanced" if task in BALANCED else None,
        max_iter=3_000,
        random_state=SEED,
    )
    with _one_thread():
        model.fit(matrix, target, sample_weight=np.array([e.weight for e in examples]))
    coefficients = np.zeros((len(labels), DIMENSIONS))
    coefficients[:, used] = model.coef_[:, : len(used)]
    return labels, coefficients, model.intercept_, model.coef_[:, len(used) :]


def _probabilities_of(
    examples: Sequence[Example],
    idf: NDArray[np.float32],
    fitted: tuple[tuple[str, ...], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    inputs: NDArray[np.float64] | None,
    labels: tuple[str, ...],
) -> NDArray[np.float64]:
    """(examples x `labels`) probabilities of a model `fit_task` fitted (0 for a label
    it had no examples of)."""
    _, sparse = _sklearn()
    own_labels, coefficients, intercepts, input_coefficients = fitted
    features = featurise([e.text for e in examples], idf)
    matrix = sparse.csr_matrix(
        (features.value, (features.row, features.column)), shape=(features.rows, DIMENSIONS)
    )
    scores = np.asarray(matrix @ coefficients.T) + intercepts
    if inputs is not None:
        scores = scores + inputs @ input_coefficients.T
    scores -= scores.max(axis=1, keepdims=True)
    own = np.exp(scores)
    own /= own.sum(axis=1, keepdims=True)
    probabilities = np.zeros((len(examples), len(labels)))
    probabilities[:, [labels.index(label) for label in own_labels]] = own
    return probabilities


def _label_offsets(
    task: str,
    examples: Sequence[Example],
    idf: NDArray[np.float32],
    inputs: NDArray[np.float64] | None,
    labels: tuple[str, ...],
) -> NDArray[np.float64]:
    """Offsets for `labels` (see `label_offsets`) chosen on out-of-fold probabilities of
    `examples`: zeros when a label has too few examples to be spread over the folds."""
    from carelane.triage.actionability import judge_actionable

    counts = [sum(1 for e in examples if e.label == label) for label in labels]
    if min(counts) < OFFSET_FOLDS:
        return np.zeros(len(labels))
    folds = stratified_folds(
        [e.label for e in examples], [str(i) for i in range(len(examples))], OFFSET_FOLDS
    )
    probabilities = np.zeros((len(examples), len(labels)))
    for fold in range(OFFSET_FOLDS):
        fit_on = np.flatnonzero(folds != fold)
        held = np.flatnonzero(folds == fold)
        fitting, holding = fit_on.tolist(), held.tolist()
        fitted = fit_task(
            task, [examples[i] for i in fitting], idf, None if inputs is None else inputs[fit_on]
        )
        probabilities[held] = _probabilities_of(
            [examples[i] for i in holding],
            idf,
            fitted,
            None if inputs is None else inputs[held],
            labels,
        )
    gold = [labels.index(e.label) for e in examples]
    weight = MACRO_F1_WEIGHT[task]
    if "other" not in labels:  # the likeliest label is the decision
        return tune_offsets(probabilities, gold, macro_f1_weight=weight)
    ruled_out = np.array(
        [
            not judge_actionable(
                e.text,
                outbound=False,
                author_handle="",
                brand_handles=frozenset(),
                other_probability=0.0,
            ).actionable
            for e in examples
        ]
    )
    return tune_offsets(probabilities, gold, labels.index("other"), ruled_out, weight)


def _stack_inputs(
    task: str,
    training: Mapping[str, Sequence[Example]],
    idf: NDArray[np.float32],
    vectors: WordVectors | None,
    offsets: Mapping[str, NDArray[np.float64]],
) -> NDArray[np.float64] | None:
    """The probabilities of the tasks `task` is stacked on, for `task`'s examples, from
    models fitted without those examples' texts (so they are as unsure of them as of a
    new post) and shifted by the `offsets` of those tasks' own models (so they are what
    those models will say), or None when a task it needs has no examples."""
    sources = STACKED.get(task, ())
    if not sources or any(not training.get(source) for source in sources):
        return None
    own = {e.text for e in training[task]}
    others = {source: [e for e in training[source] if e.text not in own] for source in sources}
    helpers = fit_linear_models(others, idf, vectors, tuned=False)
    probabilities = helpers.probabilities([e.text for e in training[task]])
    shifted = []
    for source in sources:
        scores = np.log(np.maximum(probabilities[source], 1e-30)) + offsets[source]
        scores -= scores.max(axis=1, keepdims=True)
        shifted.append(np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True))
    return np.hstack(shifted).astype(np.float64)


@dataclass(frozen=True, slots=True)
class _Fitted:
    """One task's model, over all its task's labels (a label without examples never wins)."""

    coefficients: NDArray[np.float64]  # labels x DIMENSIONS
    intercepts: NDArray[np.float64]
    input_coefficients: NDArray[np.float64]  # labels x dense input columns
    offsets: NDArray[np.float64]  # the label offsets the intercepts include
    stacked: bool


def fit_linear_models(
    training: Mapping[str, Sequence[Example]],
    idf: NDArray[np.float32],
    vectors: WordVectors | None = None,
    *,
    tuned: bool = True,
) -> LinearModels:
    """One linear model per task, in one shared table; each also weighs the posts' word
    vectors when `vectors` are given, and tasks in `STACKED` the probabilities of the
    tasks they are stacked on (fitted after them). `tuned`: with label offsets."""
    fitted: dict[str, _Fitted] = {}
    for name in sorted(training, key=lambda task: (task in STACKED, task)):
        offsets = {task: model.offsets for task, model in fitted.items()}
        stacked = _stack_inputs(name, training, idf, vectors, offsets)
        parts = [] if vectors is None else [_post_vectors(training[name], idf, vectors)]
        parts += [] if stacked is None else [stacked]
        inputs = np.hstack(parts) if parts else None
        labels, coef, intercept, input_coef = fit_task(name, training[name], idf, inputs)
        offset = np.zeros(len(labels))
        if tuned and name in MACRO_F1_WEIGHT:
            offset = _label_offsets(name, training[name], idf, inputs, labels)
        full_labels = TASK_LABELS[name]
        # Labels without examples get a column that never wins.
        full = _Fitted(
            np.zeros((len(full_labels), DIMENSIONS)),
            np.full(len(full_labels), -30.0),
            np.zeros((len(full_labels), input_coef.shape[1])),
            np.zeros(len(full_labels)),
            stacked is not None,
        )
        for i, label in enumerate(labels):
            row = full_labels.index(label)
            full.coefficients[row] = coef[i]
            full.intercepts[row] = intercept[i] + offset[i]
            full.input_coefficients[row] = input_coef[i]
            full.offsets[row] = offset[i]
        fitted[name] = full
    return _shared_table(fitted, idf, vectors)


def _shared_table(
    fitted: Mapping[str, _Fitted], idf: NDArray[np.float32], vectors: WordVectors | None
) -> LinearModels:
    """The tasks' models as one `LinearModels`, tasks in name order."""
    width = 0 if vectors is None else vectors.width
    tasks: list[Task] = []
    stacks: dict[str, tuple[tuple[str, ...], NDArray[np.float32]]] = {}
    column = 0
    for name in sorted(fitted):
        model = fitted[name]
        if model.stacked:
            stacks[name] = (STACKED[name], model.input_coefficients[:, width:].T.astype(np.float32))
        tasks.append(Task(name, TASK_LABELS[name], column))
        column += len(TASK_LABELS[name])
    ordered = [fitted[name] for name in sorted(fitted)]
    table = np.vstack([model.coefficients for model in ordered]).T  # DIMENSIONS x all labels
    buckets = np.flatnonzero(np.any(table != 0, axis=1))
    vector_weights = np.vstack([model.input_coefficients[:, :width] for model in ordered]).T
    return LinearModels(
        tasks,
        buckets.astype(np.int64),
        table[buckets].astype(np.float32),
        np.concatenate([model.intercepts for model in ordered]).astype(np.float32),
        idf[buckets],
        stacks=stacks,
        vectors=vectors,
        vector_weights=None if vectors is None else vector_weights.astype(np.float32),
    )


def _post_vectors(
    examples: Sequence[Example], idf: NDArray[np.float32], vectors: WordVectors
) -> NDArray[np.float64]:
    """The examples' post vectors, as triage will compute them."""
    return vectors.of(featurise([e.text for e in examples], idf)).astype(np.float64)


def stratified_folds(labels: Sequence[str], groups: Sequence[str], k: int = 5) -> NDArray[np.int64]:
    """A fold number per item: labels spread evenly over the folds, a group never split."""
    rng = np.random.default_rng(SEED)
    first_label: dict[str, str] = {}
    for label, group in zip(labels, groups, strict=True):
        first_label.setdefault(group, label)
    by_label: dict[str, list[str]] = {}
    for group, label in first_label.items():
        by_label.setdefault(label, []).append(group)
    fold_of_group: dict[str, int] = {}
    offset = 0
    for label in sorted(by_label):
        members = by_label[label]
        for position, index in enumerate(rng.permutation(len(members))):
            fold_of_group[members[index]] = (offset + position) % k
        offset += len(members)
    return np.array([fold_of_group[g] for g in groups], dtype=np.int64)


def read_training_posts(data_dir: Path) -> list[LabelledPost]:
    """Every labelled post of the data folder's training files."""
    return [post for name in TRAINING_FILES for post in read_labelled(data_dir / name)]


def read_unlabelled_texts(data_dir: Path) -> list[str]:
    """Every post's text in the data folder's data sets that are there, labelled or not,
    agents' turns included: what the word vectors learn from."""
    from carelane.ingest.readers.sources import read_texts

    return read_texts(data_dir) + [p.text for p in read_training_posts(data_dir)]


def cross_validate(
    posts: Sequence[LabelledPost], k: int = 5, unlabelled: Sequence[str] = ()
) -> dict[str, tuple[list[str], list[str]]]:
    """(gold, predicted) per task over `k` folds of `posts`.

    The folds are drawn once for all tasks: a post (a tweet id) labelled for several tasks
    is in the same fold for each, so no text is ever trained on for one task and tested
    on for another. Each fold's models are fitted on the other folds only (document
    frequencies and word vectors included: the vectors learn from `unlabelled` and the
    training posts, never from a text of the fold), and its posts are triaged as
    `carelane eval` triages them.
    """
    from carelane.triage.evaluation import evaluate_posts

    keys = [p.intent or f"{p.sentiment}:{p.reason or ''}" for p in posts]
    folds = stratified_folds(keys, [p.group for p in posts], k)
    results: dict[str, tuple[list[str], list[str]]] = {}
    for fold in range(k):
        train = [p for p, f in zip(posts, folds, strict=True) if f != fold]
        test = [p for p, f in zip(posts, folds, strict=True) if f == fold]
        idf = document_frequencies([p.text for p in train])
        held = {p.text for p in test}
        vectors = fit_word_vectors(
            [text for text in unlabelled if text not in held] + [p.text for p in train]
        )
        linear = fit_linear_models(training_examples(train), idf, vectors)
        models = TriageModels(f"fold-{fold}", linear, {})
        for task, (gold, predicted) in evaluate_posts(test, models).items():
            into = results.setdefault(task, ([], []))
            into[0].extend(gold)
            into[1].extend(predicted)
    return results


TRAINING_FILES = ("airline_tweets.csv", "intent_labels.csv")
"""The labelled data sets of the data folder the models learn from."""

CORRECTION_WEIGHT = 3.0
"""How much an agent's correction counts against one crowd-labelled example: an agent
who knows the brand and saw the whole conversation is worth more than one label."""


@dataclass(frozen=True, slots=True)
class Correction:
    """An agent's correction of one post's label for one task."""

    text: str
    task: str
    label: str


def training_examples(
    posts: Sequence[LabelledPost], corrections: Sequence[Correction] = ()
) -> dict[str, list[Example]]:
    """Each task's examples: the labelled posts, then the agents' corrections."""
    examples = {task: examples_for(task, posts) for task in TASK_LABELS}
    for correction in corrections:
        if correction.task in examples and correction.label in TASK_LABELS[correction.task]:
            examples[correction.task].append(
                Example(correction.text, correction.label, CORRECTION_WEIGHT)
            )
    return examples


def train_models(
    data_dir: Path, folder: Path, corrections: Sequence[Correction] = ()
) -> dict[str, Any]:
    """Fit every model from the data folder's labelled files and the corrections (the word
    vectors from all its posts), and write them to `folder`; the manifest written."""
    from carelane.ingest.readers.sources import SOURCES

    posts = read_training_posts(data_dir)
    used = sorted({*TRAINING_FILES, *(source.file_name for source in SOURCES.values())})
    trained_on = {
        name: hashlib.sha256((data_dir / name).read_bytes()).hexdigest()
        for name in used
        if (data_dir / name).exists()
    }
    examples = training_examples(posts, corrections)
    idf = document_frequencies([p.text for p in posts])
    vectors = fit_word_vectors(read_unlabelled_texts(data_dir) + [c.text for c in corrections])
    models = fit_linear_models(examples, idf, vectors)
    folder.mkdir(parents=True, exist_ok=True)
    write_arrays(folder / LINEAR_FILE, models.to_arrays())
    manifest = {
        "tasks": [
            {
                "name": t.name,
                "labels": list(t.labels),
                "first_column": t.first_column,
                "stacked_on": list(models.stacks[t.name][0]) if t.name in models.stacks else [],
            }
            for t in models.tasks.values()
        ],
        "trained_on": trained_on,
        "examples": {task: len(items) for task, items in examples.items()},
        "corrections": len(corrections),
        "seed": SEED,
        "regularisation": REGULARISATION,
        "word_vectors": {
            "words": len(vectors.buckets),
            "dimensions": vectors.width,
            "window": WINDOW,
            "weight": VECTOR_WEIGHT,
        },
    }
    write_manifest(folder / MANIFEST_FILE, manifest)
    return manifest
