"""The seven-step loop against hand-written torch loops, and every stop rule."""

from __future__ import annotations

import itertools
import math
import types

import pytest
import torch

from gradtui.engine.expr.expr import ExprError
from gradtui.engine.expr.values import ValueParseError, Values, parse_values
from gradtui.engine.training import loop as loop_module
from gradtui.engine.training.examples import (
    ROLLER_COASTER_LR,
    ROLLER_COASTER_MODEL,
    example_problem,
    roller_coaster,
)
from gradtui.engine.training.loop import Stepper, StepRecord, Stop, StopRules
from gradtui.engine.training.playground import Playground, parse_start
from gradtui.engine.training.problem import descend_problem, fit_problem
from gradtui.engine.training.torch_errors import TorchError

NO_RULES = StopRules(max_steps=None)


def close(ours, theirs, rel: float = 1e-6) -> bool:
    """Equal within ``rel``, through dicts and lists (nan equals nan)."""
    if isinstance(theirs, dict):
        return (
            isinstance(ours, dict)
            and ours.keys() == theirs.keys()
            and all(close(ours[k], theirs[k], rel) for k in theirs)
        )
    if isinstance(theirs, list):
        return (
            isinstance(ours, list)
            and len(ours) == len(theirs)
            and all(close(a, b, rel) for a, b in zip(ours, theirs, strict=True))
        )
    if theirs is None or ours is None:
        return ours is theirs
    if math.isnan(theirs):
        return math.isnan(ours)
    return math.isclose(ours, theirs, rel_tol=rel, abs_tol=1e-12)


class _approx:
    """``value == _approx(expected)``, with ``close`` (pytest.approx is exact inside dicts)."""

    def __init__(self, expected, rel: float = 1e-6):
        self.expected, self.rel = expected, rel

    def __eq__(self, other) -> bool:
        return close(other, self.expected, self.rel)

    def __repr__(self) -> str:
        return f"~{self.expected!r} (rel {self.rel:g})"


def hand_loop(fn, start: dict, lrs, zero_grad: bool = True, dtype=torch.float32):
    """fastbook's loop: predict/loss, backward, p -= lr * p.grad, reset the grad.

    Returns the records (params, loss, grads before update i) and the params and loss after.
    """
    params = {n: torch.tensor(v, dtype=dtype).requires_grad_() for n, v in start.items()}
    records = []
    for lr in lrs:
        loss = fn(**params)
        loss.backward()
        records.append(
            (
                {n: p.detach().tolist() for n, p in params.items()},
                loss.item(),
                {n: p.grad.tolist() for n, p in params.items()},
            )
        )
        with torch.no_grad():
            for p in params.values():
                p -= lr * p.grad
                if zero_grad:
                    p.grad = None
    final = {n: p.detach().tolist() for n, p in params.items()}
    return records, final, fn(**params).item()


def run_all(stepper: Stepper) -> tuple[list[StepRecord], Stop]:
    items = list(stepper.run())
    assert all(isinstance(i, StepRecord) for i in items[:-1])
    assert isinstance(items[-1], Stop)
    return items[:-1], items[-1]


def descend(text: str, start: dict, lr: float, rules: StopRules, **kwargs) -> Stepper:
    values = {n: parse_values(str(v).strip("()")) for n, v in start.items()}
    return Stepper(descend_problem(text, values), lr, rules, **kwargs)


def assert_same(records: list[StepRecord], hand: list, rel: float = 1e-6) -> None:
    assert len(records) == len(hand)
    for i, (record, (params, loss, grads)) in enumerate(zip(records, hand, strict=True)):
        assert record.step == i
        assert record.params == _approx(params, rel), f"params at step {i}"
        assert record.loss == _approx(loss, rel), f"loss at step {i}"
        assert record.grads == _approx(grads, rel), f"grads at step {i}"


