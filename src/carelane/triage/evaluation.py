"""How well triage labels posts whose labels are known: `carelane eval FILE`.

The labels compared are the ones triage decides, not a model's bare output: intent comes
after the actionability rules (a retweet is `other` whatever its words), sentiment is the
sentiment model's, and the reason is the reason model's best guess for every post that
has a gold reason (so `reason` counts only those rows).
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from carelane.triage.engine import PostToTriage, WorkspaceTriage, triage_posts
from carelane.triage.labelled import LabelledPost, read_labelled
from carelane.triage.metrics import Report, score
from carelane.triage.models import TriageModels

TASKS = ("sentiment", "reason", "intent")

_BATCH = 1_024


def predict(texts: Sequence[str], models: TriageModels) -> dict[str, list[str]]:
    """Triage's sentiment, reason and intent for each text."""
    predicted: dict[str, list[str]] = {task: [] for task in TASKS}
    workspace = WorkspaceTriage()
    reasons = models.labels("reason")
    for start in range(0, len(texts), _BATCH):
        chunk = texts[start : start + _BATCH]
        triages = triage_posts([PostToTriage(text=t) for t in chunk], workspace, models)
        predicted["sentiment"] += [t.sentiment.value for t in triages]
        predicted["intent"] += [t.intent.value for t in triages]
        why = models.probabilities(chunk)["reason"]
        predicted["reason"] += [reasons[int(i)] for i in np.argmax(why, axis=1)]
    return predicted


def evaluate_posts(
    posts: Sequence[LabelledPost], models: TriageModels
) -> dict[str, tuple[list[str], list[str]]]:
    """(gold, predicted) for each task the posts have labels for."""
    predicted = predict([p.text for p in posts], models)
    pairs: dict[str, tuple[list[str], list[str]]] = {}
    for task in TASKS:
        for post, guess in zip(posts, predicted[task], strict=True):
            gold = post.label(task)
            if gold is not None:
                into = pairs.setdefault(task, ([], []))
                into[0].append(gold)
                into[1].append(guess)
    return pairs


def evaluate(posts: Sequence[LabelledPost], models: TriageModels) -> list[Report]:
    """A report for each task the posts have labels for."""
    return [score(task, *pairs) for task, pairs in evaluate_posts(posts, models).items()]


def evaluate_file(path: Path, models: TriageModels) -> list[Report]:
    """`evaluate` over a labelled CSV file (airline tweets or intent labels format)."""
    return evaluate(read_labelled(path), models)
