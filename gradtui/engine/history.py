"""A bounded record of a run for plotting: memory stays flat however long the run goes."""

from __future__ import annotations

from collections import deque

MAX_POINTS = 2000
TRAIL = 30


class LossHistory:
    """(step, loss) pairs, halved by dropping every other point whenever full.

    The first and latest points are always kept; older regions end up sampled more
    sparsely, which is what a loss plot shows anyway.
    """

    def __init__(self, max_points: int = MAX_POINTS):
        self.max_points = max_points
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.trail: deque[float] = deque(maxlen=TRAIL)
        self._stride = 1
        self._count = 0

    def add(self, step: int, loss: float, position: float | None = None) -> None:
        """Add a step (keeps 1 of every ``stride`` steps once decimation started)."""
        if position is not None:
            self.trail.append(position)
        self._count += 1
        if (self._count - 1) % self._stride:
            return
        self.steps.append(step)
        self.losses.append(loss)
        if len(self.steps) >= self.max_points:
            self.steps = self.steps[::2]
            self.losses = self.losses[::2]
            self._stride *= 2

    def clear(self) -> None:
        """Forget everything (a reset)."""
        self.__init__(self.max_points)

    def __len__(self) -> int:
        return len(self.steps)
