"""The seven steps of learning, run one iteration at a time and reported as records.

1 init the weights, 2 predict, 3 loss, 4 gradients (``loss.backward()``), 5 step
(``p -= p.grad * lr`` under ``torch.no_grad()``, then zero the grad), 6 repeat, 7 stop.
``Stepper`` is that plain loop, line for line (see its docstring).

Record ``i`` holds the parameters, the loss and the grads *before* update ``i``; a run ends
with one ``Stop`` holding the reason and the final parameters and loss.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from gradtui.engine.training.problem import Problem

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


class State(NamedTuple):
    """What torch holds right after ``loss.backward()`` at the parameters as they are now.

    ``grads`` is each ``p.grad`` as torch holds it: this step's gradient, plus every earlier
    one when the grads are not zeroed (None: the loss does not depend on that parameter).
    (A tuple: made once a step, it should cost next to nothing.)
    """

    loss: float
    params: dict[str, Any]
    grads: dict[str, Any]


class Stepper:
    """Runs the seven steps on a ``Problem``; ``lr`` may change between steps.

    Each ``step()`` is this loop's body, in PyTorch's own words::

        loss = f(params)                  # 2 predict, 3 loss (done at the end of the last step)
        loss.backward()                   # 4 gradients
        if a stop rule fires: stop        # 7 stop
        with torch.no_grad():
            for p in params:
                p -= p.grad * lr          # 5 step
                p.grad.zero_()            #   (unless zero_grad is off)
        # 6 repeat: loss = f(params); loss.backward() at the new values

    Steps 2-4 for the new values run at the end of a step, so that between steps ``now()``
    holds what torch holds there: the loss and each ``.grad`` right after ``backward()``.
    """

    def __init__(
        self,
        problem: Problem,
        lr: float,
        rules: StopRules | None = None,
        zero_grad: bool = True,
    ):
        import torch

        self.problem = problem
        self.lr = lr
        self.rules = rules or StopRules()
        self.zero_grad = zero_grad
        built = problem.build()  # step 1: init the weights
        self.params = built.params
        self.compute_loss = built.current_loss  # steps 2 and 3: f(params) as they are now
        self.loss: Any = None  # the latest loss tensor, after its backward()
        self._no_grad = torch.no_grad
        self.step_index = 0
        self.stopped: Stop | None = None
        self.elapsed = 0.0
        self._now: State | BaseException | None = None  # see now()
        self._scale: float | None = None  # max(|first loss|, 1): divergence is relative to it
        self._prev_loss: float | None = None
        self._rises = 0
        self._tick: float | None = None

    def values(self) -> dict[str, Any]:
        """Current parameter values as Python numbers/lists."""
        return {n: p.tolist() for n, p in self.params.items()}  # tolist needs no detach

    def now(self) -> State | BaseException:
        """Steps 2-4 at the parameters as they are now: the ``State``, or why they failed."""
        if self._now is None:
            self._now = self._gradients()
        return self._now

    def resume_clock(self) -> None:
        """Start counting running time from now (call when a run starts or resumes)."""
        self._tick = time.perf_counter()

    def step(self) -> StepRecord | Stop:
        """Step 5 once (after steps 2-4), or the ``Stop`` if a rule fires first (then always
        that ``Stop``)."""
        if self.stopped is not None:
            return self.stopped
        now = time.perf_counter()
        if self._tick is not None:
            self.elapsed += now - self._tick
        self._tick = now
        state = self._now if self._now is not None else self.now()
        if isinstance(state, BaseException):
            return self.fail(state)
        stop = self._check(state.loss)
        if stop is not None:
            return stop
        lr, zero = self.lr, self.zero_grad
        try:
            with self._no_grad():  # step 5: nothing here is part of the next graph
                for p in self.params.values():
                    if p.grad is None:  # the loss does not depend on this parameter
                        continue
                    p -= p.grad * lr
                    if zero:
                        p.grad.zero_()
        except Exception as err:  # any failure ends the run with its reason, never a crash
            return self.fail(err)
        record = StepRecord(self.step_index, state.params, state.loss, state.grads, lr)
        self.step_index += 1  # step 6: repeat
        self._now = self._gradients()
        if isinstance(self._now, BaseException):  # steps 2-4 failed at the new values
            self.fail(self._now)
        return record

    def _gradients(self) -> State | BaseException:
        """Steps 2-4: ``loss = f(params)``, ``loss.backward()``, and what torch then holds
        (or the error that stopped them: the run ends with it)."""
        try:
            loss = self.compute_loss()
            value = loss.item()
            loss.backward()
            params, grads = {}, {}
            for n, p in self.params.items():
                params[n] = p.tolist()
                grad = p.grad
                grads[n] = None if grad is None else grad.tolist()
        except Exception as err:  # any failure is kept, never a crash
            return err
        self.loss = loss
        return State(value, params, grads)

    def fail(self, error: BaseException) -> Stop:
        """End the run because of ``error``: a ``Stop`` with reason ``error`` and the message."""
        from gradtui.engine.training.torch_errors import explain

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
        scale = self._scale
        if scale is None:
            scale = self._scale = max(abs(loss), 1.0)
        if abs(loss) > rules.diverge_factor * scale:
            return self._stop(
                "diverged", f"|loss| = {loss:.4g} is over {rules.diverge_factor:g}x the start", loss
            )
        target = rules.target
        if target is not None and loss <= target:
            return self._stop("target", f"loss {loss:.4g} <= target {target:g}", loss)
        previous, self._prev_loss = self._prev_loss, loss
        self._rises = self._rises + 1 if previous is not None and loss > previous else 0
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
