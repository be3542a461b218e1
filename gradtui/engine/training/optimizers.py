"""Optimizers on a 2-D surface f(x, y): the paths of plain SGD, momentum and Adam.

Plain SGD is the playground's own loop (``engine.loop.Stepper``: ``p -= p.grad * lr``);
momentum and Adam are ``torch.optim.SGD(momentum=...)`` and ``torch.optim.Adam`` on the same
two tensors. ``surface_grid`` samples f on a grid and cuts it into contour bands for the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from gradtui.engine.expr.expr import compile_expr
from gradtui.engine.expr.values import Values
from gradtui.engine.training.loop import Stepper, StepRecord, StopRules
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.problem import Problem, descend_problem

OPTIMIZERS = ("sgd", "momentum", "adam")
OPTIMIZER_NAMES = {"sgd": "plain SGD", "momentum": "SGD + momentum", "adam": "Adam"}
MAX_STEPS = 5000
DIVERGE_FACTOR = 1e4  # as the loop's StopRules: |f| over 1e4 × max(|f at start|, 1)
BANDS = 9


@dataclass(frozen=True)
class Surface:
    """A named f(x, y), where the paths start, the window drawn, and good default settings."""

    key: str
    title: str
    expr: str
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minimum: tuple[float, float] | None
    lr: float
    momentum: float
    adam_lr: float
    steps: int


SURFACES = {
    "bowl": Surface(
        "bowl", "a round bowl", "x**2 + y**2", (-4.0, 3.0), (-5, 5), (-4, 4), (0, 0),
        0.1, 0.5, 0.3, 40,
    ),
    "valley": Surface(
        "valley", "a long narrow valley", "0.1*x**2 + 4*y**2", (-4.5, 1.5), (-5, 5), (-2.5, 2.5),
        (0, 0), 0.2, 0.7, 0.3, 60,
    ),
    "rosenbrock": Surface(
        "rosenbrock", "Rosenbrock's banana", "(1 - x)**2 + 100*(y - x**2)**2", (-1.5, 2.0),
        (-2, 2), (-1, 3), (1, 1), 0.0005, 0.9, 0.05, 500,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Path:
    """One optimizer's path: the points (start first), f at each, and why it ended."""

    optimizer: str
    xs: list[float]
    ys: list[float]
    losses: list[float]
    stopped: str


def surface_problem(surface: Surface) -> Problem:
    """f(x, y) as a descend problem starting at the surface's start point."""
    expr = compile_expr(surface.expr)
    if len(expr.variables) != 2:
        raise ValueError(f"a surface needs exactly two variables, not {len(expr.variables)}")
    start = {
        n: Values((v,), False, False) for n, v in zip(expr.variables, surface.start, strict=True)
    }
    return descend_problem(expr, start)


def sgd_path(problem: Problem, lr: float, steps: int) -> Path:
    """Plain SGD: the playground's own loop, ``p -= p.grad * lr`` then ``p.grad.zero_()``."""
    stepper = Stepper(problem, lr, StopRules(max_steps=steps, diverge_factor=DIVERGE_FACTOR))
    names = problem.param_names
    xs, ys, losses = [], [], []
    for result in stepper.run():
        if isinstance(result, StepRecord):
            xs.append(result.params[names[0]])
            ys.append(result.params[names[1]])
            losses.append(result.loss)
    stop = stepper.stopped
    assert stop is not None
    if math.isfinite(stop.loss):
        xs.append(stop.params[names[0]])
        ys.append(stop.params[names[1]])
        losses.append(stop.loss)
    return Path("sgd", xs, ys, losses, stop.reason)


