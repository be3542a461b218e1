"""One run state: each snapshot is what torch holds after a step, checked against plain torch
computed here; the transcript prints torch's own reprs; replay gives the same snapshots."""

from __future__ import annotations

import math

import pytest
import torch

from gradtui.curriculum.checks import evaluate
from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.engine.present.live import frame
from gradtui.engine.present.plotdata import CurveView, FitView
from gradtui.engine.present.transcript import transcript
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.run import Run


def run_of(pg: Playground) -> Run:
    return Run(pg.stepper())


def hand_states(steps: int, lr: float, zero_grad: bool, dtype=torch.float32):
    """x**2 from 3, the plain loop: (x, loss, x.grad, loss tensor) right after each backward."""
    x = torch.tensor(3.0, dtype=dtype).requires_grad_()
    states = []
    for _ in range(steps + 1):
        loss = x**2
        loss.backward()
        states.append((x.item(), loss.item(), x.grad.item(), loss, repr(x.grad), repr(x)))
        with torch.no_grad():
            x -= x.grad * lr
            if zero_grad:
                x.grad.zero_()
    return states


@pytest.mark.parametrize("zero_grad", [True, False])
def test_each_snapshot_is_what_torch_holds(zero_grad):
    hand = hand_states(6, 0.1, zero_grad)
    run = run_of(Playground(zero_grad=zero_grad))
    for step, (x, loss, grad, *_) in enumerate(hand):
        snap = run.snapshot()
        assert (snap.step, snap.params, snap.grads, snap.loss) == (
            step,
            {"x": x},
            {"x": grad},
            loss,
        )
        assert snap.losses == tuple(h[1] for h in hand[: step + 1])  # the current loss is in
        assert snap.steps == tuple(range(step + 1))
        assert snap.trail == tuple(h[0] for h in hand[:step])
        assert snap.phase == ("init" if step == 0 else "repeat")
        assert (snap.previous is None) == (step == 0)
        run.advance()


def test_lesson_7_without_zeroing_the_grad_piles_up_and_the_transcript_says_why():
    run = run_of(Playground(fn="x**2", start="3.", lr=0.1, max_steps=20, zero_grad=False))
    run.advance()
    assert run.snapshot().grads["x"] == pytest.approx(10.8)  # 6 + 4.8
    run.advance()
    snap = run.snapshot()
    assert snap.params["x"] == pytest.approx(1.32) and snap.grads["x"] == pytest.approx(13.44)
    assert snap.previous.grads["x"] == pytest.approx(10.8)  # what the last update used
    lines = dict(transcript(run.problem, snap).lines)
    hand = hand_states(2, 0.1, zero_grad=False)[2]
    assert lines["x.grad  # 10.8 + 2.64: added, never zeroed"] == hand[4] == "tensor(13.4400)"
    assert lines["x  # after 2 steps, .grad never zeroed"] == hand[5]
    view = frame(run.problem, snap).view
    assert isinstance(view, CurveView) and not view.slope_is_tangent  # not f's slope any more


def test_the_transcript_is_torchs_own_output():
    hand = hand_states(3, 0.1, zero_grad=True, dtype=torch.float64)
    run = run_of(Playground(dtype="float64"))
    start = transcript(run.problem, run.snapshot()).lines
    assert start[1] == ("x = torch.tensor(3., dtype=torch.float64).requires_grad_()", "")
    assert start[3] == ("y", repr(hand[0][3]))
    for _ in range(3):
        run.advance()
    lines = transcript(run.problem, run.snapshot()).lines
    assert lines[0] == ("def f(x): return x**2", "")
    assert lines[1] == ("x  # after 3 steps of x -= x.grad * lr", hand[3][5])
    assert lines[3] == ("y", repr(hand[3][3]))  # tensor(..., dtype=torch.float64, grad_fn=...)
    assert "grad_fn=<PowBackward0>" in lines[3][1] and "float64" in lines[3][1]
    assert lines[-1] == ("x.grad", hand[3][4])


def test_a_fit_transcript_names_the_runs_tensors():
    run = run_of(Playground().switch_mode("fit"))
    run.advance()
    snap = run.snapshot()
    lines = transcript(run.problem, snap).lines
    assert lines[0][0] == "a  # after 1 step of p -= p.grad * lr"
    assert [code for code, _ in lines[3:6]] == [
        "preds = f(t)",
        "loss = mse(preds, targets)",
        "loss",
    ]
    assert lines[5][1].endswith("grad_fn=<MeanBackward0>)")
    assert f"{snap.loss:.4f}" in lines[5][1]
    assert isinstance(frame(run.problem, snap).view, FitView)


def test_a_failure_at_the_start_shows_the_seed_steps_up_to_it():
    run = run_of(Playground(fn="x**2", start="1,2"))
    snap = run.snapshot()
    assert snap.error is not None and math.isnan(snap.loss) and snap.stop is None
    shown = frame(run.problem, snap)
    assert shown.view is None
    assert shown.transcript.lines[-1] == ("y.backward()", "")
    assert "only for scalar outputs" in shown.transcript.error
    assert run.advance() and run.snapshot().stop.reason == "error"


def test_replay_gives_the_snapshots_the_run_had():
    run = run_of(Playground(zero_grad=False, max_steps=8))
    live = []
    while True:
        live.append(run.snapshot())
        if run.advance():
            break
    final = run.snapshot()
    assert final.stop.reason == "max_steps" and final.step == 8
    for then in live[:-1]:
        again = run.at(then.step)
        same = ("params", "grads", "loss", "lr", "steps", "losses", "trail", "previous")
        assert all(getattr(again, f) == getattr(then, f) for f in same), then.step
        assert again.replayed.total == 8
    assert run.at(8).stop is final.stop and run.at(8).phase == "stop"


def test_lesson_9_the_plot_shows_the_three_rises_that_stopped_the_run():
    run = run_of(Playground(fn="x**2", start="3.", lr=1.1, max_steps=100, patience=3))
    while not run.advance():
        pass
    snap = run.snapshot()
    assert snap.stop.reason == "worse" and snap.stop.message.endswith("rose 3 steps in a row")
    rises = sum(b > a for a, b in zip(snap.losses, snap.losses[1:], strict=False))
    assert rises == 3 and snap.losses[-1] == snap.stop.loss == pytest.approx(26.87, abs=0.01)


def test_lesson_8_the_plot_shows_the_loss_the_task_checks():
    lessons, _ = load_lessons([shipped_lessons_dir()])
    lesson = next(lesson for lesson in lessons if lesson.id == "roller-coaster")
    task = lesson.tasks[0]
    pg = task.solution_playground()
    result = evaluate(task.check, pg)
    run = run_of(pg)
    while not run.advance():
        pass
    snap = run.snapshot()
    assert result.passed and f"with loss {snap.stop.loss:.6g}" in result.detail
    assert min(snap.losses) == snap.losses[-1] == snap.stop.loss < 700  # 683.1, on the plot