# --- trajectories -------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.5, 0.9])
def test_x_squared_from_3(lr):
    stepper = descend("x**2", {"x": 3.0}, lr, StopRules(max_steps=20))
    records, stop = run_all(stepper)
    hand, final, final_loss = hand_loop(lambda x: x**2, {"x": 3.0}, [lr] * 20)
    assert_same(records, hand)
    assert all(r.lr == lr for r in records)
    assert stop.reason == "max_steps" and stop.steps == 20
    assert stop.params == _approx(final)
    assert stop.loss == _approx(final_loss)


def test_two_variables():
    text = "x**2 + x*y + 2*y**2 - sin(x)"
    start = {"x": 1.0, "y": -2.0}
    records, stop = run_all(descend(text, start, 0.1, StopRules(max_steps=15)))
    hand, final, final_loss = hand_loop(
        lambda x, y: x**2 + x * y + 2 * y**2 - torch.sin(x), start, [0.1] * 15
    )
    assert_same(records, hand)
    assert stop.params == _approx(final)
    assert stop.loss == _approx(final_loss)


def test_a_vector_parameter():
    start = {"w": [1.0, -2.0, 0.5]}
    records, _ = run_all(descend("((w - 1)**2).sum()", {"w": "1,-2,0.5"}, 0.2, StopRules(8)))
    hand, _, _ = hand_loop(lambda w: ((w - 1) ** 2).sum(), start, [0.2] * 8)
    assert_same(records, hand)


def test_float64():
    problem = descend_problem("x**2", {"x": parse_values("3")}, dtype="float64")
    records, _ = run_all(Stepper(problem, 0.1, StopRules(5)))
    hand, _, _ = hand_loop(lambda x: x**2, {"x": 3.0}, [0.1] * 5, dtype=torch.float64)
    assert_same(records, hand, rel=1e-12)


def _fastbook_roller_coaster(steps: int, seed: int = 42):
    """fastbook ch. 4 as written there: one params vector, a, b, c = params."""
    data = roller_coaster(seed)
    time = torch.tensor(data.inputs["t"])
    speed = torch.tensor(data.targets)
    params = torch.tensor([data.start["a"], data.start["b"], data.start["c"]]).requires_grad_()

    def f(t, params):
        a, b, c = params
        return a * (t**2) + (b * t) + c

    def mse(preds, targets):
        return ((preds - targets) ** 2).mean()

    records = []
    for _ in range(steps):
        preds = f(time, params)
        loss = mse(preds, speed)
        loss.backward()
        records.append(
            (
                dict(zip("abc", params.detach().tolist(), strict=True)),
                loss.item(),
                dict(zip("abc", params.grad.tolist(), strict=True)),
            )
        )
        params.data -= ROLLER_COASTER_LR * params.grad.data
        params.grad = None
    return records, mse(f(time, params), speed).item()


def test_roller_coaster_fit_matches_fastbook():
    problem = example_problem("roller-coaster")
    assert problem.expr.text == ROLLER_COASTER_MODEL
    assert problem.param_names == ("a", "b", "c")
    records, stop = run_all(Stepper(problem, ROLLER_COASTER_LR, StopRules(max_steps=10)))
    hand, final_loss = _fastbook_roller_coaster(10)
    assert_same(records, hand, rel=1e-4)
    assert round(records[0].loss, 1) == 25823.8  # fastbook's first loss with seed 42
    assert stop.loss == _approx(final_loss, 1e-4)
    assert records[-1].loss < records[0].loss / 10


def _plain_torch_run(loss_fn, params: dict, lr: float, steps: int, zero_grad: bool):
    """The update as the exported script writes it: ``p -= p.grad * lr`` under no_grad."""
    records = []
    for _ in range(steps):
        loss = loss_fn(**params)
        loss.backward()
        records.append(
            (
                {n: p.tolist() for n, p in params.items()},
                loss.item(),
                {n: p.grad.tolist() for n, p in params.items()},
            )
        )
        with torch.no_grad():
            for p in params.values():
                p -= p.grad * lr
                if zero_grad:
                    p.grad.zero_()
    return records, {n: p.tolist() for n, p in params.items()}


