"""Mini-batches for programs: ``DataLoader`` and ``TensorDataset`` as torch.utils.data has them.

The same batches, in the same order, as torch's classes with ``batch_size``, ``shuffle`` and
``drop_last`` (a shuffle draws from torch's random generator exactly as torch's sampler does,
so ``torch.manual_seed`` fixes both alike), without worker processes, pinned memory or file
access. Lessons hand them to programs (``dl``, ``valid_dl``); programs can make their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


class TensorDataset:
    """Rows of several tensors of the same length: item ``i`` is ``(x[i], y[i], ...)``."""

    def __init__(self, *tensors: Any):
        import torch

        if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
            raise TypeError("TensorDataset takes tensors")
        if any(t.dim() == 0 for t in tensors):
            raise ValueError("TensorDataset's tensors need at least one dimension")
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise ValueError("Size mismatch between tensors")
        self.tensors = tuple(tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __getitem__(self, index: Any) -> tuple[Any, ...]:
        return tuple(t[index] for t in self.tensors)

    def __repr__(self) -> str:
        return f"<TensorDataset of {len(self):,} rows>"


class DataLoader:
    """Batches of a dataset (a ``TensorDataset``, a tensor, or a list of ``(x, y)`` pairs).

    ``seed``: shuffle with a generator of its own instead of torch's global one (lessons
    use it so that a learner's random draws do not change the batches).
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
    ):
        import torch

        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not (isinstance(dataset, TensorDataset | torch.Tensor | list | tuple)):
            raise TypeError("a DataLoader takes a TensorDataset, a tensor or a list of rows")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.seed = seed

    def __len__(self) -> int:
        n, size = len(self.dataset), self.batch_size
        return n // size if self.drop_last else -(-n // size)

    def __repr__(self) -> str:
        return f"<DataLoader: {len(self):,} batches of {self.batch_size}>"

    def __iter__(self) -> Iterator[Any]:
        import torch

        # torch's loader draws a base seed for its workers when an iteration starts, from
        # the global generator: draw it too, so later random numbers match torch's.
        torch.empty((), dtype=torch.int64).random_()
        return self._batches()

    def _batches(self) -> Iterator[Any]:
        import torch

        n = len(self.dataset)
        order: Any = None
        if self.shuffle:
            generator = torch.Generator()
            if self.seed is None:  # as torch's RandomSampler: a seed from the global generator
                generator.manual_seed(int(torch.empty((), dtype=torch.int64).random_().item()))
            else:
                generator.manual_seed(self.seed)
            order = torch.randperm(n, generator=generator)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, n)
            index = slice(start, end) if order is None else order[start:end]
            yield self._batch(index)

    def _batch(self, index: Any) -> Any:
        data = self.dataset
        if isinstance(data, TensorDataset):
            return list(data[index])  # torch's collate makes a list of a batch of pairs
        if not isinstance(data, list | tuple):  # a tensor
            return data[index]
        rows = data[index] if isinstance(index, slice) else [data[i] for i in index.tolist()]
        return collate(rows)


def collate(rows: Sequence[Any]) -> Any:
    """Rows to one batch, as torch's ``default_collate``: tensors stacked, numbers in a tensor,
    pairs field by field (into a list, as torch does)."""
    import torch

    first = rows[0]
    if isinstance(first, torch.Tensor):
        return torch.stack(list(rows))
    if isinstance(first, bool | int):
        return torch.tensor(rows)
    if isinstance(first, float):
        return torch.tensor(rows, dtype=torch.float64)
    if isinstance(first, tuple | list):
        if any(len(row) != len(first) for row in rows):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [collate([row[i] for row in rows]) for i in range(len(first))]
    raise TypeError(f"a batch holds tensors, numbers or pairs of them, not {type(first).__name__}")
