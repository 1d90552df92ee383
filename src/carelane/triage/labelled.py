"""Labelled posts: the real data sets' labels, in the shape training and evaluation use.

Two CSV formats carry labels: the airline tweets (`airline_sentiment`, `negativereason`)
and the intent labels (`intent`). A file in either format gives one `LabelledPost` per
row with the labels it has; a row without text or with a label outside the task's set is
reported with its line number, not guessed at.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from carelane.domain.triage import Intent, Sentiment

REASONS = (
    "Bad Flight",
    "Can't Tell",
    "Cancelled Flight",
    "Customer Service Issue",
    "Damaged Luggage",
    "Flight Attendant Complaints",
    "Flight Booking Problems",
    "Late Flight",
    "Lost Luggage",
    "longlines",
)
"""The airline data's ten reasons behind a negative tweet."""

TASK_LABELS: dict[str, tuple[str, ...]] = {
    "sentiment": tuple(s.value for s in Sentiment),
    "reason": REASONS,
    "intent": tuple(i.value for i in Intent),
}


class LabelledFileError(ValueError):
    """A labelled file that cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class LabelledPost:
    """A post's text, where it came from, and whichever labels its file gives it."""

    text: str
    where: str  # file:line
    sentiment: str | None = None
    reason: str | None = None
    intent: str | None = None
    group: str = ""  # posts of one group (e.g. one tweet id) stay in one fold

    def label(self, task: str) -> str | None:
        value: str | None = getattr(self, task)
        return value


def read_labelled(path: Path) -> list[LabelledPost]:
    """Every row of a labelled CSV file in the airline or the intent format."""
    return list(_rows(path))


def _rows(path: Path) -> Iterator[LabelledPost]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            if "text" not in columns or not columns & {"airline_sentiment", "intent"}:
                raise LabelledFileError(
                    f"{path}: not a labelled file: it needs a `text` column and "
                    "`airline_sentiment` (airline tweets) or `intent` (intent labels)"
                )
            for row in reader:
                yield _post(path, reader.line_num, row)
    except UnicodeDecodeError as error:
        raise LabelledFileError(f"{path}: not UTF-8 text ({error.reason})") from None
    except csv.Error as error:
        raise LabelledFileError(f"{path}: {error}") from None


def _post(path: Path, line: int, row: dict[str, str | None]) -> LabelledPost:
    where = f"{path.name}:{line}"
    text = row.get("text") or ""
    if not text.strip():
        raise LabelledFileError(f"{where}: text: is empty")
    labels: dict[str, str | None] = {}
    for task, column in (
        ("sentiment", "airline_sentiment"),
        ("reason", "negativereason"),
        ("intent", "intent"),
    ):
        value = (row.get(column) or "").strip()
        if not value:
            continue
        if value not in TASK_LABELS[task]:
            allowed = ", ".join(TASK_LABELS[task])
            raise LabelledFileError(f"{where}: {column}: {value!r} is not one of {allowed}")
        labels[task] = value
    group = (row.get("tweet_id") or row.get("id") or "").strip() or where
    return LabelledPost(text=text, where=where, group=group, **labels)
