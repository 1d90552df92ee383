"""The trained models triage uses, as shipped in this package or trained anew.

A models folder holds `linear.npz` (the fast linear models, see `linear`) and
`manifest.json` (the tasks and their labels, what they were trained on and how well they
did). The version is a digest of the files: it changes exactly when a model does, and
every stored triage records it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carelane.triage.artefacts import digest, read_arrays, read_manifest
from carelane.triage.linear import LinearModels, Task

LINEAR_FILE = "linear.npz"
MANIFEST_FILE = "manifest.json"


class ModelsMissingError(RuntimeError):
    """No trained models where they were looked for."""


@dataclass(frozen=True, slots=True)
class TriageModels:
    """Classifiers for sentiment, reason and intent, and the version they carry."""

    version: str
    linear: LinearModels
    manifest: dict[str, Any]

    def labels(self, task: str) -> tuple[str, ...]:
        return self.linear.tasks[task].labels

    def probabilities(self, texts: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        """For each task, a (posts x labels) array of probabilities."""
        return self.linear.probabilities(texts)


def load_models(folder: Path) -> TriageModels:
    """The models stored in `folder`."""
    linear_path, manifest_path = folder / LINEAR_FILE, folder / MANIFEST_FILE
    if not linear_path.exists() or not manifest_path.exists():
        raise ModelsMissingError(
            f"no trained models in {folder}: run `carelane train` (make train) to build them"
        )
    manifest = read_manifest(manifest_path)
    tasks = [Task(t["name"], tuple(t["labels"]), t["first_column"]) for t in manifest["tasks"]]
    stacked_on = {t["name"]: t.get("stacked_on", []) for t in manifest["tasks"]}
    linear = LinearModels.from_arrays(tasks, read_arrays(linear_path), stacked_on)
    return TriageModels(f"linear-{digest(linear_path)}", linear, manifest)


def shipped_models_folder() -> Path:
    """Where the models that ship with carelane are."""
    with as_file(files("carelane.triage") / "models") as folder:
        return Path(folder)


@cache
def shipped_models() -> TriageModels:
    """The models that ship with carelane, loaded once per process."""
    return load_models(shipped_models_folder())
