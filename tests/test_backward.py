"""The stepper's backward call against ``loss.backward()``: the same grads, bit for bit."""

from __future__ import annotations

import pytest
import torch

from gradtui.engine import backward as backward_module
from gradtui.engine.backward import scalar_backward
from gradtui.engine.loop import Stepper, StepRecord, StopRules
from gradtui.engine.problem import descend_problem
from gradtui.engine.values import parse_values


def _grads(fn, starts, backward, dtype=torch.float32):
    """Grads of ``fn`` at each start, three backward passes accumulating, by ``backward``."""
    params = [torch.tensor(v, dtype=dtype).requires_grad_() for v in starts]
    out = []
    for _ in range(3):
        backward(fn(*params))
        out.append([p.grad.tolist() for p in params])
    return out


CASES = [
    (lambda x: x**2, [3.0]),
    (lambda x: x, [3.0]),  # the loss is the leaf itself
    (lambda x: x + 0.0, [3.0]),  # the starting grad reaches the leaf unchanged
    (lambda x: x + x, [3.0]),  # ... twice, summed in the leaf's input buffer
    (lambda x, y: x + y, [1.5, -2.0]),  # one grad tensor flows to both
    (lambda w: ((w - 1) ** 2).sum(), [[1.0, -2.0, 0.5]]),
    (lambda w: w * 2.0, [[4.0]]),  # a loss of shape (1,), not ()
    (lambda a, t: ((a * t - 1) ** 2).mean(), [0.3, [1.0, 2.0, 3.0]]),
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(("fn", "starts"), CASES)
def test_same_grads_as_loss_backward(fn, starts, dtype):
    ours = _grads(fn, starts, scalar_backward(), dtype)
    theirs = _grads(fn, starts, lambda loss: loss.backward(), dtype)
    assert ours == theirs


def test_the_engine_entry_point_is_used_here():
    # the pinned torch has it; without it the speed-up silently disappears
    assert scalar_backward() is not backward_module._plain_backward


def test_the_starting_grad_is_not_taken_over():
    """A loss that is the parameter itself: its grad must stay 1 every step, never 0 or lr."""
    problem = descend_problem("x", {"x": parse_values("3.")})
    records = [r for r in Stepper(problem, 0.5, StopRules(5)).run() if isinstance(r, StepRecord)]
    assert [r.grads["x"] for r in records] == [1.0] * 5
    assert [r.params["x"] for r in records] == [3.0, 2.5, 2.0, 1.5, 1.0]
    stepper = Stepper(problem, 0.5, StopRules(4), zero_grad=False)
    records = [r for r in stepper.run() if isinstance(r, StepRecord)]
    assert [r.grads["x"] for r in records] == [1.0, 2.0, 3.0, 4.0]
    problem = descend_problem("x + x", {"x": parse_values("3.")})
    records = [r for r in Stepper(problem, 0.5, StopRules(3)).run() if isinstance(r, StepRecord)]
    assert [r.grads["x"] for r in records] == [2.0] * 3


def test_a_loss_without_grad_fails_with_torchs_words():
    with pytest.raises(RuntimeError) as theirs:
        torch.tensor(1.0).backward()
    with pytest.raises(RuntimeError) as ours:
        scalar_backward()(torch.tensor(1.0))
    assert str(ours.value) == str(theirs.value)


class _Engine:
    def __init__(self, run):
        self.run_backward = run


@pytest.mark.parametrize(
    "engine",
    [
        object(),  # no run_backward at all
        _Engine(lambda *args, **kwargs: None),  # computes nothing
        _Engine(lambda *args: None),  # another signature
    ],
)
def test_falls_back_to_loss_backward(monkeypatch, engine):
    monkeypatch.setattr(backward_module, "_checked", False)
    monkeypatch.setattr(backward_module, "_engine_run", None)
    with monkeypatch.context() as patch:
        patch.setattr(torch.autograd.Variable, "_execution_engine", engine)
        backward = scalar_backward()
    assert backward is backward_module._plain_backward
    x = torch.tensor(3.0).requires_grad_()
    backward(x**2)
    assert x.grad.item() == 6.0


def test_the_check_works_inside_no_grad():
    with torch.no_grad():
        assert backward_module._checked_engine() is not None
