"""An ``lr_find`` sweep, as fastai's ``LRFinder`` does it.

From the start state, one step per learning rate, *continuing* from the previous step (the
weights are not reset between learning rates; the playground itself is never touched). The
learning rate grows exponentially: ``lr_i = 1e-7 * (10 / 1e-7) ** (i / 100)`` for i = 0 … 99.
Each loss is smoothed as fastai does (an exponential moving average with beta 0.98, divided by
``1 - 0.98 ** (i + 1)`` to remove its start-up bias). The sweep stops early once the smoothed
loss is over 4 × the best smoothed loss so far, or not finite: it has diverged.

The suggestion is fastai's default, **valley**: drop the first 10 % and the last 5 points, find
the longest run of points whose smoothed loss keeps falling (the longest decreasing
subsequence, n points long from index s), and take index ``s + int(n/3) + int(n/6)``: about
the middle of that run. ``min/10`` (the lr at the lowest loss, divided
by 10: fastai's older rule) is given beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gradtui.engine.training.loop import Stepper, StepRecord, Stop, StopRules
from gradtui.engine.training.problem import Problem

START_LR = 1e-7
END_LR = 10.0
NUM_IT = 100
BETA = 0.98
STOP_FACTOR = 4.0
VALLEY_RULE = "valley: the middle of the longest stretch where the smoothed loss keeps falling"
MIN_RULE = "min/10: the lr at the lowest smoothed loss, divided by 10"


@dataclass(frozen=True)
class LrFindResult:
    """The sweep: learning rates, raw and smoothed losses, why it ended, and the suggestions."""

    lrs: list[float]
    losses: list[float]
    smoothed: list[float]
    stopped: str
    suggestion: float | None
    suggestion_index: int | None
    min_div10: float | None

    @property
    def log_lrs(self) -> list[float]:
        return [math.log10(lr) for lr in self.lrs]

    def plotted(self, num_it: int = NUM_IT) -> tuple[list[float], list[float]]:
        """(log10 lr, smoothed loss) as fastai plots them: without the first 10 % and last 5."""
        end = len(self.lrs) - 5
        window = range(num_it // 10, end) if end - num_it // 10 >= 3 else range(len(self.lrs))
        return [math.log10(self.lrs[i]) for i in window], [self.smoothed[i] for i in window]

    def to_json(self) -> dict:
        """``{"lrs", "losses", "smoothed", "stopped", "suggestion", "rule", "min_div10"}``."""
        return {
            "lrs": self.lrs,
            "losses": self.losses,
            "smoothed": self.smoothed,
            "stopped": self.stopped,
            "suggestion": self.suggestion,
            "rule": VALLEY_RULE,
            "min_div10": self.min_div10,
        }


def schedule(num_it: int = NUM_IT, start: float = START_LR, end: float = END_LR) -> list[float]:
    """fastai's exponential schedule (``SchedExp``): ``start * (end/start) ** (i/n)``."""
    return [start * (end / start) ** (i / num_it) for i in range(num_it)]


def lr_find(
    problem: Problem,
    num_it: int = NUM_IT,
    start: float = START_LR,
    end: float = END_LR,
    cancelled=lambda: False,
) -> LrFindResult:
    """Sweep ``problem`` from its start (see the module docstring for every rule)."""
    lrs_all = schedule(num_it, start, end)
    stepper = Stepper(problem, lrs_all[0], StopRules(max_steps=None, diverge_factor=math.inf))
    lrs: list[float] = []
    losses: list[float] = []
    smoothed: list[float] = []
    average, best = 0.0, math.inf
    stopped = "finished the schedule"
    for i, lr in enumerate(lrs_all):
        if cancelled():
            stopped = "cancelled"
            break
        stepper.lr = lr
        result = stepper.step()
        if isinstance(result, Stop):
            stopped = f"diverged at lr {lr:.3g}: {result.message}"
            break
        assert isinstance(result, StepRecord)
        average = BETA * average + (1 - BETA) * result.loss
        smooth = average / (1 - BETA ** (i + 1))
        lrs.append(lr)
        losses.append(result.loss)
        smoothed.append(smooth)
        if not math.isfinite(smooth):
            stopped = f"diverged at lr {lr:.3g}: the smoothed loss became {smooth}"
            break
        best = min(best, smooth)
        if smooth > STOP_FACTOR * best:
            stopped = f"diverged at lr {lr:.3g}: smoothed loss {smooth:.4g} > 4 × best {best:.4g}"
            break
    index = valley(smoothed, num_it)
    suggestion = lrs[index] if index is not None else None
    finite = [(v, i) for i, v in enumerate(smoothed) if math.isfinite(v)]
    min_div10 = lrs[min(finite)[1]] / 10 if finite else None
    return LrFindResult(lrs, losses, smoothed, stopped, suggestion, index, min_div10)


def valley(smoothed: list[float], num_it: int = NUM_IT) -> int | None:
    """Index (into ``smoothed``) of fastai's valley suggestion, or None with too few points."""
    skip_start, skip_end = num_it // 10, 5
    window = smoothed[skip_start : len(smoothed) - skip_end]
    n = len(window)
    if n < 3:
        return None
    # lds[i]: length of the longest decreasing run of points ending at i.
    lds = [1] * n
    max_start = max_end = 0
    for i in range(1, n):
        for j in range(i):
            if window[i] < window[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    index = max_start + int(sections) + int(sections / 2)
    return skip_start + min(max(index, 0), n - 1)


def render_lr_find(result: LrFindResult, rows: int = 20) -> str:
    """A table of every few learning rates (the suggestion's row marked) and the suggestion."""
    count = len(result.lrs)
    every = max(1, math.ceil(count / rows))
    picked = sorted({*range(0, count, every), count - 1} - {-1})
    if result.suggestion_index is not None:
        picked = sorted({*picked, result.suggestion_index})
    lines = [f"{'lr':>10}  {'log10 lr':>8}  {'loss':>12}  {'smoothed':>12}"]
    for i in picked:
        mark = "  <- suggested" if i == result.suggestion_index else ""
        lines.append(
            f"{result.lrs[i]:>10.3g}  {math.log10(result.lrs[i]):>8.2f}  "
            f"{result.losses[i]:>12.5g}  {result.smoothed[i]:>12.5g}{mark}"
        )
    lines.append(f"{count} steps, one per lr, continuing from the start; {result.stopped}")
    if result.suggestion is None:
        lines.append("no suggestion: the sweep diverged before enough points were recorded")
    else:
        lines.append(f"suggested lr: {result.suggestion:.3g} ({VALLEY_RULE})")
    if result.min_div10 is not None:
        lines.append(f"for comparison, {MIN_RULE}: {result.min_div10:.3g}")
    return "\n".join(lines)
