"""Engine overhead: ``Stepper`` (what ``gradtui descend``/``fit`` run) vs a hand-written loop.

Both do the same math for 10,000 steps, alternating, in one process: ``x**2`` from 3 with
lr 0.1, and the 3-parameter roller-coaster fit with lr 1e-5. The hand-written loop keeps the
same records as the stepper (the loss, values and grads as Python numbers, one ``StepRecord``
a step), and the script first checks that they are equal: the same math means the exponent
is ``2.0``, as gradtui compiles the typed ``2`` (``t**2`` with an integer exponent gives other
grads in the last bits, and is slower on a vector). Goal: Stepper <= 1.10x its time. Run:
``.venv/bin/python benchmarks/bench_engine.py [--runs N]``.

For information, the bare loop (no records) runs in the same rotation.
"""

from __future__ import annotations

import argparse
import time

import torch
from _table import median, table, verdict

from gradtui.engine.expr.values import parse_assignments
from gradtui.engine.training.examples import example_problem
from gradtui.engine.training.loop import Stepper, StepRecord, StopRules
from gradtui.engine.training.problem import descend_problem
from gradtui.startup import freeze_heap, start

STEPS = 10_000
GOAL = 1.10


def hand_square(steps: int) -> float:
    """``loss = x**2; backward; x -= x.grad * lr; zero``: seconds for ``steps`` steps."""
    x = torch.tensor(3.0).requires_grad_()
    start = time.perf_counter()
    for _ in range(steps):
        loss = x**2.0
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
        loss = ((a * t**2.0 + b * t + c - speed) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= p.grad * 1e-5
                p.grad.zero_()
    return time.perf_counter() - start


def recording_square(steps: int, records: list | None = None) -> float:
    """``hand_square`` that also keeps a ``StepRecord`` of Python numbers per step."""
    x = torch.tensor(3.0).requires_grad_()
    records = [] if records is None else records
    start = time.perf_counter()
    for i in range(steps):
        loss = x**2.0
        value = loss.item()
        loss.backward()
        values, grads = {"x": x.tolist()}, {"x": x.grad.tolist()}
        with torch.no_grad():
            x -= x.grad * 0.1
            x.grad.zero_()
        records.append(StepRecord(i, values, value, grads, 0.1))
    return time.perf_counter() - start


def recording_fit(steps: int, records: list | None = None) -> float:
    """``hand_fit`` that also keeps a ``StepRecord`` of Python numbers per step."""
    problem = example_problem("roller-coaster")
    t = torch.tensor(problem.data["t"])
    speed = torch.tensor(problem.targets)
    params = {n: problem.start[n].to_tensor("float32").requires_grad_() for n in "abc"}
    a, b, c = params.values()
    records = [] if records is None else records
    start = time.perf_counter()
    for i in range(steps):
        loss = ((a * t**2.0 + b * t + c - speed) ** 2).mean()
        value = loss.item()
        loss.backward()
        values, grads = {}, {}
        for n, p in params.items():
            values[n], grads[n] = p.tolist(), p.grad.tolist()
        with torch.no_grad():
            for p in params.values():
                p -= p.grad * 1e-5
                p.grad.zero_()
        records.append(StepRecord(i, values, value, grads, 1e-5))
    return time.perf_counter() - start


def engine(problem, lr: float, steps: int, records: list | None = None) -> float:
    """The CLI's loop: a Stepper run to ``steps``, keeping every record."""
    stepper = Stepper(problem, lr, StopRules(max_steps=steps))
    freeze_heap()  # as the CLI does before a run (the first call freezes)
    records = [] if records is None else records
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
    start()  # the process-wide settings the command line runs with (one torch thread...)
    square = descend_problem("x**2", parse_assignments(["3."]))
    fit = example_problem("roller-coaster")
    cases = {
        "x**2": (
            lambda: recording_square(STEPS),
            lambda: engine(square, 0.1, STEPS),
            lambda: hand_square(STEPS),
        ),
        "fit a*t**2+b*t+c": (
            lambda: recording_fit(STEPS),
            lambda: engine(fit, 1e-5, STEPS),
            lambda: hand_fit(STEPS),
        ),
    }
    for name, (problem, lr, recording) in {
        "x**2": (square, 0.1, recording_square),
        "fit": (fit, 1e-5, recording_fit),
    }.items():
        ours: list = []
        theirs: list = []
        engine(problem, lr, 50, ours)
        recording(50, theirs)
        assert ours == theirs, f"{name}: the hand-written loop keeps other records"
    for loops in cases.values():  # warm up
        for loop in loops:
            loop()
    rows = []
    for name, loops in cases.items():
        times: dict[str, list[float]] = {"rec": [], "eng": [], "bare": []}
        for _ in range(args.runs):
            for key, loop in zip(times, loops, strict=True):
                times[key].append(loop())
        ratio = median([e / r for e, r in zip(times["eng"], times["rec"], strict=True)])
        rate = {key: median([STEPS / t for t in values]) for key, values in times.items()}
        rows += [
            (f"{name}: hand-written loop + records", f"{rate['rec']:,.0f} steps/s", "", ""),
            (f"{name}: Stepper", f"{rate['eng']:,.0f} steps/s", "", ""),
            (f"{name}: time ratio", f"{ratio:.2f}x", f"<= {GOAL:.2f}x", verdict(ratio <= GOAL)),
            (f"{name}: hand-written loop, no records", f"{rate['bare']:,.0f} steps/s", "", ""),
        ]
    print(table(f"Engine overhead, {STEPS:,} steps", rows, args.runs))


if __name__ == "__main__":
    main()
