"""gradtui's PyTorch subset vs plain Python running the same program text, run by hand:

    .venv/bin/python benchmarks/bench_program.py [--runs N]

Two programs, each compiled and run through the subset (``engine.program``: checked,
interpreted statement by statement within budgets) and, alternating in the same process,
compiled and run by plain Python with the same torch (the yardstick; the product never does
this): the seed's ``x**2`` loop, 10,000 steps (goal <= 2.0x), and a pullover-vs-dress-like
linear model on synthetic data of the Fashion-MNIST subset's shape (12,000 x 784 training
rows, 2,000 validation rows, batches of 256, ``mnist_loss``, 20 epochs; goal <= 1.1x). Both
get the same data loaders as inputs. torch uses one thread, as in the README's figures.
Ratios are medians of per-run ratios of wall time; the CPU-time ratio (this process's CPU
seconds) is printed too: on a shared machine it moves less with the other processes' load.

``--opcodes`` counts instead the Python bytecode instructions each side executes, and the
calls of Python functions it makes (one run each, traced): the same counts under any load,
so a change to the subset can be weighed on a busy machine. The subset's count includes
compiling the program; torch's own C++ work is not counted on either side.

``--statements`` times the linear model's statements one at a time (each in a loop of
3,000, the fastest of ``--runs`` in CPU time): what each costs beyond plain Python.

``--against DIR`` compares two versions of the subset: each run is a fresh process for this
checkout and one for the checkout in DIR (e.g. an unpacked ``git archive`` of an earlier
commit), taking turns (each goes first every other run); each process times its subset
against plain Python as above (three runs each), and the table shows both versions' medians
of all those runs side by side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__" and "--tree" in sys.argv:  # --against's other checkout: its gradtui
    sys.path.insert(0, sys.argv[sys.argv.index("--tree") + 1])

import torch
from _table import median, table, verdict

from gradtui.engine.program import DataLoader, Run, TensorDataset, compile_program
from gradtui.startup import freeze_heap, start

SEED_LOOP = """\
import torch

x = torch.tensor(3.0).requires_grad_()
lr = 0.1
for step in range(10000):
    loss = x**2
    loss.backward()
    with torch.no_grad():
        x -= x.grad * lr
        x.grad.zero_()
"""

LINEAR = """\
import torch

torch.manual_seed(42)
weights = (torch.randn(784, 1) * 0.01).requires_grad_()
bias = torch.zeros(1).requires_grad_()


def linear1(xb):
    return xb @ weights + bias


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


def batch_accuracy(xb, yb):
    correct = (xb.sigmoid() > 0.5) == yb
    return correct.float().mean()


def validate_epoch(model):
    accs = [batch_accuracy(model(xb), yb) for xb, yb in valid_dl]
    return round(torch.stack(accs).mean().item(), 4)


lr = 1.0
params = weights, bias
for epoch in range(20):
    for xb, yb in dl:
        loss = mnist_loss(linear1(xb), yb)
        loss.backward()
        for p in params:
            p.data -= p.grad * lr
            p.grad.zero_()
    accuracy = validate_epoch(linear1)
"""


def synthetic_loaders() -> dict[str, DataLoader]:
    """Data of the pullover-vs-dress subset's shape: pixels in [0, 1], a linear rule's labels."""
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(14_000, 784, generator=generator)
    rule = torch.randn(784, 1, generator=generator)
    y = ((x - 0.5) @ rule > 0).float()
    train = TensorDataset(x[:12_000], y[:12_000])
    valid = TensorDataset(x[12_000:], y[12_000:])
    return {"dl": DataLoader(train, batch_size=256), "valid_dl": DataLoader(valid, batch_size=256)}


PROGRAMS: dict[str, tuple[str, Callable[[], dict], float]] = {
    "x**2 loop, 10,000 steps": (SEED_LOOP, dict, 2.0),
    "linear model, 12,000x784, 20 epochs": (LINEAR, synthetic_loaders, 1.1),
}


def subset_seconds(text: str, inputs: dict) -> tuple[float, float]:
    """Compile and run ``text`` through the subset: (wall, CPU) seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = Run(compile_program(text, inputs), inputs).run()
    elapsed = time.perf_counter() - wall, time.process_time() - cpu
    assert result.status == "finished", result
    return elapsed


