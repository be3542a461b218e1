"""Autograd against finite differences: how close, where rounding wins, and how fast.

``h_table`` puts ``.grad`` beside the central estimate ``(f(x+h) - f(x-h)) / 2h`` for h from
1e-1 to 1e-7, in float32 and float64. ``time_gradients`` measures one backward pass against
finite differences as the number of parameters grows: the seed's point that gradients are a
performance optimisation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from gradtui.engine.autograd.graph import at_values
from gradtui.engine.autograd.numeric import central_differences
from gradtui.engine.training.problem import Problem

H_VALUES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7)
TIMING_SIZES = (1, 10, 100, 1_000, 10_000, 100_000)
COMPARED_DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class HRow:
    """One h: the estimate of the first number, and the worst error over all numbers."""

    h: float
    estimates: dict[str, Any]  # dtype -> estimate of the first number
    errors: dict[str, float]  # dtype -> max |estimate - .grad| over every number


@dataclass(frozen=True)
class HTable:
    """``.grad`` in each dtype (of the first number) and a row per h."""

    first: str  # which number the estimates are for, e.g. "x" or "w[0]"
    grads: dict[str, Any]
    rows: tuple[HRow, ...]

    def best(self, dtype: str) -> HRow:
        """The row whose estimate is closest to ``.grad`` in ``dtype``."""
        return min(self.rows, key=lambda r: r.errors[dtype])


def _at(problem: Problem, params: Mapping[str, Any] | None, dtype: str) -> Problem:
    if params is not None:
        problem = at_values(problem, params)
    return replace(problem, dtype=dtype)


def h_table(
    problem: Problem, params: Mapping[str, Any] | None = None, hs: tuple[float, ...] = H_VALUES
) -> HTable:
    """``.grad`` beside central differences for each h, in float32 and float64.

    Raises ``TorchError``/``ValueError`` for what torch refuses or more than 1,000 numbers.
    """
    grads: dict[str, Any] = {}
    flat_grads: dict[str, list[float]] = {}
    estimates: dict[tuple[str, float], list[float]] = {}
    first = ""
    for dtype in COMPARED_DTYPES:
        built = _at(problem, params, dtype).build()
        f = _loss_of(built)
        loss = f(**built.params)
        loss.backward()
        names = [n for n in problem.param_names if built.params[n].grad is not None]
        if not names:
            raise ValueError("the result depends on no parameter: there is no slope to measure")
        flat_grads[dtype] = [v for n in names for v in built.params[n].grad.reshape(-1).tolist()]
        grads[dtype] = flat_grads[dtype][0]
        first = names[0] if built.params[names[0]].numel() == 1 else f"{names[0]}[0]"
        leaves = {n: built.params[n].detach() for n in names}
        for h in hs:
            slopes = central_differences(f, leaves, h)
            estimates[dtype, h] = [v for n in names for v in slopes[n].reshape(-1).tolist()]
    rows = []
    for h in hs:
        rows.append(
            HRow(
                h,
                {d: estimates[d, h][0] for d in COMPARED_DTYPES},
                {
                    d: max(abs(e - g) for e, g in zip(estimates[d, h], flat_grads[d], strict=True))
                    for d in COMPARED_DTYPES
                },
            )
        )
    return HTable(first, grads, tuple(rows))


def _loss_of(built: Any) -> Callable[..., Any]:
    """The loss as a function of the parameters by keyword, as finite differences call it."""

    def f(**params: Any) -> Any:
        return built.loss(built.predict(params))

    return f


@dataclass(frozen=True)
class TimingPoint:
    """Seconds for one gradient of ``n`` parameters: one backward pass vs finite differences.

    When finite differences would outlast the budget, only the first ``measured`` numbers are
    nudged and the time is scaled up to all ``n`` (``extrapolated``).
    """

    n: int
    backward: float
    finite: float
    measured: int
    extrapolated: bool
    max_error: float  # |finite - backward| over the numbers measured


def time_gradients(
    sizes: tuple[int, ...] = TIMING_SIZES,
    budget: float = 1.0,
    cancelled: Callable[[], bool] = lambda: False,
    h: float = 1e-3,
) -> Iterator[TimingPoint]:
    """Time both ways on ``f(w) = ((w - 1)**2).mean()`` (float64) for each size in turn.

    Each size spends at most about ``budget`` seconds on finite differences; stops early
    (between numbers) once ``cancelled()`` is true.
    """
    # torch's threads are the process's (one, set at start-up: gradtui.startup), so both
    # ways get one core each and the comparison stays fair on a busy machine.
    yield from _timings(sizes, budget, cancelled, h)


def _timings(
    sizes: tuple[int, ...], budget: float, cancelled: Callable[[], bool], h: float
) -> Iterator[TimingPoint]:
    import torch

    for n in sizes:
        if cancelled():
            return
        gen = torch.Generator().manual_seed(n)
        start = torch.randn(n, generator=gen, dtype=torch.float64)

        def f(w: Any) -> Any:
            return ((w - 1) ** 2).mean()

        backward, grad = _time_backward(f, start)
        w = start.clone()
        with torch.no_grad():  # a first nudge off the clock: it pays one-time set-up costs
            w[0] = w[0].item() + h
            f(w)
            w[0] = start[0]
        estimate = torch.empty(n, dtype=torch.float64)
        began = time.perf_counter()
        done = 0
        with torch.no_grad():
            while done < n:
                old = w[done].item()
                w[done] = old + h
                up = f(w)
                w[done] = old - h
                down = f(w)
                w[done] = old
                estimate[done] = (up - down) / (2 * h)
                done += 1
                if time.perf_counter() - began > budget or cancelled():
                    break
        spent = time.perf_counter() - began
        if done < n and cancelled():
            return
        error = (estimate[:done] - grad[:done]).abs().max().item()
        yield TimingPoint(n, backward, spent * n / done, done, done < n, error)


def _time_backward(f: Callable[[Any], Any], start: Any) -> tuple[float, Any]:
    """Seconds per forward+backward (the best of a few batches), and the gradient."""
    best = float("inf")
    grad = None
    for _ in range(3):
        repeats, began = 0, time.perf_counter()
        while True:
            w = start.clone().requires_grad_()
            f(w).backward()
            grad = w.grad
            repeats += 1
            spent = time.perf_counter() - began
            if spent > 0.02 or repeats >= 200:
                break
        best = min(best, spent / repeats)
    return best, grad
