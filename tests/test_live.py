"""A run's frame, worked out in the run worker: the plot's view and, when due, the digits."""

from __future__ import annotations

import torch

from gradtui.engine.live import live_frame
from gradtui.engine.loop import StepRecord
from gradtui.engine.playground import Playground
from gradtui.engine.plotdata import CurveView, FitView


def test_digits_are_the_autograd_steps_at_the_values():
    problem = Playground(fn="x**2", start="3").problem()
    frame = live_frame(problem, {"x": 2.4}, None, "x", [], digits=True)
    x = torch.tensor(2.4).requires_grad_()
    y = x**2
    y.backward()
    assert frame.probe.value == y.item() and frame.probe.grads["x"] == x.grad.item()
    assert frame.error is None


def test_between_digits_the_point_and_tangent_come_from_the_latest_record():
    problem = Playground(fn="x**2", start="3").problem()
    record = StepRecord(0, {"x": 3.0}, 9.0, {"x": 6.0}, 0.1)
    frame = live_frame(problem, {"x": 2.4}, record, "x", [3.0], digits=False)
    assert frame.probe is None and frame.error is None
    assert isinstance(frame.view, CurveView) and frame.view.point == (3.0, 9.0)


def test_a_fit_frame_shows_the_model_and_a_vector_is_not_a_curve():
    problem = Playground().switch_mode("fit").problem()
    values = {n: 0.0 for n in problem.param_names}
    assert isinstance(live_frame(problem, values, None, None, [], digits=False).view, FitView)
    vector = Playground(fn="(x**2).sum()", start="1,2,3").problem()
    frame = live_frame(vector, {"x": [1.0, 2.0, 3.0]}, None, None, [], digits=True)
    assert frame.view is None
    assert frame.probe.grads["x"] == [2.0, 4.0, 6.0]