def python_seconds(text: str, inputs: dict) -> tuple[float, float]:
    """Compile and run ``text`` with plain Python (the yardstick): (wall, CPU) seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    exec(compile(text, "<benchmark>", "exec"), {"torch": torch, **inputs})  # noqa: S102
    return time.perf_counter() - wall, time.process_time() - cpu


def opcodes(run: Callable[[], Any]) -> tuple[int, int]:
    """The Python bytecode instructions ``run()`` executes in this thread, and the calls of
    Python functions it makes (each costs about as much as a few instructions)."""
    count = calls = 0

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count, calls
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        elif event == "call":
            calls += 1
        return trace

    sys.settrace(trace)
    try:
        run()
    finally:
        sys.settrace(None)
    return count, calls


def opcode_rows(name: str, text: str, inputs: dict) -> list[tuple[str, ...]]:
    """One program's instruction and call counts, subset and plain Python."""
    subset_seconds(text, inputs)  # warm-up: the first run imports and loads
    ours, our_calls = opcodes(lambda: subset_seconds(text, inputs))
    theirs, their_calls = opcodes(lambda: python_seconds(text, inputs))
    return [
        (f"{name}: subset", f"{ours:,}", f"{ours / theirs:.2f}x", f"{our_calls:,}"),
        (f"{name}: Python", f"{theirs:,}", "", f"{their_calls:,}"),
    ]


# --statements: the linear model's statements one at a time, each repeated in a loop, with
# the names they read made first; what one costs beyond Python is the subset's overhead.
STATEMENT_SETUP = """\
weights = (torch.randn(784, 1) * 0.01).requires_grad_()
bias = torch.zeros(1).requires_grad_()
p = weights
p.grad = torch.zeros(784, 1)
lr = 1.0
xb = torch.rand(256, 784)
yb = (torch.rand(256, 1) > 0.5).float()
def linear1(xb):
    return xb @ weights + bias
def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()
def one(a):
    return a
x = linear1(xb)
c = yb == 1
a = 1 - x
l0 = (weights * 2).sum()
"""
STATEMENTS = (
    "pass",
    "q = x",
    "q = xb @ weights",
    "q = x + bias",
    "q = x.sigmoid()",
    "q = yb == 1",
    "q = 1 - x",
    "q = torch.where(c, a, x)",
    "q = x.mean()",
    "y = one(x)",
    "q = linear1(xb)",
    "q = mnist_loss(x, yb)",
    "loss = l0",
    "p.data -= p.grad * lr",
    "p.grad.zero_()",
)


def statement_rows(repeat: int = 3000, runs: int = 7) -> list[tuple[str, ...]]:
    """Each statement's time in a loop of ``repeat``, subset and Python (the fastest of
    ``runs`` in CPU time), and the difference per statement."""
    rows = []
    for statement in STATEMENTS:
        text = f"{STATEMENT_SETUP}for i in range({repeat}):\n    {statement}\n"
        program, code = compile_program(text), compile(text, "<benchmark>", "exec")
        ours = theirs = float("inf")
        for _ in range(runs):
            cpu = time.process_time()
            assert Run(program).run().status == "finished"
            ours = min(ours, time.process_time() - cpu)
            cpu = time.process_time()
            exec(code, {"torch": torch})  # noqa: S102
            theirs = min(theirs, time.process_time() - cpu)
        us = [value / repeat * 1e6 for value in (ours, theirs, ours - theirs)]
        rows.append((statement, *(f"{value:.2f} µs" for value in us)))
    return rows


