"""One run of the seven steps, and what torch holds after each step: its ``Snapshot``.

``Run`` drives a ``Stepper`` and keeps what the panels need over time: the loss at every step
(thinned on long runs, the current one always in), the trail of earlier positions and the
replay buffer. ``snapshot()`` is the run now; ``at(step)`` is a kept step of it, for replay.
Every panel draws from one snapshot, so what is on screen belongs to one step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from gradtui.engine.training.history import LossHistory
from gradtui.engine.training.loop import Stepper, StepRecord, Stop
from gradtui.engine.training.problem import scalar_param
from gradtui.engine.training.replay import ReplayBuffer


@dataclass(frozen=True, slots=True)
class Replayed:
    """Where a replayed snapshot sits: ``total`` steps made, the earliest ``first_kept``."""

    total: int
    first_kept: int
    kept: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The run after ``step`` updates, as torch holds it.

    ``params`` are the parameters and ``grads`` each ``.grad`` right after ``loss.backward()``
    at them: this step's gradient, plus the earlier ones when ``zero_grad`` is off. ``loss``
    is that loss, ``grad_fn`` its node's name (None when the loss is a parameter itself) and
    ``dtype`` its dtype. When steps 2-4 failed here, ``error`` says why and ``loss`` is nan.

    ``previous`` is the update that led here (None at step 0, or when replay no longer keeps
    it); ``steps``/``losses`` the loss at every kept step up to and including this one;
    ``trail`` the earlier positions of a scalar parameter; ``phase`` one of
    ``SEVEN_STEPS`` (``init`` before any update, ``repeat`` between steps, ``stop``); ``stop``
    why the run ended, once it has; ``replayed`` is set on a replayed snapshot.
    """

    step: int
    params: dict[str, Any]
    grads: dict[str, Any]
    loss: float
    lr: float
    phase: str
    zero_grad: bool
    steps: tuple[int, ...] = ()
    losses: tuple[float, ...] = ()
    grad_fn: str | None = None
    dtype: str = "float32"
    previous: StepRecord | None = None
    trail: tuple[float, ...] = ()
    stop: Stop | None = None
    error: BaseException | None = None
    replayed: Replayed | None = None


class Run:
    """A stepper and its history: ``advance()`` one step, ``snapshot()`` the state now."""

    def __init__(self, stepper: Stepper, history: LossHistory | None = None):
        self.stepper = stepper
        self.problem = stepper.problem
        self.history = history or LossHistory()
        self.replay = ReplayBuffer()
        self.previous: StepRecord | None = None
        self.scalar = scalar_param(self.problem, stepper.values())
        self._seen(stepper.now())

    @property
    def stopped(self) -> Stop | None:
        return self.stepper.stopped

    def resume_clock(self) -> None:
        """Running time counts from now (a run starts or resumes)."""
        self.stepper.resume_clock()

    def fail(self, error: BaseException) -> None:
        """End the run because of ``error`` (its ``Stop`` says so)."""
        self.stepper.fail(error)

    def advance(self) -> bool:
        """One step of the seven (steps 2-4 at the new values included); True once stopped."""
        result = self.stepper.step()
        if isinstance(result, Stop):
            return True
        self.previous = result
        self.replay.add(result)
        if self.scalar is not None:
            self.history.trail.append(result.params[self.scalar])
        self._seen(self.stepper.now())
        return False

    def _seen(self, state: Any) -> None:
        if not isinstance(state, BaseException):
            self.history.add(self.stepper.step_index, state.loss)

    def snapshot(self) -> Snapshot:
        """What torch holds now (after ``step_index`` updates)."""
        stepper = self.stepper
        state, stop = stepper.now(), stepper.stopped
        if isinstance(state, BaseException):
            error, params, grads, loss = state, stepper.values(), {}, math.nan
        else:
            error, params, grads, loss = None, state.params, state.grads, state.loss
        pairs = self.history.pairs()
        grad_fn, dtype = self._loss_names()
        return Snapshot(
            step=stepper.step_index,
            params=params,
            grads=grads,
            loss=loss,
            lr=stepper.lr,
            phase="stop" if stop else ("repeat" if stepper.step_index else "init"),
            zero_grad=stepper.zero_grad,
            steps=tuple(s for s, _ in pairs),
            losses=tuple(v for _, v in pairs),
            grad_fn=grad_fn,
            dtype=dtype,
            previous=self.previous,
            trail=tuple(self.history.trail),
            stop=stop,
            error=error,
        )

    def at(self, step: int) -> Snapshot:
        """The snapshot of a step that replay keeps (clamped to them); the last is now's."""
        buffer = self.replay
        step = buffer.clamp(step)
        place = Replayed(buffer.total, buffer.first_kept, buffer.kept)
        now = self.snapshot()
        record = buffer.record(step)
        if record is None:  # the latest step: the run as it is now
            return replace(now, replayed=place, phase="stop" if now.stop else "step")
        pairs = [(s, v) for s, v in zip(now.steps, now.losses, strict=True) if s < step]
        pairs.append((step, record.loss))
        trail = buffer.trail(self.scalar, step) if self.scalar else []
        return replace(
            now,
            step=step,
            params=record.params,
            grads=record.grads,
            loss=record.loss,
            lr=record.lr,
            phase="init" if step == 0 else "step",
            steps=tuple(s for s, _ in pairs),
            losses=tuple(v for _, v in pairs),
            previous=buffer.record(step - 1),
            trail=tuple(trail),
            stop=None,
            error=None,
            replayed=place,
        )

    def _loss_names(self) -> tuple[str | None, str]:
        """The loss's ``grad_fn`` name and its dtype (the parameters' before any loss)."""
        loss = self.stepper.loss
        if loss is None:
            first = next(iter(self.stepper.params.values()))
            return None, str(first.dtype).removeprefix("torch.")
        node = loss.grad_fn
        name = type(node).__name__ if node is not None else None
        return name, str(loss.dtype).removeprefix("torch.")
