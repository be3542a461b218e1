"""The same problem run with several learning rates, each run labelled by a stated rule.

Every run starts from the same weights and stops only on its step limit or on divergence, so
the loss curves can be laid over each other. ``label_run`` names what a run did:

1. **diverging**: the run stopped as diverged, or it ended with a higher loss than it started;
2. **bouncy**: in more than half of its steps the gradient pointed the opposite way to the
   previous step's (their dot product was negative): each step jumped over the valley floor;
3. **too small**: the loss ended above half of where it started;
4. **good**: everything else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from gradtui.engine.training.loop import StepRecord, Stop, StopRules
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.settings import SETTINGS, SettingError

LABELS = ("too small", "good", "bouncy", "diverging")
DEFAULT_FACTORS = (0.01, 0.1, 1.0, 10.0)
MAX_RUNS = 6
MAX_COMPARE_STEPS = 2000
LABEL_RULES = {
    "diverging": "diverged, or ended above its starting loss",
    "bouncy": "the gradient flipped direction in over half the steps",
    "too small": "the loss ended above half its starting value",
    "good": "none of the above: steady and well down",
}


@dataclass(frozen=True)
class LrRun:
    """One learning rate's run: the losses per step, how it stopped, and its label."""

    lr: float
    steps: list[int]
    losses: list[float]
    stop: Stop
    label: str
    flips: int

    @property
    def first_loss(self) -> float:
        return self.losses[0] if self.losses else math.nan


def default_lrs(lr: float) -> list[float]:
    """The current learning rate ×0.01, ×0.1, ×1 and ×10 (rounded to 6 significant digits)."""
    return [float(f"{lr * k:.6g}") for k in DEFAULT_FACTORS]


def parse_lrs(text: str) -> list[float]:
    """``0.001, 0.01, 0.1`` → learning rates; ``ValueError`` naming the bad item and its place."""
    items = [part.strip() for part in text.replace(";", ",").split(",")]
    if not any(items):
        raise ValueError("give one or more learning rates, separated by commas")
    lrs = []
    for place, item in enumerate(items, 1):
        if not item:
            raise ValueError(f"learning rate {place} is empty (two commas in a row?)")
        try:
            lrs.append(SETTINGS["lr"].parse(item))
        except SettingError as err:
            raise ValueError(f"learning rate {place}: {SETTINGS['lr'].message(err)}") from None
    if len(lrs) > MAX_RUNS:
        raise ValueError(f"at most {MAX_RUNS} learning rates at once ({len(lrs)} given)")
    return lrs


def compare_steps(playground: Playground) -> int:
    """How many steps each run gets: the playground's max steps, capped."""
    return min(playground.max_steps or 100, MAX_COMPARE_STEPS) or 1


def run_lr(playground: Playground, lr: float, max_steps: int) -> LrRun:
    """Run ``playground``'s problem from its start with ``lr`` for up to ``max_steps`` steps."""
    stepper = playground.with_(lr=lr).stepper()
    stepper.rules = StopRules(max_steps=max_steps)
    steps: list[int] = []
    losses: list[float] = []
    flips = 0
    previous: list[float] | None = None
    for result in stepper.run():
        if isinstance(result, StepRecord):
            steps.append(result.step)
            losses.append(result.loss)
            grad = _flat(result.grads)
            if previous is not None and _dot(grad, previous) < 0:
                flips += 1
            previous = grad
    stop = stepper.stopped
    assert stop is not None
    if stop.reason == "diverged" and math.isfinite(stop.loss):
        steps.append(stop.steps)  # the loss that tripped the rule belongs on the curve
        losses.append(stop.loss)
    label = label_run(losses, flips, stop)
    return LrRun(lr, steps, losses, stop, label, flips)


def compare_lrs(playground: Playground, lrs: list[float]) -> list[LrRun]:
    """One ``LrRun`` per learning rate, each from the same start (raises on bad settings)."""
    max_steps = compare_steps(playground)
    return [run_lr(playground, lr, max_steps) for lr in lrs]


def label_run(losses: list[float], flips: int, stop: Stop) -> str:
    """The rule of the module docstring: diverging, bouncy, too small or good."""
    if stop.reason in ("diverged", "error") or not losses:
        return "diverging"
    first, last = losses[0], stop.loss
    if not math.isfinite(last) or last > first:
        return "diverging"
    updates = len(losses) - 1  # flips are counted between consecutive gradients
    if updates > 0 and flips * 2 > updates:
        return "bouncy"
    if last > first / 2 if first > 0 else last >= first:
        return "too small"
    return "good"


def _flat(grads: dict[str, Any]) -> list[float]:
    """Every gradient number in one list (parameters may be scalars or vectors)."""
    out: list[float] = []

    def add(value: Any) -> None:
        if isinstance(value, list):
            for v in value:
                add(v)
        elif value is not None:
            out.append(value)

    add(list(grads.values()))
    return out


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class Curve:
    """One run ready to plot: its legend text and the (step, loss) points drawn."""

    legend: str
    steps: list[int]
    values: list[float]


def curves(runs: list[LrRun]) -> tuple[bool, list[Curve]]:
    """The runs as curves on one plot: log10(loss) when every loss is positive, else the loss.

    Returns (log, curves); points that are not finite are left out.
    """
    finite = [v for run in runs for v in run.losses if math.isfinite(v)]
    log = bool(finite) and min(finite) > 0
    out = []
    for run in runs:
        pairs = [(s, v) for s, v in zip(run.steps, run.losses, strict=True) if math.isfinite(v)]
        values = [math.log10(v) if log else v for _, v in pairs]
        out.append(Curve(f"lr {run.lr:g}: {run.label}", [s for s, _ in pairs], values))
    return log, out