def timed_runs(programs: dict, runs: int) -> dict[str, list[tuple[float, ...]]]:
    """Each program's (subset wall, subset CPU, Python wall, Python CPU) seconds, ``runs``
    times, alternating, after a warm-up run."""
    times: dict[str, list[tuple[float, ...]]] = {}
    for name, (text, inputs, _) in programs.items():
        subset_seconds(text, inputs)  # warm-up: imports, first calls
        times[name] = []
        for _ in range(runs):
            theirs = python_seconds(text, inputs)
            times[name].append((*subset_seconds(text, inputs), *theirs))
    return times


def ratio_rows(name: str, goal: float, runs: list[tuple[float, ...]]) -> list[tuple[str, ...]]:
    """The medians of one program's runs: wall and CPU ratios, subset and Python seconds."""
    ratio = median([r[0] / r[2] for r in runs])
    cpu = median([r[1] / r[3] for r in runs])
    return [
        (f"{name}: subset / Python", f"{ratio:.2f}x", f"<= {goal}x", verdict(ratio <= goal)),
        (f"{name}: the same in CPU time", f"{cpu:.2f}x", "", ""),
        (f"{name}: subset", f"{median([r[0] for r in runs]):.3f} s", "", ""),
        (f"{name}: Python", f"{median([r[2] for r in runs]):.3f} s", "", ""),
    ]


RUNS_A_PROCESS = 3  # --against: each process times this many runs of each side


def against(other: Path, runs: int) -> None:
    """This checkout's subset and ``other``'s, ``runs`` fresh processes each, taking turns
    (each process times RUNS_A_PROCESS runs of each program, alternating with Python)."""
    script = Path(__file__).resolve()
    trees: list[Path | None] = [None, other.resolve()]
    found: dict[Path | None, dict[str, list]] = {tree: {} for tree in trees}
    for run in range(runs):
        for tree in trees if run % 2 == 0 else reversed(trees):
            command = [sys.executable, str(script), "--runs", str(RUNS_A_PROCESS), "--json"]
            command += ["--tree", str(tree)] if tree else []
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            for name, times in json.loads(out).items():
                found[tree].setdefault(name, []).extend(times)
    rows = []
    for name, (_, _, goal) in PROGRAMS.items():
        ours = ratio_rows(name, goal, found[None][name])
        theirs = ratio_rows(name, goal, found[trees[1]][name])
        rows += [(a[0], b[1], a[1], a[3]) for a, b in zip(ours, theirs, strict=True)]
    head = ("measure", f"{other.name}", "this checkout", "")
    title = f"the subset vs plain Python, two versions, {runs} processes each"
    print(table(title, rows, runs * RUNS_A_PROCESS, head))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--opcodes", action="store_true", help="count bytecode instead")
    parser.add_argument(
        "--statements", action="store_true", help="time the linear model's statements one by one"
    )
    parser.add_argument("--against", type=Path, help="another checkout, compared run by run")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", help=argparse.SUPPRESS)  # read before the imports above
    args = parser.parse_args()
    if args.against:
        against(args.against, args.runs)
        return
    start()  # one torch thread, as the app runs
    freeze_heap()
    if args.statements:
        head = ("statement (in a for loop)", "subset", "Python", "subset - Python")
        rows = statement_rows(runs=args.runs)
        print(table("the linear model's statements one by one, fastest CPU time", rows, 1, head))
        return
    programs = {name: (text, loaders(), goal) for name, (text, loaders, goal) in PROGRAMS.items()}
    if args.opcodes:
        rows = [row for name, (t, i, _) in programs.items() for row in opcode_rows(name, t, i)]
        head = ("program", "Python bytecode executed", "subset / Python", "Python calls")
        print(table("gradtui's PyTorch subset vs plain Python, bytecode", rows, 1, head))
        return
    times = timed_runs(programs, args.runs)
    if args.json:
        print(json.dumps(times))
        return
    rows = [
        row for name, (*_, goal) in programs.items() for row in ratio_rows(name, goal, times[name])
    ]
    print(table("gradtui's PyTorch subset vs plain Python, same program text", rows, args.runs))


if __name__ == "__main__":
    main()
