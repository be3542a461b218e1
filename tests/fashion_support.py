"""Small Fashion-MNIST look-alikes in the real IDX format, so no test needs the real data."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from gradtui.io.fashion import FILES
from gradtui.io.idx import encode_idx


def fake_images(labels: np.ndarray, seed: int) -> np.ndarray:
    """28×28 uint8 images: pullovers wide (sleeves), dresses tall and narrow, other classes
    a small square; every pixel with noise."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 90, size=(len(labels), 28, 28)).astype(np.int32)
    for i, label in enumerate(labels):
        shift = rng.integers(-2, 3)
        if label == 2:  # pullover
            images[i, 6 + shift : 20 + shift, 3:25] += 150
        elif label == 3:  # dress
            images[i, 2:27, 10 + shift : 18 + shift] += 150
        else:
            images[i, 10:18, 10:18] += 150
    return images.clip(0, 255).astype(np.uint8)


def write_fashion(folder: Path, train_per_class: int = 300, test_per_class: int = 100) -> Path:
    """The four ``.gz`` IDX files in ``folder``: pullovers (2), dresses (3) and some of class 0."""
    folder.mkdir(parents=True, exist_ok=True)
    for split, per_class, seed in (("train", train_per_class, 1), ("test", test_per_class, 2)):
        labels = np.array([2, 3, 0] * per_class, dtype=np.uint8)
        images = fake_images(labels, seed)
        prefix = "train" if split == "train" else "test"
        (folder / FILES[f"{prefix}_images"]).write_bytes(gzip.compress(encode_idx(images)))
        (folder / FILES[f"{prefix}_labels"]).write_bytes(gzip.compress(encode_idx(labels)))
    return folder
