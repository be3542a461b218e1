"""What the plots draw, computed by the engine so that the UI only draws lists of numbers.

``curve_view`` gives f over a window around the point, the tangent whose slope is ``.grad``
and the trail of previous points; ``fit_view`` gives the data and the model's curve.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gradtui.engine.training.problem import Problem, scalar_param

CURVE_POINTS = 161
MAX_DATA_POINTS = 2000  # a terminal plot has fewer cells than this: plot every k-th point


@dataclass(frozen=True)
class CurveView:
    """A 1-D picture: the curve, the tangent at the point, the trail and the y-range.

    The line through the point has the slope ``.grad``: the tangent, except when the grads
    were not zeroed and have piled up (``slope_is_tangent`` False).
    """

    xs: list[float]
    ys: list[float]
    point: tuple[float, float]
    tangent_xs: list[float]
    tangent_ys: list[float]
    trail_xs: list[float] = field(default_factory=list)
    trail_ys: list[float] = field(default_factory=list)
    ylim: tuple[float, float] = (0.0, 1.0)
    slope_is_tangent: bool = True


@dataclass(frozen=True)
class FitView:
    """Data points and the model's curve through them."""

    data_x: list[float]
    data_y: list[float]
    model_x: list[float]
    model_y: list[float]
    input_name: str = "t"

    def __post_init__(self) -> None:
        # plotext cannot draw nan or inf (it raises inside the app's render): keep the
        # model's finite points only, so a model that overflows draws nothing instead.
        model = [
            (t, y) for t, y in zip(self.model_x, self.model_y, strict=True) if math.isfinite(y)
        ]
        object.__setattr__(self, "model_x", [t for t, _ in model])
        object.__setattr__(self, "model_y", [y for _, y in model])


def plottable(problem: Problem, values: dict[str, Any]) -> bool:
    """True when the problem has one scalar variable, so f can be drawn as a curve."""
    if problem.is_fit:
        return len(problem.data) == 1
    return scalar_param(problem, values) is not None


def function_view(
    problem: Problem,
    values: dict[str, Any],
    point: tuple[float, float, float | None] | None,
    trail: Sequence[float] = (),
) -> CurveView | FitView | None:
    """What the function plot shows at these parameter values; None when f is not a curve.

    A fit shows its data and the model's predictions; one scalar variable shows f around
    ``point`` (x, f(x), f'(x)), which is needed then (None: nothing to draw).
    """
    if problem.is_fit:
        return fit_view(problem, values)
    if point is None or not plottable(problem, values):
        return None
    return curve_view(problem, *point, trail)


def curve_view(
    problem: Problem, x: float, loss: float, grad: float | None, trail: Sequence[float] = ()
) -> CurveView:
    """f around ``x`` (wide enough to hold the trail), the tangent at x and the trail."""
    import torch

    name = problem.param_names[0]
    finite_trail = [t for t in trail if math.isfinite(t)]
    span = [x, *finite_trail[-12:]]
    if grad is not None and math.isfinite(grad):
        # Show where a full step (lr = 1) would land: for a bowl, the other side of it.
        reach = 2 * abs(x) + 2
        span.append(x - max(-reach, min(reach, grad)))
    low, high = min(span), max(span)
    # Relative to the magnitude too: around 1e30, a pad of 0.5 vanishes in rounding and
    # every x of the curve would be the same number.
    pad = max((high - low) * 0.15, 0.5, 1e-3 * max(abs(low), abs(high)))
    low, high = low - pad, high + pad
    xs = torch.linspace(low, high, CURVE_POINTS, dtype=torch.float64)
    ys = _evaluate(problem, name, xs)
    finite = [v for v in ys if math.isfinite(v)]
    ylo, yhi = (min(finite), max(finite)) if finite else (-1.0, 1.0)
    if math.isfinite(loss):
        ylo, yhi = min(ylo, loss), max(ylo + 1e-12, yhi, loss)
    margin = (yhi - ylo) * 0.08 or 1.0
    ylim = (ylo - margin, yhi + margin)
    tx, ty = _tangent(x, loss, grad, (low, high), ylim)
    trail_ys = _evaluate(problem, name, torch.tensor(finite_trail, dtype=torch.float64))
    # plotext cannot draw nan or inf (it raises inside the app's render): leave those out,
    # so acos(x) at x = 3 draws an empty curve instead of stopping the app.
    curve = [(a, b) for a, b in zip(xs.tolist(), ys, strict=True) if math.isfinite(b)]
    trail = [(a, b) for a, b in zip(finite_trail, trail_ys, strict=True) if math.isfinite(b)]
    # A loss that is nan or inf is drawn at the edge: plotext cannot place it (and raises).
    point_y = loss if math.isfinite(loss) else ylim[0] if loss == -math.inf else ylim[1]
    return CurveView(
        [a for a, _ in curve],
        [b for _, b in curve],
        (x, point_y),
        tx,
        ty,
        [a for a, _ in trail],
        [b for _, b in trail],
        ylim,
    )