def _exact(records: list[StepRecord], plain: list) -> None:
    for record, (params, loss, grads) in zip(records, plain, strict=True):
        assert (record.params, record.loss, record.grads) == (params, loss, grads), record.step


@pytest.mark.parametrize("zero_grad", [True, False])
def test_fit_is_bit_identical_to_plain_torch(zero_grad):
    """Not merely close: the stepper's in-place update is the same arithmetic, every step."""
    problem = example_problem("roller-coaster")
    stepper = Stepper(problem, ROLLER_COASTER_LR, StopRules(max_steps=200), zero_grad=zero_grad)
    records, stop = run_all(stepper)
    t, speed = torch.tensor(problem.data["t"]), torch.tensor(problem.targets)
    params = {n: problem.start[n].to_tensor("float32").requires_grad_() for n in "abc"}

    def loss_fn(a, b, c):
        return ((a * t**2 + b * t + c - speed) ** 2).mean()

    plain, final = _plain_torch_run(loss_fn, params, ROLLER_COASTER_LR, 200, zero_grad)
    _exact(records, plain)
    assert stop.params == final


@pytest.mark.parametrize("zero_grad", [True, False])
@pytest.mark.parametrize(
    ("text", "start", "fn"),
    [
        ("x**2", {"x": 3.0}, lambda x: x**2),
        ("((w - 1)**2).sum()", {"w": [1.0, -2.0, 0.5]}, lambda w: ((w - 1) ** 2).sum()),
        # one grad tensor flows back to both: each must still get a grad of its own
        ("(w + v).sum()", {"w": [1.0, 2.0], "v": [3.0, -4.0]}, lambda w, v: (w + v).sum()),
    ],
)
def test_descend_is_bit_identical_to_plain_torch(text, start, fn, zero_grad):
    lr, steps = 0.1234567, 60
    values = {n: ",".join(map(str, v)) if isinstance(v, list) else v for n, v in start.items()}
    records, stop = run_all(descend(text, values, lr, StopRules(steps), zero_grad=zero_grad))
    params = {n: torch.tensor(v).requires_grad_() for n, v in start.items()}
    plain, final = _plain_torch_run(fn, params, lr, steps, zero_grad)
    _exact(records, plain)
    assert stop.params == final


def test_roller_coaster_data_is_fastbooks():
    data = roller_coaster(42)
    with torch.random.fork_rng():
        torch.manual_seed(42)
        time = torch.arange(0, 20).float()
        speed = torch.randn(20) * 3 + 0.75 * (time - 9.5) ** 2 + 1
        params = torch.randn(3)
    assert data.inputs["t"] == tuple(time.tolist())
    assert data.targets == tuple(speed.tolist())
    assert [data.start[k] for k in "abc"] == params.tolist()
    assert roller_coaster(7).targets != data.targets
    with pytest.raises(ValueError, match="unknown example"):
        example_problem("sine-wave")


def test_fit_with_mae_loss():
    data = roller_coaster(1)
    start = {"a": Values((0.5,), False, False), "b": Values((0.0,), False, False)}
    problem = fit_problem("a*t + b", data.inputs, data.targets, start, loss="mae")
    records, _ = run_all(Stepper(problem, 0.01, StopRules(5)))
    t, y = torch.tensor(data.inputs["t"]), torch.tensor(data.targets)
    hand, _, _ = hand_loop(
        lambda a, b: (a * t + b - y).abs().mean(), {"a": 0.5, "b": 0.0}, [0.01] * 5
    )
    assert_same(records, hand, rel=1e-5)


def test_predictions_for_plotting():
    problem = example_problem("roller-coaster")
    got = problem.predictions({"a": 1.0, "b": 2.0, "c": 3.0}, {"t": (0.0, 1.0, 2.0)})
    t = torch.tensor([0.0, 1.0, 2.0])
    assert got == (1.0 * t**2 + 2.0 * t + 3.0).tolist()


