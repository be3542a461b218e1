"""Step-by-step records of a run, kept so that it can be scrubbed back and forth.

``ReplayBuffer`` keeps the latest steps in full (parameters and grads), within a step count
and a budget of numbers, so a long run on a long vector never grows memory without bound.
Older steps are dropped, and the buffer says how many, so the UI can tell the learner.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from gradtui.engine.training.loop import StepRecord

MAX_STEPS = 1000
MAX_NUMBERS = 500_000  # parameters plus grads, summed over the kept steps
TRAIL = 30


@dataclass(frozen=True)
class ReplayFrame:
    """The state at ``step`` (0 … ``total``): parameters before that step's update.

    ``previous`` is the update that led here (None at step 0 or when it is no longer kept);
    ``record`` the step's own record (None at ``total``: the run's current state).
    """

    step: int
    total: int
    first_kept: int
    params: dict[str, Any]
    previous: StepRecord | None
    record: StepRecord | None

    @property
    def is_latest(self) -> bool:
        return self.step == self.total


class ReplayBuffer:
    """The last steps of a run in full; ``frame(i, now)`` rebuilds the state at step i."""

    def __init__(self, max_steps: int = MAX_STEPS, max_numbers: int = MAX_NUMBERS):
        self.max_steps = max_steps
        self.max_numbers = max_numbers
        self._records: deque[StepRecord] = deque()
        self._next = 0  # the step the next record should have

    def add(self, record: StepRecord) -> None:
        """Keep ``record``; the oldest ones go when a limit is passed (the newest always stays)."""
        if record.step != self._next or not self._records:  # a new run (or a gap): start over
            # Every step of a run has the same shapes, so its first record sets how many fit.
            self._records = deque(maxlen=steps_that_fit(record, self.max_steps, self.max_numbers))
        self._records.append(record)
        self._next = record.step + 1

    def clear(self) -> None:
        """Forget the run (a reset)."""
        self._records.clear()
        self._next = 0

    @property
    def total(self) -> int:
        """Steps made: the state after them is step ``total``."""
        return self._next

    @property
    def first_kept(self) -> int:
        """The earliest step that can be shown (``total`` when nothing is kept)."""
        return self._records[0].step if self._records else self._next

    @property
    def kept(self) -> int:
        return len(self._records)

    def clamp(self, step: int) -> int:
        """``step`` moved into the range that can be shown."""
        return max(self.first_kept, min(self.total, step))

    def record(self, step: int) -> StepRecord | None:
        """The record of ``step`` if it is kept."""
        index = step - self.first_kept
        if 0 <= index < len(self._records):
            return self._records[index]
        return None

    def frame(self, step: int, current: dict[str, Any]) -> ReplayFrame:
        """The state at ``step`` (clamped); ``current`` is the state after the last step."""
        step = self.clamp(step)
        record = self.record(step)
        params = record.params if record is not None else current
        return ReplayFrame(step, self.total, self.first_kept, params, self.record(step - 1), record)

    def trail(self, name: str, step: int, length: int = TRAIL) -> list[float]:
        """The values of scalar parameter ``name`` at the kept steps just before ``step``."""
        start = max(self.first_kept, step - length)
        values = []
        for s in range(start, min(step, self.total)):
            value = self._records[s - self.first_kept].params.get(name)
            if isinstance(value, float | int):
                values.append(float(value))
        return values


def steps_that_fit(record: StepRecord, max_steps: int, max_numbers: int = MAX_NUMBERS) -> int:
    """How many records of a run like ``record`` may be kept: as many as fit in
    ``max_numbers`` numbers of parameters and grads, at least 1 and at most ``max_steps``.

    The one rule for every place that keeps a run's records (replay, the command line).
    """
    return max(1, min(max_steps, max_numbers // max(numbers_per_step(record), 1)))


def numbers_per_step(record: StepRecord) -> int:
    """The numbers one record holds: its parameters and their grads."""
    return _count(record.params) + _count(record.grads)


def _count(values: dict[str, Any]) -> int:
    return sum(len(v) if isinstance(v, list) else 1 for v in values.values())