def fit_view(problem: Problem, params: dict[str, Any], points: int = 120) -> FitView:
    """The data and the model's predictions on a dense grid over the input's range."""
    import torch

    ((name, column),) = problem.data.items()
    low, high = min(column), max(column)
    dense = torch.linspace(low, high, points).tolist()
    model_y = problem.predictions(params, {name: dense})
    stride = -(-len(column) // MAX_DATA_POINTS)
    data_x, data_y = list(column[::stride]), list(problem.targets[::stride])
    return FitView(data_x, data_y, dense, model_y, name)


def _evaluate(problem: Problem, name: str, xs: Any) -> list[float]:
    """f at each x: vectorised when f is elementwise, one by one when it reduces."""
    import torch

    if len(xs) == 0:
        return []
    dtype = torch.float64
    with torch.no_grad():
        try:
            out = problem.expr(**{name: xs.to(dtype)})
            if isinstance(out, torch.Tensor) and out.shape == xs.shape:
                return out.tolist()
        except (RuntimeError, TypeError, ValueError, OverflowError):
            pass
        values = []
        for v in xs.tolist():
            try:
                out = problem.expr(**{name: torch.tensor(v, dtype=dtype)})
                values.append(float(out))
            except (RuntimeError, TypeError, ValueError, OverflowError):
                values.append(math.nan)
        return values


def _tangent(
    x: float, fx: float, grad: float | None, xlim: tuple[float, float], ylim: tuple[float, float]
) -> tuple[list[float], list[float]]:
    """The tangent line y = f(x) + grad * (t - x), clipped to the visible box."""
    if grad is None or not (math.isfinite(fx) and math.isfinite(grad)):
        return [], []
    width = (xlim[1] - xlim[0]) * 0.3
    xs = [x - width + 2 * width * i / 20 for i in range(21)]
    pairs = [(t, fx + grad * (t - x)) for t in xs]
    pairs = [(t, y) for t, y in pairs if ylim[0] <= y <= ylim[1]]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def thin_series(
    xs: Sequence[float], ys: Sequence[float], buckets: int
) -> tuple[list[float], list[float]]:
    """At most about ``2 * buckets`` points that draw like all of them.

    Each bucket of consecutive points keeps its lowest and highest y (in order), so spikes and
    the overall fall survive; a plot ``buckets`` cells wide cannot show more. Drawing costs
    grow with the number of points, so long runs stay cheap to redraw.
    """
    count = len(xs)
    if buckets < 1 or count <= 2 * buckets:
        return list(xs), list(ys)
    out_x: list[float] = []
    out_y: list[float] = []
    for b in range(buckets):
        lo, hi = b * count // buckets, (b + 1) * count // buckets
        if lo >= hi:
            continue
        chunk = range(lo, hi)
        low = min(chunk, key=ys.__getitem__)
        high = max(chunk, key=ys.__getitem__)
        for i in sorted({low, high}):
            out_x.append(xs[i])
            out_y.append(ys[i])
    if out_x[-1] != xs[-1]:
        out_x.append(xs[-1])
        out_y.append(ys[-1])
    return out_x, out_y