# --- stop rules -----------------------------------------------------------------------------


@pytest.mark.parametrize("max_steps", [0, 1, 7])
def test_max_steps(max_steps):
    records, stop = run_all(descend("x**2", {"x": 3.0}, 0.1, StopRules(max_steps=max_steps)))
    _, final, final_loss = hand_loop(lambda x: x**2, {"x": 3.0}, [0.1] * max_steps)
    assert len(records) == max_steps
    assert stop.reason == "max_steps"
    assert stop.steps == max_steps
    assert stop.message == f"out of steps: made {max_steps} steps"
    assert stop.params == _approx(final)
    assert stop.loss == _approx(final_loss)


def _hand_losses(fn, start, lr, count):
    records, _, _ = hand_loop(fn, start, [lr] * count)
    return [loss for _, loss, _ in records]


def test_target_fires_at_the_first_good_enough_loss():
    losses = _hand_losses(lambda x: x**2, {"x": 3.0}, 0.1, 60)
    first = next(i for i, v in enumerate(losses) if v <= 0.01)
    records, stop = run_all(descend("x**2", {"x": 3.0}, 0.1, StopRules(100, target=0.01)))
    assert stop.reason == "target"
    assert len(records) == stop.steps == first
    assert all(r.loss > 0.01 for r in records)
    assert stop.loss == _approx(losses[first]) and stop.loss <= 0.01


def test_target_not_reached_leaves_max_steps():
    records, stop = run_all(descend("x**2", {"x": 3.0}, 0.01, StopRules(10, target=0.01)))
    assert stop.reason == "max_steps" and len(records) == 10


def test_target_with_a_loss_already_good_enough():
    records, stop = run_all(descend("x**2", {"x": 0.05}, 0.1, StopRules(10, target=0.01)))
    assert stop.reason == "target" and records == []


@pytest.mark.parametrize("patience", [1, 3, 5])
def test_worse_fires_after_patience_rises(patience):
    # lr 1.1 on x**2: the loss rises on every step
    losses = _hand_losses(lambda x: x**2, {"x": 3.0}, 1.1, patience + 1)
    assert all(b > a for a, b in itertools.pairwise(losses))
    records, stop = run_all(descend("x**2", {"x": 3.0}, 1.1, StopRules(100, patience=patience)))
    assert stop.reason == "worse"
    assert len(records) == stop.steps == patience
    assert stop.message == f"getting worse: the loss rose {patience} steps in a row"
    assert stop.loss == _approx(losses[patience])


def test_worse_does_not_fire_while_the_loss_falls():
    records, stop = run_all(descend("x**2", {"x": 3.0}, 0.1, StopRules(30, patience=1)))
    assert stop.reason == "max_steps" and len(records) == 30


def test_worse_counts_rises_in_a_row_only():
    # rise, fall, rise, rise: patience 2 fires on the second rise of the last run, not before
    stepper = descend("x**2", {"x": 3.0}, 1.1, StopRules(100, patience=2))
    lrs = [1.1, 0.1, 1.1, 1.1, 1.1]
    results = []
    for lr in lrs:
        stepper.lr = lr
        results.append(stepper.step())
    hand, _, _ = hand_loop(lambda x: x**2, {"x": 3.0}, lrs[:4])
    losses = [loss for _, loss, _ in hand]
    assert losses[1] > losses[0] and losses[2] < losses[1] and losses[3] > losses[2]
    assert [type(r).__name__ for r in results] == ["StepRecord"] * 4 + ["Stop"]
    assert results[-1].reason == "worse" and results[-1].steps == 4


