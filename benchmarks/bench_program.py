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
"""

from __future__ import annotations

import argparse
import time

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    start()  # one torch thread, as the app runs
    freeze_heap()
    programs = {"x**2 loop, 10,000 steps": (SEED_LOOP, {}, 2.0)}
    programs["linear model, 12,000x784, 20 epochs"] = (LINEAR, synthetic_loaders(), 1.1)
    rows = []
    for name, (text, inputs, goal) in programs.items():
        subset_seconds(text, inputs)  # warm-up: imports, first calls
        ours, theirs = [], []
        for _ in range(args.runs):
            theirs.append(python_seconds(text, inputs))
            ours.append(subset_seconds(text, inputs))
        ratio = median([a[0] / b[0] for a, b in zip(ours, theirs, strict=True)])
        cpu = median([a[1] / b[1] for a, b in zip(ours, theirs, strict=True)])
        rows.append(
            (f"{name}: subset / Python", f"{ratio:.2f}x", f"<= {goal}x", verdict(ratio <= goal))
        )
        rows.append((f"{name}: the same in CPU time", f"{cpu:.2f}x", "", ""))
        rows.append((f"{name}: subset", f"{median([a[0] for a in ours]):.2f} s", "", ""))
        rows.append((f"{name}: Python", f"{median([b[0] for b in theirs]):.2f} s", "", ""))
    print(table("gradtui's PyTorch subset vs plain Python, same program text", rows, args.runs))


if __name__ == "__main__":
    main()
