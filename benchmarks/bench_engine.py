"""Engine overhead: ``Stepper`` (what ``gradtui descend``/``fit`` run) vs a hand-written loop.

Both do the same math for 10,000 steps, alternating, in one process: ``x**2`` from 3 with
lr 0.1, and the 3-parameter roller-coaster fit with lr 1e-5. Goal: Stepper <= 1.10x the
hand-written loop's time. Run: ``.venv/bin/python benchmarks/bench_engine.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import time

import torch
from _table import median, table, verdict

from gradtui.engine.examples import example_problem
from gradtui.engine.loop import Stepper, StepRecord, StopRules
from gradtui.engine.problem import descend_problem
from gradtui.engine.torch_loading import freeze_heap
from gradtui.engine.values import parse_assignments

STEPS = 10_000
GOAL = 1.10


def hand_square(steps: int) -> float:
    """``loss = x**2; backward; x -= x.grad * lr; zero``: seconds for ``steps`` steps."""
    x = torch.tensor(3.0).requires_grad_()
    start = time.perf_counter()
    for _ in range(steps):
        loss = x**2
        loss.backward()
        with torch.no_grad():
            x -= x.grad * 0.1
            x.grad.zero_()
    return time.perf_counter() - start


def hand_fit(steps: int) -> float:
    """fastbook's roller-coaster loop on the same data and starting weights."""
    problem = example_problem("roller-coaster")
    t = torch.tensor(problem.data["t"])
    speed = torch.tensor(problem.targets)
    params = [problem.start[n].to_tensor("float32").requires_grad_() for n in "abc"]
    a, b, c = params
    start = time.perf_counter()
    for _ in range(steps):
        loss = ((a * t**2 + b * t + c - speed) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= p.grad * 1e-5
                p.grad.zero_()
    return time.perf_counter() - start


def engine(problem, lr: float, steps: int) -> float:
    """The CLI's loop: a Stepper run to ``steps``, keeping every record."""
    stepper = Stepper(problem, lr, StopRules(max_steps=steps))
    freeze_heap()  # as the CLI does before a run
    records = []
    start = time.perf_counter()
    for item in stepper.run():
        if isinstance(item, StepRecord):
            records.append(item)
    elapsed = time.perf_counter() - start
    assert len(records) == steps, stepper.stopped
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    square = descend_problem("x**2", parse_assignments(["3."]))
    fit = example_problem("roller-coaster")
    cases = {
        "x**2": (lambda: hand_square(STEPS), lambda: engine(square, 0.1, STEPS)),
        "fit a*t**2+b*t+c": (lambda: hand_fit(STEPS), lambda: engine(fit, 1e-5, STEPS)),
    }
    for hand, eng in cases.values():  # warm up
        hand(), eng()
    rows = []
    for name, (hand, eng) in cases.items():
        hands, engines, ratios = [], [], []
        for _ in range(args.runs):
            h, e = hand(), eng()
            hands.append(STEPS / h)
            engines.append(STEPS / e)
            ratios.append(e / h)
        ratio = median(ratios)
        rows += [
            (f"{name}: hand-written loop", f"{median(hands):,.0f} steps/s", "", ""),
            (f"{name}: Stepper", f"{median(engines):,.0f} steps/s", "", ""),
            (f"{name}: time ratio", f"{ratio:.2f}x", f"<= {GOAL:.2f}x", verdict(ratio <= GOAL)),
        ]
    print(table(f"Engine overhead, {STEPS:,} steps", rows, args.runs))


if __name__ == "__main__":
    main()