def test_time_budget_with_a_fake_clock(monkeypatch):
    ticks = itertools.count()
    monkeypatch.setattr(
        loop_module, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks))
    )
    # every step takes one "second": elapsed is 1, 2, 3, 4 at steps 0, 1, 2, 3
    records, stop = run_all(descend("x**2", {"x": 3.0}, 0.1, StopRules(100, time_budget=3.5)))
    assert stop.reason == "time"
    assert len(records) == stop.steps == 3
    assert stop.message == "out of time: ran for 4.00 s"


def test_time_budget_not_spent_leaves_max_steps(monkeypatch):
    ticks = itertools.count()
    monkeypatch.setattr(
        loop_module, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks))
    )
    records, stop = run_all(descend("x**2", {"x": 3.0}, 0.1, StopRules(10, time_budget=100)))
    assert stop.reason == "max_steps" and len(records) == 10


def test_time_budget_for_real():
    records, stop = run_all(descend("x**2", {"x": 3.0}, 0.1, StopRules(None, time_budget=0.0)))
    assert stop.reason == "time" and records == []
    records, stop = run_all(descend("x**2", {"x": 3.0}, 1e-6, StopRules(None, time_budget=0.05)))
    assert stop.reason == "time" and len(records) > 0


def test_paused_time_is_not_counted(monkeypatch):
    clock = {"now": 0.0}
    monkeypatch.setattr(
        loop_module, "time", types.SimpleNamespace(perf_counter=lambda: clock["now"])
    )
    stepper = descend("x**2", {"x": 3.0}, 0.1, StopRules(100, time_budget=5))
    stepper.resume_clock()
    clock["now"] = 1.0
    assert isinstance(stepper.step(), StepRecord)
    clock["now"] = 1000.0  # paused for a long time, then resumed
    stepper.resume_clock()
    clock["now"] = 1001.0
    assert isinstance(stepper.step(), StepRecord)
    assert stepper.elapsed == 2.0


def test_diverged_as_the_readme_documents():
    records, stop = run_all(descend("x**2", {"x": 3.0}, 1.1, StopRules(100)))
    hand, final, final_loss = hand_loop(lambda x: x**2, {"x": 3.0}, [1.1] * 26)
    assert stop.reason == "diverged"
    assert len(records) == stop.steps == 26
    assert_same(records, hand)
    limit = 1e4 * max(abs(hand[0][1]), 1.0)  # 9e4
    assert all(abs(r.loss) <= limit for r in records)
    assert stop.loss == _approx(final_loss) and stop.loss > limit
    assert f"{stop.loss:.3g}" == "1.18e+05"
    assert stop.params == _approx(final)
    # x is multiplied by -1.2 each step
    assert final["x"] == _approx(3.0 * (-1.2) ** 26, 1e-5)


def test_diverge_factor():
    losses = _hand_losses(lambda x: x**2, {"x": 3.0}, 1.1, 30)
    first = next(i for i, v in enumerate(losses) if v > 10 * losses[0])
    records, stop = run_all(descend("x**2", {"x": 3.0}, 1.1, StopRules(100, diverge_factor=10)))
    assert stop.reason == "diverged" and len(records) == first


def test_diverge_limit_is_at_least_factor_times_one():
    # a tiny first loss (0.01) does not make the limit tiny: it is 1e4 * max(0.01, 1)
    losses = _hand_losses(lambda x: x**2, {"x": 0.1}, 1.1, 80)
    first = next(i for i, v in enumerate(losses) if v > 1e4)
    records, stop = run_all(descend("x**2", {"x": 0.1}, 1.1, StopRules(None)))
    assert stop.reason == "diverged" and len(records) == first
    assert records[-1].loss > 100 * losses[0]


def test_nan_loss_diverges():
    # sqrt(x) from 1 with lr 4: x becomes -1 after one step, and the loss nan
    records, stop = run_all(descend("sqrt(x)", {"x": 1.0}, 4.0, StopRules(100)))
    hand, final, _ = hand_loop(lambda x: torch.sqrt(x), {"x": 1.0}, [4.0])
    assert_same(records, hand)
    assert stop.reason == "diverged" and stop.steps == 1
    assert math.isnan(stop.loss)
    assert stop.message == "diverged: the loss became nan"
    assert stop.params == _approx(final)


