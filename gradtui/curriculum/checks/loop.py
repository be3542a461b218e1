"""Check kinds that run the playground's seven steps: the loss they reach, how the run
stops (``stop_reason_is``, ``diverges``), and grads that pile up when not zeroed.

Each run is held to the check's step limit, ``MAX_CHECK_STEPS`` and the work budget
(``curriculum.budget``), and asks ``cancelled`` at each step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gradtui.curriculum import rules
from gradtui.curriculum.budget import Work, loop_steps, over_budget, step_numbers
from gradtui.curriculum.checks.registry import (
    LOOP_MODES,
    Cancelled,
    CheckCancelled,
    CheckResult,
    Param,
    Steps,
    check_kind,
    never,
    show,
)
from gradtui.curriculum.schema import MAX_CHECK_STEPS
from gradtui.engine.training.loop import STOP_REASONS
from gradtui.engine.training.playground import Playground


def _loop(param: str, default: int | None = None, runs: int = 1, extra: int = 0) -> Steps:
    """``steps`` of a kind that runs the loop up to its parameter ``param`` (+ ``extra``)."""

    def steps(params: Mapping, pg: Playground, free: bool) -> int:
        limit = params.get(param, default)
        return loop_steps(None if limit is None else limit + extra, pg, free, runs)

    return steps


@dataclass(frozen=True)
class _Run:
    stop: Any
    capped: bool  # the check's step limit, not the learner's rules, ended the run
    kept: Any = None  # the StepRecord asked for, if the run got that far


def _run(pg: Playground, limit: int, cancelled: Cancelled, keep: int | None = None) -> _Run:
    """Run the playground's loop, never past ``limit`` (nor ``MAX_CHECK_STEPS``) steps, nor
    past the work budget (a ``ValueError`` saying so); ``cancelled`` is asked at each step."""
    from gradtui.engine.training.loop import StepRecord

    limit = min(limit, MAX_CHECK_STEPS)
    own = pg.max_steps
    steps = limit if own is None or own > limit else own
    problem = over_budget(Work(steps, step_numbers(pg)))
    if problem:
        raise ValueError(f"{problem}: use fewer numbers")
    stepper = pg.with_(max_steps=steps).stepper()
    kept = None
    for item in stepper.run():
        if cancelled():
            raise CheckCancelled
        if isinstance(item, StepRecord) and item.step == keep:
            kept = item
    stop = stepper.stopped
    capped = stop.reason == "max_steps" and steps == limit and (own is None or own > limit)
    return _Run(stop, capped, kept)


def _ended(stop: Any) -> str:
    from gradtui.engine.training.loop import STOP_WORDS

    words = STOP_WORDS.get(stop.reason, stop.reason)
    return f"the run stopped after {stop.steps} step(s) ({words}) with loss {stop.loss:.6g}"


@check_kind(
    "loss_below_within_steps",
    params={
        "loss": Param(rules.number, required=True),
        "steps": Param(rules.positive_int, required=True),
    },
    modes=LOOP_MODES,
    steps=_loop("steps"),
)
def check_loss_below_within_steps(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    goal, steps = params["loss"], params["steps"]
    stop = _run(pg, steps, cancelled).stop
    if stop.reason in ("error", "diverged"):
        return CheckResult(False, stop.message, stop.steps)
    ok = stop.loss < goal
    detail = f"{_ended(stop)}; the goal is below {goal:g} within {steps} steps"
    return CheckResult(ok, detail, stop.steps)


@check_kind(
    "stop_reason_is",
    params={
        "reason": Param(rules.choice(STOP_REASONS), required=True),
        "within": Param(rules.positive_int),
        "loss_at_most": Param(rules.number),
    },
    modes=LOOP_MODES,
    steps=_loop("within"),
)
def check_stop_reason_is(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    reason, within = params["reason"], params.get("within", MAX_CHECK_STEPS)
    run = _run(pg, within, cancelled)
    stop = run.stop
    wanted = f"the goal is to stop as '{reason}'"
    if "within" in params:
        wanted += f" within {within} steps"
    if run.capped:
        detail = f"the run was still going after {within} steps; {wanted}"
        return CheckResult(False, detail, stop.steps)
    ok = stop.reason == reason
    limit = params.get("loss_at_most")
    if ok and limit is not None and not stop.loss <= limit:
        ok, wanted = False, f"{wanted} with loss at most {limit:g}"
    return CheckResult(ok, f"{_ended(stop)}, reason '{stop.reason}'; {wanted}", stop.steps)


@check_kind(
    "diverges",
    params={"within": Param(rules.positive_int, required=True)},
    modes=(*LOOP_MODES, "images"),  # in images mode ``within`` counts epochs
    steps=_loop("within"),
)
def check_diverges(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    within = params["within"]
    if pg.mode == "images":
        from gradtui.curriculum.checks.images import classifier_diverges

        return classifier_diverges(pg, within, cancelled)
    run = _run(pg, within, cancelled)
    stop = run.stop
    if run.capped:
        detail = f"no divergence within {within} steps (loss {stop.loss:.6g})"
        return CheckResult(False, detail, stop.steps)
    return CheckResult(stop.reason == "diverged", _ended(stop), stop.steps)


@check_kind(
    "grads_accumulate",
    params={"step": Param(rules.positive_int), "tol": Param(rules.tol)},
    modes=LOOP_MODES,
    steps=_loop("step", default=1, runs=2, extra=1),  # with and without zeroing
)
def check_grads_accumulate(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    step, tol = params.get("step", 1), params.get("tol", 1e-6)
    mine = _run(pg, step + 1, cancelled, keep=step).kept
    clean = _run(pg.with_(zero_grad=True), step + 1, cancelled, keep=step).kept
    if mine is None or clean is None:
        return CheckResult(False, f"the run stopped before step {step}", step)
    worst = 0.0
    for name, grad in mine.grads.items():
        got, want = _flat(grad), _flat(clean.grads[name])
        worst = max([worst, *(abs(g - w) for g, w in zip(got, want, strict=True))])
    shown = ", ".join(f"{n}.grad = {show(g)}" for n, g in mine.grads.items())
    zeroed = ", ".join(f"{show(g)}" for g in clean.grads.values())
    ok = worst > tol or math.isnan(worst)
    same = "it has piled up" if ok else "the same: nothing piles up"
    detail = f"at step {step}, {shown}; zeroed each step it would be {zeroed}: {same}"
    return CheckResult(ok, detail, step)


def _flat(grad: Any) -> list[float]:
    if grad is None:
        return [0.0]
    return grad if isinstance(grad, list) else [grad]
