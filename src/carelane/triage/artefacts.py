"""Model artefacts on disk: numpy arrays in a zip of `.npy` files, and a JSON manifest.

No pickle anywhere: arrays are read with `allow_pickle=False`, and the manifest is plain
JSON. Files are written byte for byte the same for the same arrays (fixed timestamps and
order), so training twice on the same data gives the same artefact and the same version.
"""

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_arrays(path: Path, arrays: Mapping[str, NDArray[Any]]) -> None:
    """Write `arrays` to `path` (a .npz numpy can read), deterministically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            array = np.ascontiguousarray(arrays[name])
            if array.dtype.hasobject:
                raise ValueError(f"{name}: object arrays cannot be stored without pickle")
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    path.write_bytes(buffer.getvalue())


def read_arrays(path: Path) -> dict[str, NDArray[Any]]:
    """The arrays `write_arrays` wrote."""
    with np.load(path, allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_manifest(path: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def digest(*paths: Path) -> str:
    """A short hex digest of the files' bytes, in order: the models' version."""
    hasher = hashlib.sha256()
    for path in paths:
        hasher.update(path.read_bytes())
    return hasher.hexdigest()[:12]
