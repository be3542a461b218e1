"""Fashion-MNIST on disk: where to find the four files, and the pullover-vs-dress subset.

Folders are searched in this order: the one given (``--data DIR``), ``$GRADTUI_DATA``, the
user data folder (where ``gradtui data fetch fashion-mnist`` puts them), then the Debian
package ``dataset-fashion-mnist``. A folder counts when it holds the four files, directly or in
a ``fashion-mnist`` subfolder. Nothing here touches the network.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gradtui.io.idx import IdxError, read_idx
from gradtui.io.paths import data_home

NAME = "fashion-mnist"
ENV_DATA = "GRADTUI_DATA"
FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
SYSTEM_DIRS = (Path("/usr/share/datasets/fashion-mnist"),)
PULLOVER, DRESS = 2, 3  # Fashion-MNIST class numbers
CLASS_NAMES = {PULLOVER: "pullover", DRESS: "dress"}

HOW_TO_GET = f"""\
Fashion-MNIST was not found. Get it in one of these ways:
  sudo apt install dataset-fashion-mnist        (Debian/Ubuntu: no download by gradtui)
  gradtui data fetch fashion-mnist              (downloads the four files, about 30 MB)
or point gradtui at a folder holding the four files ({", ".join(FILES.values())}):
  gradtui fit --example pullover-dress --data DIR,  or  {ENV_DATA}=DIR gradtui"""


class DataNotFound(ValueError):
    """No folder holds the data set; the message says where gradtui looked and what to do."""


@dataclass(frozen=True)
class PulloverDress:
    """Images as rows of 784 floats in [0, 1]; targets 1 for a pullover, 0 for a dress."""

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    folder: Path

    @property
    def side(self) -> int:
        """Images are ``side`` × ``side`` pixels."""
        return int(round(self.train_x.shape[1] ** 0.5))


def fetch_dir() -> Path:
    """Where ``data fetch`` saves the files: the user data folder's ``fashion-mnist``."""
    return data_home() / NAME


def candidate_dirs(explicit: Path | str | None = None) -> list[tuple[str, Path]]:
    """Every folder searched, in order, with what it came from."""
    found: list[tuple[str, Path]] = []
    if explicit is not None:
        found.append(("--data", Path(explicit).expanduser()))
    env = os.environ.get(ENV_DATA)
    if env:
        found.append((f"${ENV_DATA}", Path(env).expanduser()))
    found.append(("user data folder", fetch_dir()))
    found.extend(("Debian package", d) for d in SYSTEM_DIRS)
    return found


def holds_files(folder: Path) -> Path | None:
    """``folder`` or its ``fashion-mnist`` subfolder, if it has the four files."""
    for place in (folder, folder / NAME):
        if all((place / name).is_file() for name in FILES.values()):
            return place
    return None


def find_data(explicit: Path | str | None = None) -> Path:
    """The first folder holding the four files; ``DataNotFound`` says where it looked.

    A folder given explicitly must hold them: it is never skipped for another.
    """
    looked = []
    for origin, folder in candidate_dirs(explicit):
        place = holds_files(folder)
        if place is not None:
            return place
        looked.append(f"  {folder}  ({origin})")
        if origin == "--data":
            missing = [n for n in FILES.values() if not (folder / n).is_file()]
            raise DataNotFound(
                f"{folder} does not hold the Fashion-MNIST files (missing: {', '.join(missing)})"
                f"\n\n{HOW_TO_GET}"
            )
    raise DataNotFound(HOW_TO_GET + "\nLooked in:\n" + "\n".join(looked))


def load_pullover_dress(explicit: Path | str | None = None) -> PulloverDress:
    """The pullover and dress images of the train and test sets (read once, then cached)."""
    folder = find_data(explicit)
    stamp = tuple((folder / n).stat().st_mtime_ns for n in FILES.values())
    return _load(folder.resolve(), stamp)


@functools.lru_cache(maxsize=2)
def _load(folder: Path, stamp: tuple[int, ...]) -> PulloverDress:
    arrays = {key: read_idx(folder / name) for key, name in FILES.items()}
    parts = []
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise IdxError(
                f"{folder / FILES[split + '_images']}: shape {images.shape} does not match "
                f"{len(labels)} labels (expected N x 28 x 28 images and N labels)"
            )
        keep = (labels == PULLOVER) | (labels == DRESS)
        if not keep.any():
            raise IdxError(f"{folder}: the {split} set has no pullovers or dresses")
        x = images[keep].reshape(int(keep.sum()), -1).astype(np.float32) / 255.0
        y = (labels[keep] == PULLOVER).astype(np.float32)
        parts += [x, y]
    return PulloverDress(*parts, folder=folder)
