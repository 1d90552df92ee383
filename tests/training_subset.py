"""A small slice of the labelled data sets, for tests that train models in seconds."""

import csv
from pathlib import Path

from carelane.triage.training import TRAINING_FILES


def write_training_subset(data_dir: Path, folder: Path, rows: int = 200) -> Path:
    """The first `rows` rows of each training file of `data_dir`, written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in TRAINING_FILES:
        with (data_dir / name).open(encoding="utf-8", newline="") as source:
            reader = csv.reader(source)
            kept = [row for _, row in zip(range(rows + 1), reader, strict=False)]
        with (folder / name).open("w", encoding="utf-8", newline="") as target:
            csv.writer(target).writerows(kept)
    return folder