def torch_path(problem: Problem, optimizer: str, lr: float, momentum: float, steps: int) -> Path:
    """``torch.optim.SGD(momentum=...)`` (``momentum``) or ``torch.optim.Adam`` (``adam``)."""
    import torch

    built = problem.build()
    params = [built.params[n] for n in problem.param_names]
    if optimizer == "momentum":
        opt = torch.optim.SGD(params, lr=lr, momentum=momentum)
    elif optimizer == "adam":
        opt = torch.optim.Adam(params, lr=lr)
    else:
        raise ValueError(f"unknown optimizer '{optimizer}' (choose momentum or adam)")
    xs, ys, losses = [], [], []
    limit: float | None = None
    stopped = "max_steps"
    for step in range(steps + 1):
        loss = built.loss(built.predict(built.params))
        value = loss.item()
        xs.append(params[0].item())
        ys.append(params[1].item())
        if not math.isfinite(value):
            xs.pop(), ys.pop()
            stopped = "diverged"
            break
        losses.append(value)
        limit = limit or DIVERGE_FACTOR * max(abs(value), 1.0)
        if abs(value) > limit:
            stopped = "diverged"
            break
        if step == steps:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    return Path(optimizer, xs, ys, losses, stopped)


def optimizer_paths(
    surface: Surface, lr: float, momentum: float, adam_lr: float, steps: int
) -> list[Path]:
    """The three paths from the surface's start, ``steps`` updates each (fewer on divergence)."""
    check_settings(lr, momentum, adam_lr, steps)
    problem = surface_problem(surface)
    return [
        sgd_path(problem, lr, steps),
        torch_path(problem, "momentum", lr, momentum, steps),
        torch_path(problem, "adam", adam_lr, momentum, steps),
    ]


def check_settings(lr: float, momentum: float, adam_lr: float, steps: int) -> None:
    """``ValueError`` naming the setting that is out of range."""
    for name, value in (("lr", lr), ("Adam lr", adam_lr)):
        if not math.isfinite(value) or not 0 < value <= 10:
            raise ValueError(f"{name} must be more than 0 and at most 10, not {value:g}")
    if not math.isfinite(momentum) or not 0 <= momentum < 1:
        raise ValueError(f"momentum must be from 0 up to (not including) 1, not {momentum:g}")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be from 1 to {MAX_STEPS:,}, not {steps}")


@dataclass(frozen=True)
class SurfaceGrid:
    """f sampled on ``rows`` × ``cols`` cell centres (row 0 at the top = highest y), as bands."""

    xs: list[float]
    ys: list[float]
    values: list[list[float]]
    bands: list[list[int]]


def surface_grid(surface: Surface, cols: int, rows: int) -> SurfaceGrid:
    """f at each cell centre, and its contour band 0 … BANDS-1 (log-spaced above the minimum)."""
    import torch

    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    xs = [x0 + (x1 - x0) * (c + 0.5) / cols for c in range(cols)]
    ys = [y1 - (y1 - y0) * (r + 0.5) / rows for r in range(rows)]
    problem = surface_problem(surface)
    gx = torch.tensor(xs, dtype=torch.float64).expand(rows, cols)
    gy = torch.tensor(ys, dtype=torch.float64).unsqueeze(1).expand(rows, cols)
    with torch.no_grad():
        names = problem.param_names
        values = torch.as_tensor(problem.expr(**{names[0]: gx, names[1]: gy}), dtype=torch.float64)
        values = values.expand(rows, cols).nan_to_num(nan=math.inf)
    # log(1 + f - min) spreads the bands where f changes slowly, near the bottom.
    finite = values[values.isfinite()]
    low = finite.min() if finite.numel() else torch.tensor(0.0, dtype=torch.float64)
    lifted = torch.log1p((values - low).clamp(min=0))
    top = (lifted[lifted.isfinite()].max().item() if finite.numel() else 0.0) or 1.0
    bands = (lifted / top * BANDS).nan_to_num(posinf=BANDS).floor().clamp(0, BANDS - 1)
    bands = bands.to(torch.int64)
    return SurfaceGrid(xs, ys, values.tolist(), bands.tolist())


def to_cell(surface: Surface, x: float, y: float, cols: int, rows: int) -> tuple[int, int] | None:
    """The (col, row) cell holding the point (x, y), or None when it is off the map."""
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    col = math.floor((x - x0) / (x1 - x0) * cols)
    row = math.floor((y1 - y) / (y1 - y0) * rows)
    if 0 <= col < cols and 0 <= row < rows:
        return col, row
    return None


