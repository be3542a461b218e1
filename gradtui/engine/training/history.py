"""Bounded records of a run for plotting: memory stays flat however long the run goes."""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

MAX_POINTS = 2000
TRAIL = 30

T = TypeVar("T")


class Thinned(Generic[T]):
    """Items of a run, halved by dropping every other one whenever full.

    The first item is always kept, and from then on one of every ``stride`` items, where the
    stride doubles at each halving: the kept items stay evenly spaced over the whole run.
    """

    def __init__(self, max_items: int = MAX_POINTS):
        self.max_items = max_items
        self.items: list[T] = []
        self._stride = 1
        self._count = 0

    def add(self, item: T) -> None:
        """Offer an item; it is kept when it falls on the current stride."""
        self._count += 1
        if (self._count - 1) % self._stride:
            return
        self.items.append(item)
        if len(self.items) >= self.max_items:
            self.items = self.items[::2]
            self._stride *= 2

    @property
    def offered(self) -> int:
        """How many items were offered (kept or not)."""
        return self._count

    @property
    def stride(self) -> int:
        """One of every ``stride`` offered items is kept."""
        return self._stride

    def __len__(self) -> int:
        return len(self.items)


class LossHistory:
    """(step, loss) pairs for the loss plot, thinned, plus the trail of recent positions.

    ``steps`` and ``losses`` always end with the latest pair added, even when thinning did not
    keep it: the plot shows the current loss.
    """

    def __init__(self, max_points: int = MAX_POINTS):
        self.max_points = max_points
        self._points: Thinned[tuple[int, float]] = Thinned(max_points)
        self.last: tuple[int, float] | None = None
        self.trail: deque[float] = deque(maxlen=TRAIL)

    def add(self, step: int, loss: float) -> None:
        """Add a step's loss (the plot keeps an evenly thinned sample of all steps)."""
        self._points.add((step, loss))
        self.last = (step, loss)

    def pairs(self) -> list[tuple[int, float]]:
        """The kept (step, loss) pairs, ending with the latest one."""
        kept = list(self._points.items)
        if self.last is not None and (not kept or kept[-1] != self.last):
            kept.append(self.last)
        return kept

    @property
    def steps(self) -> list[int]:
        return [step for step, _ in self.pairs()]

    @property
    def losses(self) -> list[float]:
        return [loss for _, loss in self.pairs()]

    def clear(self) -> None:
        """Forget everything (a reset)."""
        self.__init__(self.max_points)

    def __len__(self) -> int:
        return len(self.pairs())