def test_nan_from_the_start():
    records, stop = run_all(descend("log(x)", {"x": -1.0}, 0.1, StopRules(100)))
    assert stop.reason == "diverged" and records == []


def test_inf_loss_diverges():
    records, stop = run_all(descend("1/x", {"x": 0.0}, 0.1, StopRules(100)))
    assert stop.reason == "diverged" and records == [] and stop.loss == math.inf


def test_error_on_a_shape_mismatch():
    x, y = torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError) as theirs:
        (x + y).sum()
    stepper = descend("(x + y).sum()", {"x": "1,2", "y": "1,2,3"}, 0.1, StopRules(100))
    records, stop = run_all(stepper)
    assert records == []
    assert stop.reason == "error"
    assert f"RuntimeError: {theirs.value}" in stop.message
    assert "different lengths" in stop.message
    assert math.isnan(stop.loss)


def test_error_on_a_vector_loss():
    with pytest.raises(RuntimeError) as theirs:
        torch.tensor([1.0, 2.0]).item()
    records, stop = run_all(descend("x**2", {"x": "1,2"}, 0.1, StopRules(100)))
    assert stop.reason == "error" and records == []
    assert str(theirs.value) in stop.message


def test_a_stopped_stepper_stays_stopped():
    stepper = descend("x**2", {"x": 3.0}, 0.1, StopRules(2))
    records, stop = run_all(stepper)
    values = stepper.values()
    assert stepper.step() is stop
    assert stepper.stopped is stop
    assert stepper.values() == values
    assert list(stepper.run()) == [stop]


def test_lr_change_takes_effect_on_the_next_step():
    lrs = [0.1, 0.1, 0.5, 0.5, 0.05, 1.0]
    stepper = descend("(x - 1)**2 + y**2", {"x": 3.0, "y": -1.0}, lrs[0], StopRules(100))
    records = []
    for lr in lrs:
        stepper.lr = lr
        records.append(stepper.step())
    hand, final, _ = hand_loop(lambda x, y: (x - 1) ** 2 + y**2, {"x": 3.0, "y": -1.0}, lrs)
    assert_same(records, hand)
    assert [r.lr for r in records] == lrs
    assert stepper.values() == _approx(final)


def test_without_zero_grad_grads_accumulate():
    stepper = descend("x**2", {"x": 3.0}, 0.1, StopRules(6), zero_grad=False)
    records, stop = run_all(stepper)
    hand, final, _ = hand_loop(lambda x: x**2, {"x": 3.0}, [0.1] * 6, zero_grad=False)
    assert_same(records, hand)
    assert stop.params == _approx(final)
    # and this differs from the zeroed run from step 1 on
    zeroed, _, _ = hand_loop(lambda x: x**2, {"x": 3.0}, [0.1] * 6)
    assert records[0].grads == _approx(zeroed[0][2])
    assert records[1].grads != _approx(zeroed[1][2])


def test_a_parameter_the_loss_ignores_is_left_alone():
    start = {"x": parse_values("3."), "y": parse_values("5.")}
    problem = descend_problem("x**2 + y - y", start)
    records, stop = run_all(Stepper(problem, 0.1, StopRules(3)))
    assert stop.params["y"] == 5.0
    assert records[0].grads["y"] == 0.0


def test_rules_defaults_and_words():
    assert StopRules().max_steps == 100
    assert set(loop_module.STOP_WORDS) == set(loop_module.STOP_REASONS)
    assert len(loop_module.SEVEN_STEPS) == 7


# --- problems --------------------------------------------------------------------------------


