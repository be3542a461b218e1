"""The replay buffer: each kept step's state matches plain torch, and memory stays bounded."""

from __future__ import annotations

import pytest
import torch

from gradtui.engine.expr.values import parse_assignments
from gradtui.engine.training.loop import Stepper, StepRecord, StopRules
from gradtui.engine.training.problem import descend_problem
from gradtui.engine.training.replay import ReplayBuffer


def run(expr: str, start: str, lr: float, steps: int, buffer: ReplayBuffer) -> Stepper:
    stepper = Stepper(
        descend_problem(expr, parse_assignments([start])), lr, StopRules(max_steps=steps)
    )
    for item in stepper.run():
        if isinstance(item, StepRecord):
            buffer.add(item)
    return stepper


def torch_path(x0: float, lr: float, steps: int) -> list[tuple[float, float, float]]:
    """(x, loss, grad) before each update of plain gradient descent on x**2, in float32."""
    x = torch.tensor(x0).requires_grad_()
    path = []
    for _ in range(steps):
        loss = x**2
        loss.backward()
        path.append((x.item(), loss.item(), x.grad.item()))
        with torch.no_grad():
            x -= x.grad * lr
            x.grad.zero_()
    path.append((x.item(), (x**2).item(), 0.0))
    return path


def test_every_frame_is_that_steps_state():
    buffer = ReplayBuffer()
    stepper = run("x**2", "3.", 0.1, 10, buffer)
    want = torch_path(3.0, 0.1, 10)
    assert buffer.total == 10 and buffer.first_kept == 0
    for step in range(10):
        frame = buffer.frame(step, stepper.values())
        assert frame.params["x"] == want[step][0]
        assert frame.record.loss == want[step][1]
        assert frame.record.grads["x"] == want[step][2]
        assert (frame.previous is None) == (step == 0)
        if step:
            assert frame.previous.params["x"] == want[step - 1][0]
    latest = buffer.frame(10, stepper.values())
    assert latest.is_latest and latest.record is None
    assert latest.params["x"] == want[10][0]
    assert latest.previous.step == 9


def test_frames_are_clamped_to_what_is_kept():
    buffer = ReplayBuffer(max_steps=4)
    stepper = run("x**2", "3.", 0.1, 10, buffer)
    assert (buffer.total, buffer.first_kept, buffer.kept) == (10, 6, 4)
    assert buffer.frame(-5, stepper.values()).step == 6
    assert buffer.frame(99, stepper.values()).step == 10
    first = buffer.frame(6, stepper.values())
    assert first.previous is None  # step 5's record is gone
    assert first.params["x"] == pytest.approx(torch_path(3.0, 0.1, 10)[6][0])


def test_the_trail_is_the_kept_positions_before_the_step():
    buffer = ReplayBuffer()
    stepper = run("x**2", "3.", 0.1, 10, buffer)
    want = [p[0] for p in torch_path(3.0, 0.1, 10)]
    assert buffer.trail("x", 4) == want[:4]
    assert buffer.trail("x", 10, length=3) == want[7:10]
    assert buffer.trail("x", 0) == []
    assert stepper.step_index == 10


def test_long_vectors_are_bounded_by_the_number_budget():
    buffer = ReplayBuffer(max_steps=1000, max_numbers=10_000)
    values = ",".join(["1."] * 1000)
    run("(x**2).sum()", values, 0.1, 50, buffer)
    # Each step holds 1,000 values and 1,000 grads: 5 steps fit in 10,000 numbers.
    assert buffer.kept == 5
    assert buffer.first_kept == 45 and buffer.total == 50


def test_the_newest_step_is_kept_even_over_budget():
    buffer = ReplayBuffer(max_numbers=10)
    run("(x**2).sum()", ",".join(["1."] * 100), 0.1, 3, buffer)
    assert buffer.kept == 1 and buffer.first_kept == 2


def test_a_new_run_starts_the_buffer_over():
    buffer = ReplayBuffer()
    run("x**2", "3.", 0.1, 10, buffer)
    run("x**2", "1.", 0.1, 2, buffer)
    assert (buffer.total, buffer.first_kept, buffer.kept) == (2, 0, 2)
    assert buffer.frame(0, {}).params["x"] == 1.0
    buffer.clear()
    assert (buffer.total, buffer.kept) == (0, 0)


def test_lesson_15s_replay_answer_is_what_the_run_shows():
    from gradtui.curriculum.checks import normalise_answer
    from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir

    lessons, _ = load_lessons([shipped_lessons_dir()])
    lesson = next(item for item in lessons if item.id == "your-own-data")
    task = lesson.tasks[1]
    buffer = ReplayBuffer()
    stepper = task.playground().stepper()
    for item in stepper.run():
        if isinstance(item, StepRecord):
            buffer.add(item)
    w = buffer.frame(2, stepper.values()).params["w"]
    assert f"{w:.2f}" == task.solution_answer
    assert normalise_answer(f"{w:.2f}") in {normalise_answer(a) for a in task.check.get("accept")}
    # ... and it is a swing: up past 5 at step 1, back under 1 at step 2.
    assert buffer.frame(1, {}).params["w"] > 5 > 1 > w
