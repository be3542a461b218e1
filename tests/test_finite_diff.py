"""Autograd against finite differences: the h table and the timing points (values only)."""

from __future__ import annotations

import pytest
import torch

from gradtui.engine.autograd.finite_diff import H_VALUES, h_table, time_gradients
from gradtui.engine.autograd.numeric import central_differences
from gradtui.engine.training.playground import Playground


def _central(f, x: torch.Tensor, h: float) -> float:
    return ((f(x + h) - f(x - h)) / (2 * h)).item()


def test_square_at_three_in_both_dtypes():
    table = h_table(Playground().problem())
    assert table.first == "x" and table.grads == {"float32": 6.0, "float64": 6.0}
    assert [r.h for r in table.rows] == list(H_VALUES)
    for row in table.rows:
        for dtype, torch_dtype in (("float32", torch.float32), ("float64", torch.float64)):
            x = torch.tensor(3.0, dtype=torch_dtype)
            expected = _central(lambda v: v**2, x, row.h)
            assert row.estimates[dtype] == expected
            assert row.errors[dtype] == abs(expected - 6.0)
    # float32 rounding takes over as h shrinks: at 1e-7, 3+h and 3-h round back to 3
    last = table.rows[-1]
    assert last.estimates["float32"] == 0.0 and last.errors["float64"] < 1e-6
    assert table.best("float64").errors["float64"] < 1e-12


def test_several_numbers_report_the_worst_error():
    table = h_table(Playground(fn="(x**3).sum()", start="1,2,3").problem())
    assert table.first == "x[0]" and table.grads["float64"] == 3.0
    for row in table.rows:
        x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
        worst = 0.0
        for i in range(3):
            e = torch.zeros(3, dtype=torch.float64)
            e[i] = row.h
            slope = (((x + e) ** 3).sum() - ((x - e) ** 3).sum()) / (2 * row.h)
            worst = max(worst, abs(slope.item() - 3 * x[i].item() ** 2))
        assert row.errors["float64"] == pytest.approx(worst, rel=1e-9, abs=1e-15)


def test_fit_mode_is_the_loss_over_the_weights():
    table = h_table(Playground().switch_mode("fit").problem())
    assert table.first == "a"
    assert table.grads["float32"] == pytest.approx(-53195.86, rel=1e-6)
    assert table.best("float64").errors["float64"] < 1e-6


def test_any_variable_name_works():
    table = h_table(Playground(fn="built**2 + params", start="built=1; params=2").problem())
    assert table.grads["float64"] == 2.0 and table.best("float64").errors["float64"] < 1e-9


def test_central_differences_helper():
    x = torch.tensor([0.5, 1.5], dtype=torch.float64)
    slopes = central_differences(lambda x: torch.sin(x).sum(), {"x": x}, 1e-4)["x"]
    assert torch.allclose(slopes, torch.cos(x), atol=1e-8)
    with pytest.raises(ValueError, match="h must not be 0"):
        central_differences(lambda x: x.sum(), {"x": x}, 0.0)


def test_timing_points_agree_on_the_gradient():
    points = list(time_gradients((1, 10, 100), budget=5.0))
    assert [p.n for p in points] == [1, 10, 100]
    for p in points:
        assert p.backward > 0 and p.finite > 0
        assert p.max_error < 1e-9  # both ways found the same gradient


def test_timing_extrapolates_past_its_budget_and_can_be_cancelled():
    (point,) = time_gradients((100_000,), budget=0.0)
    assert point.extrapolated and 1 <= point.measured < 100_000
    assert list(time_gradients((1, 10), cancelled=lambda: True)) == []
