"""The learning-rate explorer and the lr_find sweep, against hand-written torch loops."""

from __future__ import annotations

import math

import pytest
import torch

from gradtui.engine.training.examples import roller_coaster
from gradtui.engine.training.loop import Stop
from gradtui.engine.training.lrcompare import compare_lrs, default_lrs, label_run, parse_lrs
from gradtui.engine.training.lrfind import lr_find, schedule, valley
from gradtui.engine.training.playground import Playground


def hand_descent(x0: float, lr: float, steps: int) -> list[float]:
    """The seed's loop on x**2: the loss before each update."""
    x = torch.tensor(x0).requires_grad_()
    losses = []
    for _ in range(steps):
        loss = x**2
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            x -= x.grad * lr
            x.grad.zero_()
    return losses


# --- compare ----------------------------------------------------------------------------------


def test_default_lrs_are_the_current_lr_times_hundredth_tenth_one_and_ten():
    assert default_lrs(0.1) == [0.001, 0.01, 0.1, 1.0]


def test_each_run_matches_a_hand_loop_from_the_same_start():
    runs = compare_lrs(Playground(max_steps=30), [0.01, 0.3])
    for run in runs:
        assert run.losses == pytest.approx(hand_descent(3.0, run.lr, 30), rel=1e-6)
        assert run.steps == list(range(30))


@pytest.mark.parametrize(
    ("lr", "label"),
    [(0.001, "too small"), (0.1, "good"), (0.9, "bouncy"), (1.0, "bouncy"), (1.1, "diverging")],
)
def test_labels_on_x_squared(lr, label):
    (run,) = compare_lrs(Playground(max_steps=100), [lr])
    assert run.label == label


def test_a_diverging_run_ends_on_the_loss_that_tripped_the_rule():
    (run,) = compare_lrs(Playground(max_steps=100), [1.1])
    assert run.stop.reason == "diverged"
    assert run.losses[-1] == run.stop.loss > 9e4
    assert run.losses[:-1] == pytest.approx(hand_descent(3.0, 1.1, len(run.losses) - 1), rel=1e-5)


def test_fit_mode_runs_the_roller_coaster_from_its_seeded_weights():
    data = roller_coaster(42)
    t, speed = torch.tensor(data.inputs["t"]), torch.tensor(data.targets)
    params = torch.tensor([data.start[k] for k in "abc"]).requires_grad_()
    expected = []
    for _ in range(5):
        a, b, c = params
        loss = ((a * t**2 + b * t + c - speed) ** 2).mean()
        expected.append(loss.item())
        loss.backward()
        with torch.no_grad():
            params -= params.grad * 1e-5
            params.grad.zero_()
    (run,) = compare_lrs(Playground().switch_mode("fit").with_(max_steps=5), [1e-5])
    assert run.losses == pytest.approx(expected, rel=1e-5)
    assert run.losses[0] == pytest.approx(25823.8, rel=1e-5)


def test_label_rule_counts_gradient_flips_between_consecutive_steps():
    stop = Stop("max_steps", "", 4, {}, 1.0)
    assert label_run([9, 8, 7, 6], flips=2, stop=stop) == "bouncy"  # 2 of 3 updates flipped
    assert label_run([9, 8, 7, 6], flips=1, stop=stop) == "good"
    assert label_run([9, 8, 7, 6], flips=0, stop=Stop("max_steps", "", 4, {}, 5.0)) == "too small"
    assert label_run([9, 8], flips=0, stop=Stop("max_steps", "", 2, {}, 10.0)) == "diverging"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "give one or more"),
        ("0.1,,1", "learning rate 2 is empty"),
        ("0.1, abc", "learning rate 2: lr must be a number from .*, not 'abc'"),
        ("nan", "learning rate 1: lr must be a number from .*, not nan"),
        ("1e99", "learning rate 1: lr must be a number from -1e10 to 1e10"),
        ("1,2,3,4,5,6,7", "at most 6"),
    ],
)
def test_bad_lr_lists_say_which_item(text, message):
    with pytest.raises(ValueError, match=message):
        parse_lrs(text)


def test_lr_lists_parse_commas_and_semicolons():
    assert parse_lrs(" 0.001, 1e-2; 0.1 ") == [0.001, 0.01, 0.1]


# --- lr_find ----------------------------------------------------------------------------------


def test_schedule_is_exponential_from_1e_minus_7_towards_10():
    lrs = schedule()
    assert len(lrs) == 100
    assert lrs[0] == pytest.approx(1e-7)
    assert lrs[50] == pytest.approx(1e-7 * 1e8**0.5)
    ratios = {round(b / a, 9) for a, b in zip(lrs, lrs[1:], strict=False)}
    assert len(ratios) == 1


def hand_lr_find(x0: float) -> tuple[list[float], list[float], list[float]]:
    """fastai's rules written out: one step per lr, continuing; smoothed loss; stop at 4×best."""
    x = torch.tensor(x0).requires_grad_()
    lrs, raw, smooth = [], [], []
    avg, best = 0.0, math.inf
    for i in range(100):
        lr = 1e-7 * (10 / 1e-7) ** (i / 100)
        loss = x**2
        loss.backward()
        with torch.no_grad():
            x -= x.grad * lr
            x.grad.zero_()
        avg = 0.98 * avg + 0.02 * loss.item()
        s = avg / (1 - 0.98 ** (i + 1))
        lrs.append(lr), raw.append(loss.item()), smooth.append(s)
        best = min(best, s)
        if s > 4 * best:
            break
    return lrs, raw, smooth


def test_lr_find_matches_the_hand_written_sweep():
    result = lr_find(Playground().problem())
    lrs, raw, smooth = hand_lr_find(3.0)
    assert result.lrs == pytest.approx(lrs)
    assert result.losses == pytest.approx(raw, rel=1e-5)
    assert result.smoothed == pytest.approx(smooth, rel=1e-5)
    assert result.stopped.startswith("diverged")


def test_lr_find_stops_early_on_the_roller_coaster():
    result = lr_find(Playground().switch_mode("fit").problem())
    assert len(result.lrs) < 100
    assert "diverged" in result.stopped
    assert result.smoothed[-1] > 4 * min(result.smoothed)
    assert 1e-7 < result.suggestion < result.lrs[-1]


def test_valley_takes_the_middle_of_the_longest_fall():
    # 10 skipped points, then a fall of 20 points, then a rise, then 5 skipped points
    losses = [5.0] * 10 + [float(20 - i) for i in range(20)] + [30.0, 40.0] + [50.0] * 5
    index = valley(losses)
    # the longest decreasing run spans window indices 0..19 (max_start -1 as fastai counts)
    sections = (19 - (-1)) / 3
    assert index == 10 + (-1 + int(sections) + int(sections / 2))


def test_valley_needs_a_few_points():
    assert valley([1.0] * 12) is None


def test_min_div10_is_the_lowest_smoothed_loss_lr_over_ten():
    result = lr_find(Playground().problem())
    best = min(range(len(result.smoothed)), key=result.smoothed.__getitem__)
    assert result.min_div10 == pytest.approx(result.lrs[best] / 10)
    assert result.suggestion == result.lrs[result.suggestion_index]