def test_descend_problem_errors():
    with pytest.raises(ExprError, match="give each a value"):
        descend_problem("x * y", {"": parse_values("3")})
    with pytest.raises(ExprError, match="no starting value for y"):
        descend_problem("x * y", {"x": parse_values("3")})
    with pytest.raises(ExprError, match="no variable to change"):
        descend_problem("3 + 4", {"x": parse_values("3")})
    with pytest.raises(ValueError, match="unknown dtype"):
        descend_problem("x**2", {"": parse_values("3")}, dtype="float16")
    with pytest.raises(ExprError):
        descend_problem("x.numpy()", {"": parse_values("3")})


def test_fit_problem_errors():
    start = {"a": Values((1.0,), False, False)}
    with pytest.raises(ValueError, match="unknown loss"):
        fit_problem("a*t", {"t": (1.0,)}, (1.0,), start, loss="huber")
    with pytest.raises(ExprError, match="does not use the input s"):
        fit_problem("a*t", {"t": (1.0,), "s": (1.0,)}, (1.0,), start)
    with pytest.raises(ValueError, match="same, non-zero length"):
        fit_problem("a*t", {"t": (1.0, 2.0)}, (1.0,), start)
    with pytest.raises(ValueError, match="same, non-zero length"):
        fit_problem("a*t", {"t": ()}, (), start)
    with pytest.raises(ExprError, match="no starting value for b"):
        fit_problem("a*t + b", {"t": (1.0,)}, (1.0,), start)
    with pytest.raises(ExprError, match="no parameter to fit"):
        fit_problem("t*2", {"t": (1.0,)}, (1.0,), start)


def test_integer_start_cannot_require_grad():
    problem = descend_problem("x**2", {"": parse_values("3")}, dtype="auto")
    with pytest.raises(TorchError) as info:
        Stepper(problem, 0.1)
    assert "floating point" in info.value.message
    assert "floating-point" in info.value.explanation
    problem = descend_problem("x**2", {"": parse_values("99999999999999999999")}, "int64")
    with pytest.raises(TorchError):
        Stepper(problem, 0.1)


# --- the playground ------------------------------------------------------------------------


def test_playground_descend():
    playground = Playground()
    problem = playground.problem()
    assert not problem.is_fit
    assert problem.param_names == ("x",)
    assert problem.start["x"].numbers == (3.0,)
    records, stop = run_all(playground.with_(max_steps=12).stepper())
    hand, _, _ = hand_loop(lambda x: x**2, {"x": 3.0}, [0.1] * 12)
    assert_same(records, hand)
    assert stop.reason == "max_steps"


def test_playground_several_variables_and_rules():
    playground = Playground(
        fn="(x - 2)**2 + (y + 1)**2", start="x=0; y=0", lr=0.1, max_steps=None, target=1e-3
    )
    rules = playground.rules()
    assert (rules.max_steps, rules.target, rules.patience, rules.time_budget) == (
        None,
        1e-3,
        None,
        None,
    )
    records, stop = run_all(playground.stepper())
    losses = _hand_losses(lambda x, y: (x - 2) ** 2 + (y + 1) ** 2, {"x": 0.0, "y": 0.0}, 0.1, 80)
    first = next(i for i, v in enumerate(losses) if v <= 1e-3)
    assert stop.reason == "target" and len(records) == first


def test_playground_zero_grad_off():
    stepper = Playground(zero_grad=False, max_steps=4).stepper()
    records, _ = run_all(stepper)
    hand, _, _ = hand_loop(lambda x: x**2, {"x": 3.0}, [0.1] * 4, zero_grad=False)
    assert_same(records, hand)


def test_playground_fit_random_start_is_the_example():
    playground = Playground(mode="fit", fn=ROLLER_COASTER_MODEL, start="random", lr=1e-5)
    problem = playground.problem()
    assert problem.is_fit and problem.param_names == ("a", "b", "c")
    data = roller_coaster(42)
    assert {n: v.numbers[0] for n, v in problem.start.items()} == data.start
    records, _ = run_all(playground.with_(max_steps=10).stepper())
    hand, _ = _fastbook_roller_coaster(10)
    assert_same(records, hand, rel=1e-4)


