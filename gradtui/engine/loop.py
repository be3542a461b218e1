"""The seven steps of learning, run one iteration at a time and reported as records.

1 init the weights, 2 predict, 3 loss, 4 gradients (``loss.backward()``), 5 step
(``p -= p.grad * lr`` under ``torch.no_grad()``, then zero the grad), 6 repeat, 7 stop.
The numbers are exactly those of that plain loop; how it gets them is leaner (see
``engine.backward`` and the comments in ``Stepper``).

Record ``i`` holds the parameters, the loss and the grads *before* update ``i``; a run ends
with one ``Stop`` holding the reason and the final parameters and loss.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gradtui.engine.backward import scalar_backward
from gradtui.engine.problem import Problem

SEVEN_STEPS = ("init", "predict", "loss", "gradient", "step", "repeat", "stop")
STOP_REASONS = ("max_steps", "target", "worse", "time", "diverged", "error")
STOP_WORDS = {
    "max_steps": "out of steps",
    "target": "good enough",
    "worse": "getting worse",
    "time": "out of time",
    "diverged": "diverged",
    "error": "error",
}


@dataclass(frozen=True)
class StopRules:
    """When to stop: any rule that is set may fire; divergence is always watched.

    ``max_steps``: number of updates; ``target``: stop once loss <= target; ``patience``: stop
    after the loss rose this many steps in a row; ``time_budget``: seconds of running;
    ``diverge_factor``: the loss is called diverged once non-finite or once ``|loss|`` exceeds
    this factor times ``max(|first loss|, 1)``.
    """

    max_steps: int | None = 100
    target: float | None = None
    patience: int | None = None
    time_budget: float | None = None
    diverge_factor: float = 1e4


def stop_rule_error(name: str, value: float) -> str | None:
    """Why this ``patience`` or ``time_budget`` cannot be used (e.g. ``must be 1 or more``).

    The command line, the app's form and lesson files all ask this one question, so they
    refuse the same values with the same words.
    """
    if name == "patience" and not value >= 1:
        return "must be 1 or more (the rises in a row that stop the run)"
    if name == "time_budget" and not value > 0:
        return "must be more than 0 seconds"
    return None


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One iteration: parameters, loss and grads before the update, and the lr used."""

    step: int
    params: dict[str, Any]
    loss: float
    grads: dict[str, Any]
    lr: float


@dataclass(frozen=True, slots=True)
class Stop:
    """The end of a run: why (one of ``STOP_REASONS``), in words, and where it ended."""

    reason: str
    message: str
    steps: int
    params: dict[str, Any]
    loss: float


class Stepper:
    """Runs the seven steps on a ``Problem``; ``lr`` may change between steps."""

    def __init__(
        self,
        problem: Problem,
        lr: float,
        rules: StopRules | None = None,
        zero_grad: bool = True,
    ):
        self.problem = problem
        self.lr = lr
        self.rules = rules or StopRules()
        self.zero_grad = zero_grad
        built = problem.build()  # step 1: init the weights
        self.params = built.params
        self._current_loss = built.current_loss
        self._backward = scalar_backward()
        # Step 5 writes through a detached alias of each parameter: the same storage and
        # version counter, but nothing for autograd to record, so the update needs no
        # ``torch.no_grad()`` (whose Python context manager costs a tenth of an x**2 step).
        self._slots = tuple((n, p, p.detach()) for n, p in self.params.items())
        self.step_index = 0
        self.stopped: Stop | None = None
        self.elapsed = 0.0
        self._first_loss: float | None = None
        self._prev_loss: float | None = None
        self._rises = 0
        self._tick: float | None = None

    def values(self) -> dict[str, Any]:
        """Current parameter values as Python numbers/lists."""
        return {n: p.tolist() for n, p in self.params.items()}  # tolist needs no detach

    def resume_clock(self) -> None:
        """Start counting running time from now (call when a run starts or resumes)."""
        self._tick = time.perf_counter()

    def step(self) -> StepRecord | Stop:
        """Steps 2-5 once, or the ``Stop`` if a rule fires first (then always that ``Stop``)."""
        if self.stopped is not None:
            return self.stopped
        now = time.perf_counter()
        if self._tick is not None:
            self.elapsed += now - self._tick
        self._tick = now
        try:
            loss = self._current_loss()  # steps 2 and 3
            value = loss.item()
            stop = self._check(value)
            if stop is not None:
                return stop
            self._backward(loss)  # step 4: loss.backward()
            values, grads = {}, {}
            lr, zero = self.lr, self.zero_grad
            # One pass records each parameter and its grad, then updates it (step 5): a
            # parameter's update touches only itself, so every record is still "before".
            for n, p, alias in self._slots:
                values[n] = p.tolist()
                grad = p.grad
                if grad is None:  # the loss does not depend on this parameter
                    grads[n] = None
                    continue
                grads[n] = grad.tolist()
                if zero:  # the grad is zeroed next anyway: scale it in place, no new tensor
                    alias -= grad.mul_(lr)  # p -= p.grad * lr, bit for bit
                    grad.zero_()
                else:
                    alias -= grad * lr
            record = StepRecord(self.step_index, values, value, grads, lr)
        except Exception as err:  # any failure ends the run with its reason, never a crash
            return self.fail(err)
        self.step_index += 1
        return record

    def fail(self, error: BaseException) -> Stop:
        """End the run because of ``error``: a ``Stop`` with reason ``error`` and the message."""
        from gradtui.engine.probe import explain

        message = f"{type(error).__name__}: {error}"
        plain = explain(error)
        detail = f"{message}\n{plain}" if plain else message
        try:
            return self._stop("error", detail, math.nan)
        except Exception:  # the parameters cannot even be read back
            self.stopped = Stop(
                "error", f"{STOP_WORDS['error']}: {detail}", self.step_index, {}, math.nan
            )
            return self.stopped

    def run(self) -> Iterator[StepRecord | Stop]:
        """Step until a rule fires; yields every record, then the ``Stop``."""
        self.resume_clock()
        while True:
            result = self.step()
            yield result
            if isinstance(result, Stop):
                return

    def _check(self, loss: float) -> Stop | None:
        rules = self.rules
        if not math.isfinite(loss):
            return self._stop("diverged", f"the loss became {loss}", loss)
        if self._first_loss is None:
            self._first_loss = loss
        limit = rules.diverge_factor * max(abs(self._first_loss), 1.0)
        if abs(loss) > limit:
            return self._stop(
                "diverged", f"|loss| = {loss:.4g} is over {rules.diverge_factor:g}x the start", loss
            )
        if rules.target is not None and loss <= rules.target:
            return self._stop("target", f"loss {loss:.4g} <= target {rules.target:g}", loss)
        if self._prev_loss is not None and loss > self._prev_loss:
            self._rises += 1
        else:
            self._rises = 0
        self._prev_loss = loss
        if rules.patience and self._rises >= rules.patience:
            return self._stop("worse", f"the loss rose {self._rises} steps in a row", loss)
        if rules.time_budget is not None and self.elapsed >= rules.time_budget:
            return self._stop("time", f"ran for {self.elapsed:.2f} s", loss)
        if rules.max_steps is not None and self.step_index >= rules.max_steps:
            return self._stop("max_steps", f"made {self.step_index} steps", loss)
        return None

    def _stop(self, reason: str, detail: str, loss: float) -> Stop:
        message = f"{STOP_WORDS[reason]}: {detail}"
        self.stopped = Stop(reason, message, self.step_index, self.values(), loss)
        return self.stopped
