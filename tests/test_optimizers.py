"""Optimizer paths on 2-D surfaces, against torch.optim and hand loops written here."""

from __future__ import annotations

import pytest
import torch

from gradtui.engine.training.optimizers import (
    SURFACES,
    check_settings,
    optimizer_paths,
    surface_grid,
    to_cell,
)


def f(name: str, x, y):
    return {
        "bowl": lambda: x**2 + y**2,
        "valley": lambda: 0.1 * x**2 + 4 * y**2,
        "rosenbrock": lambda: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    }[name]()


def hand_sgd(name: str, lr: float, steps: int) -> list[tuple[float, float]]:
    x, y = (torch.tensor(v).requires_grad_() for v in SURFACES[name].start)
    points = []
    for _ in range(steps):
        points.append((x.item(), y.item()))
        f(name, x, y).backward()
        with torch.no_grad():
            x -= x.grad * lr
            y -= y.grad * lr
            x.grad.zero_()
            y.grad.zero_()
    points.append((x.item(), y.item()))
    return points


def torch_optim(name: str, kind: str, lr: float, momentum: float, steps: int):
    x, y = (torch.tensor(v).requires_grad_() for v in SURFACES[name].start)
    if kind == "momentum":
        opt = torch.optim.SGD([x, y], lr=lr, momentum=momentum)
    else:
        opt = torch.optim.Adam([x, y], lr=lr)
    points = []
    for _ in range(steps):
        points.append((x.item(), y.item()))
        opt.zero_grad()
        f(name, x, y).backward()
        opt.step()
    points.append((x.item(), y.item()))
    return points


@pytest.mark.parametrize("name", list(SURFACES))
def test_paths_match_the_hand_loop_and_torch_optim(name):
    s = SURFACES[name]
    steps = 30
    sgd, momentum, adam = optimizer_paths(s, s.lr, s.momentum, s.adam_lr, steps)
    assert list(zip(sgd.xs, sgd.ys, strict=True)) == pytest.approx(hand_sgd(name, s.lr, steps))
    want_m = torch_optim(name, "momentum", s.lr, s.momentum, steps)
    assert list(zip(momentum.xs, momentum.ys, strict=True)) == pytest.approx(want_m)
    want_a = torch_optim(name, "adam", s.adam_lr, 0.0, steps)
    assert list(zip(adam.xs, adam.ys, strict=True)) == pytest.approx(want_a)
    for path in (sgd, momentum, adam):
        assert len(path.losses) == steps + 1
        x, y = torch.tensor(path.xs[-1]), torch.tensor(path.ys[-1])
        assert path.losses[-1] == pytest.approx(f(name, x, y).item(), rel=1e-5)


def test_momentum_beats_plain_sgd_along_the_valley():
    s = SURFACES["valley"]
    sgd, momentum, _ = optimizer_paths(s, s.lr, s.momentum, s.adam_lr, s.steps)
    assert momentum.losses[-1] < sgd.losses[-1] / 100


def test_a_too_large_lr_diverges_and_stops():
    s = SURFACES["bowl"]
    sgd, momentum, _ = optimizer_paths(s, 2.5, 0.5, 0.1, 200)
    assert sgd.stopped == momentum.stopped == "diverged"
    assert len(sgd.xs) < 201 and len(momentum.xs) < 201


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.0, 0.5, 0.1, 10), "lr must be more than 0"),
        ((0.1, 1.0, 0.1, 10), "momentum must be"),
        ((0.1, 0.5, float("nan"), 10), "Adam lr"),
        ((0.1, 0.5, 0.1, 0), "steps must be"),
    ],
)
def test_bad_settings_are_named(args, message):
    with pytest.raises(ValueError, match=message):
        check_settings(*args)


def test_grid_values_are_f_at_cell_centres_and_bands_rise_away_from_the_minimum():
    s = SURFACES["bowl"]
    grid = surface_grid(s, 20, 8)
    assert len(grid.values) == 8 and len(grid.values[0]) == 20
    assert grid.xs[0] == pytest.approx(-4.75) and grid.ys[0] == pytest.approx(3.5)
    assert grid.values[0][0] == pytest.approx(4.75**2 + 3.5**2)
    flat = [b for row in grid.bands for b in row]
    assert min(flat) == 0 and max(flat) == 8
    assert grid.bands[0][0] == 8  # a corner is the highest band


def test_points_map_to_cells_and_off_map_points_to_none():
    s = SURFACES["bowl"]  # x in -5..5, y in -4..4
    assert to_cell(s, -5.0, 4.0, 20, 8) == (0, 0)
    assert to_cell(s, 0.1, -0.1, 20, 8) == (10, 4)
    assert to_cell(s, 6.0, 0.0, 20, 8) is None
    assert to_cell(s, float("nan"), 0.0, 20, 8) is None


def test_momentum_zero_is_the_hand_written_step():
    s = SURFACES["rosenbrock"]
    sgd, momentum, _ = optimizer_paths(s, s.lr, 0.0, s.adam_lr, 200)
    assert momentum.xs == pytest.approx(sgd.xs) and momentum.ys == pytest.approx(sgd.ys)


def test_a_preset_surface_takes_the_playground_lr_and_steps():
    # lesson 14 task 2 asks for an lr on Rosenbrock in 2000 steps: o shows that lr, not 0.0005
    from gradtui.engine.training.optimizers import playground_surface
    from gradtui.engine.training.playground import Playground

    rosenbrock = Playground(fn="(1 - x)**2 + 100*(y - x**2)**2", start="x=-1.5; y=2")
    surface = playground_surface(rosenbrock.with_(lr=0.002, max_steps=2000))
    assert surface is not None and surface.key == "rosenbrock"
    assert (surface.lr, surface.steps) == (0.002, 2000)
    assert surface.momentum == SURFACES["rosenbrock"].momentum
    unbounded = playground_surface(rosenbrock.with_(lr=0.002, max_steps=None))
    assert unbounded is not None and unbounded.steps == SURFACES["rosenbrock"].steps


def test_the_playground_f_becomes_a_surface_only_with_two_scalar_variables():
    from gradtui.engine.training.optimizers import playground_surface
    from gradtui.engine.training.playground import Playground

    mine = playground_surface(Playground(fn="(x - 1)**2 + 3*(y + 2)**2", start="x=0; y=0"))
    assert mine is not None and mine.start == (0.0, 0.0) and mine.minimum is None
    (path,) = optimizer_paths(mine, 0.1, 0.9, 0.1, 50)[:1]
    assert path.xs[-1] == pytest.approx(1.0, abs=1e-3) and path.ys[-1] == pytest.approx(-2.0)
    assert playground_surface(Playground()) is None  # one variable
    assert playground_surface(Playground(fn="(x**2).sum() + y", start="x=1,2; y=0")) is None
    assert playground_surface(Playground().switch_mode("fit")) is None