def playground_surface(playground: Playground) -> Surface | None:
    """The playground's own f when it has two scalar variables (a window around its start).

    When it is one of ``SURFACES`` from the same start, that surface (its window, momentum
    and Adam lr) with the playground's own lr and number of steps, where it has them.
    """
    if playground.mode != "descend":
        return None
    try:
        problem = playground.problem()
    except ValueError:
        return None
    names = problem.param_names
    values = [problem.start[n] for n in names]
    if len(names) != 2 or any(v.is_vector for v in values):
        return None
    x, y = (float(v.numbers[0]) for v in values)
    text = problem.expr.text
    usable = 0 < playground.lr <= 10
    for surface in SURFACES.values():
        if _same_text(surface.expr, text) and surface.start == (x, y):
            steps = min(playground.max_steps or surface.steps, MAX_STEPS)
            return replace(surface, lr=playground.lr if usable else surface.lr, steps=steps)
    rx, ry = 2 * abs(x) + 3, 2 * abs(y) + 3
    lr = playground.lr if usable else 0.1
    steps = min(playground.max_steps or 100, 500)
    return Surface(
        "yours", "your f", text, (x, y),
        (x - rx, x + rx), (y - ry, y + ry), None, lr, 0.9, 0.1, steps,
    )  # fmt: skip


def _same_text(a: str, b: str) -> bool:
    return a.replace(" ", "") == b.replace(" ", "")


def parse_settings(texts: dict[str, str]) -> tuple[float, float, float, int]:
    """lr, momentum, Adam lr and steps from typed texts; ``ValueError`` names the bad field."""
    numbers = {}
    for name, label in (("lr", "lr"), ("momentum", "momentum"), ("adam_lr", "Adam lr")):
        text = texts.get(name, "").strip()
        try:
            numbers[name] = float(text)
        except ValueError:
            raise ValueError(f"{label}: '{text[:20]}' is not a number") from None
    text = texts.get("steps", "").strip()
    try:
        steps = int(text)
    except ValueError:
        raise ValueError(f"steps: '{text[:20]}' is not a whole number") from None
    check_settings(numbers["lr"], numbers["momentum"], numbers["adam_lr"], steps)
    return numbers["lr"], numbers["momentum"], numbers["adam_lr"], steps


@dataclass(frozen=True)
class Picture:
    """What the map shows in each cell: its band, whether a contour line passes, and marks.

    ``marks`` maps (col, row) to ``start``, ``minimum``, an optimizer key (a point of its path)
    or an optimizer key + ``-end`` (where it stopped). Drawn in order: the minimum, then the
    paths (later ones over earlier ones), then the start.
    """

    cols: int
    rows: int
    bands: list[list[int]]
    contour: set[tuple[int, int]]
    marks: dict[tuple[int, int], str]


def picture(surface: Surface, paths: list[Path], cols: int, rows: int) -> Picture:
    """The surface's bands and contour cells, and every path's points, for a cols × rows map."""
    grid = surface_grid(surface, cols, rows)
    bands = grid.bands
    contour = set()
    for r in range(rows):
        for c in range(cols):
            right = c + 1 < cols and bands[r][c + 1] != bands[r][c]
            below = r + 1 < rows and bands[r + 1][c] != bands[r][c]
            if right or below:
                contour.add((c, r))
    marks: dict[tuple[int, int], str] = {}
    if surface.minimum is not None:
        cell = to_cell(surface, *surface.minimum, cols, rows)
        if cell is not None:
            marks[cell] = "minimum"
    for path in paths:
        cells = [to_cell(surface, x, y, cols, rows) for x, y in zip(path.xs, path.ys, strict=True)]
        for cell in cells[:-1]:
            if cell is not None:
                marks[cell] = path.optimizer
        if cells and cells[-1] is not None:
            marks[cells[-1]] = f"{path.optimizer}-end"
    cell = to_cell(surface, *surface.start, cols, rows)
    if cell is not None:
        marks[cell] = "start"
    return Picture(cols, rows, bands, contour, marks)
