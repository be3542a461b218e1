"""A learner's program as something to step: one line, or one turn of a loop, at a time.

``ProgramStepper`` holds one ``Run`` of a program and its ``steps()``; ``advance()`` makes the
next stride (a line, or the rest of an iteration: up to the next time a loop comes round or
the end) and says whether the run has ended. ``frame()`` is what the panels show, from one
``Moment`` of the run. It is what the app's run driver steps in its thread worker; nothing
here imports textual.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gradtui.engine.program.budgets import Budgets
from gradtui.engine.program.program import Program
from gradtui.engine.program.run import Run, RunResult, Step
from gradtui.engine.program.snapshot import Moment

ENDS = frozenset({"end", "error", "stopped"})
LINE, ITERATION, TO_END = "line", "iteration", "end"


@dataclass(frozen=True)
class LoopFrame:
    """The run at one moment: the last step made (None before the first), the moment (None
    before the run began), the result once the run has ended, or why it could not begin."""

    step: Step | None
    moment: Moment | None
    result: RunResult | None
    strides: int  # advance() calls made: lines or iterations
    failure: str = ""

    @property
    def ended(self) -> bool:
        return self.result is not None or bool(self.failure)


Inputs = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


class ProgramStepper:
    """One run of ``program`` (with ``inputs``), stepped a line or an iteration at a time.

    ``inputs`` may be a function that makes them (loading a data set): it is called by the
    first ``advance()``, on the thread that steps, and what it raises ends the run as
    ``failure``.
    """

    def __init__(
        self,
        program: Program,
        inputs: Inputs | None = None,
        budgets: Budgets | None = None,
    ):
        self.program = program
        self.inputs = inputs
        self.budgets = budgets
        self.cancelled = threading.Event()
        self.run: Run | None = None
        self._steps: Any = None  # kept: closing it early would cancel the run
        self.last: Step | None = None
        self.failure = ""
        self.strides: deque[str] = deque()  # what the queued single steps are (line/iteration)
        self.advances = 0

    @property
    def result(self) -> RunResult | None:
        """How the run ended (None while it can go on)."""
        return self.run.result if self.run is not None else None

    @property
    def ended(self) -> bool:
        return bool(self.failure) or (self.last is not None and self.last.kind in ENDS)

    def resume_clock(self) -> None:
        """Nothing to do: the run's clock runs only while a statement does."""

    def cancel(self) -> None:
        """Stop the run at once (any thread): it ends as stopped by the learner."""
        self.cancelled.set()

    def fail(self, error: BaseException) -> None:
        """End the run because of ``error`` (a fault outside the program)."""
        self.cancelled.set()
        if self._steps is not None and not self.ended:
            for step in self._steps:
                self.last = step
        if not self.ended:
            self.failure = f"the run failed: {type(error).__name__}: {error}"

    def _begin(self) -> bool:
        """Make the run (and its inputs); False when they cannot be made."""
        try:
            inputs = self.inputs() if callable(self.inputs) else self.inputs
        except (ValueError, OSError) as err:  # a data set that is missing or unreadable
            self.failure = str(err)
            return False
        self.run = Run(self.program, inputs, self.budgets, self.cancelled)
        self._steps = self.run.steps()
        return True

    def advance(self) -> bool:
        """One stride: a line, or (queued as ``iteration``) up to the next time a loop comes
        round, or (``end``) to the end; True once the run has ended."""
        if self.ended or (self.run is None and not self._begin()):
            return True
        stride = self.strides.popleft() if self.strides else LINE
        self.advances += 1
        moved = False
        for step in self._steps:
            self.last = step
            if step.kind in ENDS:
                return True
            if stride == LINE or (stride == ITERATION and step.kind == "repeat" and moved):
                return False
            moved = moved or step.kind != "repeat"
        return True

    def frame(self) -> LoopFrame:
        """The run now (between two steps, on the thread that steps it)."""
        moment = self.run.moment() if self.run is not None else None
        return LoopFrame(self.last, moment, self.result, self.advances, self.failure)

    def close(self) -> None:
        """End the run (a reset): cancelled if it was still going."""
        if self._steps is not None:
            self._steps.close()
