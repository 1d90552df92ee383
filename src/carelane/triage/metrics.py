"""Classification quality: accuracy, macro-F1, per-class precision and recall, confusion."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClassScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Report:
    """How predictions of one task compare with the gold labels."""

    task: str
    labels: tuple[str, ...]
    accuracy: float
    macro_f1: float
    n: int
    classes: tuple[ClassScores, ...]
    confusion: tuple[tuple[int, ...], ...]  # rows: gold label; columns: predicted label

    def summary(self) -> str:
        """`TASK accuracy=0.xxx macro_f1=0.xxx n=N`."""
        return f"{self.task} accuracy={self.accuracy:.3f} macro_f1={self.macro_f1:.3f} n={self.n}"

    def f1_of(self, label: str) -> float:
        return next(c.f1 for c in self.classes if c.label == label)

    def details(self) -> list[str]:
        """Per-class precision, recall, F1 and support, then the confusion matrix."""
        width = max([len("label"), *(len(label) for label in self.labels)])
        lines = [f"  {'label':<{width}}  precision  recall     f1  support"]
        lines += [
            f"  {c.label:<{width}}  {c.precision:9.3f}  {c.recall:6.3f}  {c.f1:5.3f}"
            f"  {c.support:7d}"
            for c in self.classes
        ]
        cell = max(5, *(len(str(v)) for row in self.confusion for v in row))
        short = [label[:cell] for label in self.labels]
        lines.append("  confusion (rows gold, columns predicted):")
        lines.append(f"  {'':<{width}}  " + " ".join(f"{s:>{cell}}" for s in short))
        lines += [
            f"  {label:<{width}}  " + " ".join(f"{v:>{cell}}" for v in row)
            for label, row in zip(self.labels, self.confusion, strict=True)
        ]
        return lines


def score(task: str, gold: Sequence[str], predicted: Sequence[str]) -> Report:
    """The report for `predicted` against `gold` (same length, same order).

    Macro-F1 averages over the labels that occur in `gold`; a label only predicted still
    shows in the confusion matrix and lowers the precision of nothing but itself.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    labels = tuple(sorted(set(gold) | set(predicted)))
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        confusion[index[g]][index[p]] += 1
    classes = []
    for i, label in enumerate(labels):
        true_positive = confusion[i][i]
        predicted_as = sum(row[i] for row in confusion)
        support = sum(confusion[i])
        precision = true_positive / predicted_as if predicted_as else 0.0
        recall = true_positive / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        classes.append(ClassScores(label, precision, recall, f1, support))
    in_gold = [c for c in classes if c.support]
    n = len(gold)
    return Report(
        task=task,
        labels=labels,
        accuracy=sum(confusion[i][i] for i in range(len(labels))) / n if n else 0.0,
        macro_f1=sum(c.f1 for c in in_gold) / len(in_gold) if in_gold else 0.0,
        n=n,
        classes=tuple(classes),
        confusion=tuple(tuple(row) for row in confusion),
    )