def test_playground_fit_own_model_and_start():
    playground = Playground(mode="fit", fn="a*t + b", start="a=1; b=2", lr=1e-3, max_steps=5)
    problem = playground.problem()
    assert problem.param_names == ("a", "b")
    data = roller_coaster(42)
    t, y = torch.tensor(data.inputs["t"]), torch.tensor(data.targets)
    records, _ = run_all(playground.stepper())
    hand, _, _ = hand_loop(
        lambda a, b: ((a * t + b - y) ** 2).mean(), {"a": 1.0, "b": 2.0}, [1e-3] * 5
    )
    assert_same(records, hand, rel=1e-5)
    # another seed, other data
    other = playground.with_(seed=3).problem()
    assert other.targets == roller_coaster(3).targets


def test_playground_errors():
    with pytest.raises(ValueError, match="unknown mode"):
        Playground(mode="climb").problem()
    with pytest.raises(ValueError, match="unknown example"):
        Playground(mode="fit", example="nope").problem()
    with pytest.raises(ExprError, match="no starting value for w"):
        Playground(mode="fit", fn="w*t", start="random").problem()
    with pytest.raises(ExprError):
        Playground(fn="x.numpy()").problem()
    with pytest.raises(ValueParseError):
        Playground(start="three").problem()
    for lr in (float("nan"), 1e11):
        with pytest.raises(ValueError, match="lr must be a number from -1e10 to 1e10"):
            Playground(lr=lr).stepper()


def test_parse_start():
    single = parse_start("3.")
    assert list(single) == [""] and single[""].numbers == (3.0,)
    vector = parse_start("3,5,12")
    assert vector[""].numbers == (3.0, 5.0, 12.0)
    several = parse_start("x=3; w=1,2")
    assert list(several) == ["x", "w"]
    assert several["w"].numbers == (1.0, 2.0)
    assert list(parse_start(" x=1 ;; y=2; ")) == ["x", "y"]
    with pytest.raises(ValueParseError, match="name each one"):
        parse_start("x=3; 4")
    with pytest.raises(ValueParseError, match="given twice"):
        parse_start("x=1; x=2")
    with pytest.raises(ValueParseError):
        parse_start("")
    with pytest.raises(ValueParseError):
        parse_start(";")


def test_a_loss_that_is_the_parameter_itself():
    """``f = x``: the loss is the leaf; its grad is 1 every step (2, 3, 4 when not zeroed)."""
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


def test_between_steps_now_holds_what_torch_holds():
    """After each step, ``now()`` is the loss and ``.grad`` right after ``backward()``:
    the next record's numbers, and ``x.grad`` itself (piled up when not zeroed)."""
    for zero_grad in (True, False):
        stepper = descend("x**2", {"x": 3.0}, 0.1, StopRules(5), zero_grad=zero_grad)
        x = stepper.params["x"]
        for _ in range(3):
            now = stepper.now()
            assert now.grads["x"] == x.grad.item() and now.params["x"] == x.item()
            assert now.loss == stepper.loss.item()
            record = stepper.step()
            assert (record.params, record.grads, record.loss) == (now.params, now.grads, now.loss)
    # not zeroed: 6, 10.8 = 6 + 4.8, 13.44 = 10.8 + 2.64, 13.392 = 13.44 - 0.048 (lesson 7)
    assert stepper.now().grads["x"] == pytest.approx(13.392, abs=1e-5)


def test_a_failure_of_steps_2_to_4_ends_the_run_at_the_next_step():
    stepper = descend("x**2", {"x": "1,2"}, 0.1, StopRules(100))
    assert isinstance(stepper.now(), RuntimeError)
    stop = stepper.step()
    assert stop.reason == "error" and "Tensor with 2 elements" in stop.message
