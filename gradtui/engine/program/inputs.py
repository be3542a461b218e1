"""Data a lesson hands to a program: named input sets such as ``pullover-dress``.

A code task names its input set (``inputs = "pullover-dress"``); the program then starts with
that set's names bound (``dl`` and ``valid_dl``), as fastbook's notebook has them by the time
it writes the training loop. ``loading_source`` is the same data built in plain Python, for an
exported script. Making the tensors imports torch; naming the sets does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BATCH_SIZE = 256


@dataclass(frozen=True)
class InputSet:
    """A named set of inputs: the names it binds and what they are, in a sentence."""

    name: str
    names: tuple[str, ...]
    description: str


INPUT_SETS: dict[str, InputSet] = {
    "pullover-dress": InputSet(
        "pullover-dress",
        ("dl", "valid_dl"),
        "Fashion-MNIST pullovers (target 1) and dresses (target 0): dl gives the 12,000 "
        f"training images in batches of {BATCH_SIZE} as (xb, yb), xb of shape (256, 784) with "
        "pixels from 0 to 1 and yb of shape (256, 1); valid_dl the 2,000 test images",
    ),
}


def input_names(name: str) -> tuple[str, ...]:
    """The names input set ``name`` binds (``()`` for none)."""
    return INPUT_SETS[name].names if name else ()


def make_inputs(name: str) -> dict[str, Any]:
    """The values of input set ``name`` (``{}`` for ''); ``DataNotFound`` when its data is
    missing (the message says how to get it)."""
    if not name:
        return {}
    return _MAKERS[name]()


def _pullover_dress() -> dict[str, Any]:
    import torch

    from gradtui.engine.program.data import DataLoader, TensorDataset
    from gradtui.io.fashion import load_pullover_dress

    data = load_pullover_dress()
    train = TensorDataset(
        torch.from_numpy(data.train_x), torch.from_numpy(data.train_y).unsqueeze(1)
    )
    valid = TensorDataset(torch.from_numpy(data.test_x), torch.from_numpy(data.test_y).unsqueeze(1))
    return {
        "dl": DataLoader(train, batch_size=BATCH_SIZE),
        "valid_dl": DataLoader(valid, batch_size=BATCH_SIZE),
    }


_MAKERS: dict[str, Callable[[], dict[str, Any]]] = {"pullover-dress": _pullover_dress}


def loading_source(name: str) -> list[str]:
    """Plain Python lines that bind input set ``name``'s names to the same values."""
    if not name:
        return []
    from gradtui.io.fashion import find_data

    folder = find_data()
    return [
        "# The data: Fashion-MNIST's pullovers (target 1) and dresses (target 0), as gradtui",
        "# hands them to the program. The folder is where gradtui found the four files.",
        f"DATA = pathlib.Path({str(folder.resolve())!r})",
        "",
        "",
        "def read_idx(name):",
        "    raw = gzip.decompress((DATA / name).read_bytes())",
        "    dims = raw[3]",
        '    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]',
        "    return numpy.frombuffer(raw, dtype=numpy.uint8, offset=4 + 4 * dims).reshape(shape)",
        "",
        "",
        "def pullovers_and_dresses(images, labels):",
        "    x, y = read_idx(images), read_idx(labels)",
        "    keep = (y == 2) | (y == 3)",
        "    xs = torch.from_numpy(x[keep].reshape(-1, 28 * 28).astype(numpy.float32) / 255.0)",
        "    ys = torch.from_numpy((y[keep] == 2).astype(numpy.float32)).unsqueeze(1)",
        "    return TensorDataset(xs, ys)",
        "",
        "",
        "dl = DataLoader(",
        '    pullovers_and_dresses("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),',
        f"    batch_size={BATCH_SIZE},",
        ")",
        "valid_dl = DataLoader(",
        '    pullovers_and_dresses("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),',
        f"    batch_size={BATCH_SIZE},",
        ")",
        "",
    ]


LOADING_IMPORTS = {"pullover-dress": ("import gzip", "import pathlib", "", "import numpy")}
