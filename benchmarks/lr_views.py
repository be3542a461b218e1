"""How long the learning-rate views take to compute (run by hand: python benchmarks/lr_views.py).

Medians of a few runs, after a warm-up that pays torch's and torch.optim's import costs.
"""

from __future__ import annotations

import statistics
import time

from gradtui.engine.training.lrcompare import compare_lrs, default_lrs
from gradtui.engine.training.lrfind import lr_find
from gradtui.engine.training.optimizers import SURFACES, optimizer_paths, picture
from gradtui.engine.training.playground import Playground


def median_seconds(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    start = time.perf_counter()
    import torch  # noqa: F401

    print(f"import torch: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    s = SURFACES["bowl"]
    optimizer_paths(s, s.lr, s.momentum, s.adam_lr, 1)
    print(f"first torch.optim use (imports torch._dynamo): {time.perf_counter() - start:.2f} s")
    descend, fit = Playground(), Playground().switch_mode("fit")
    cases = {
        "compare x**2, 4 lrs x 100 steps": lambda: compare_lrs(descend, default_lrs(0.1)),
        "compare roller coaster, 4 lrs x 1000 steps": lambda: compare_lrs(fit, default_lrs(1e-5)),
        "lr_find x**2 (100 steps)": lambda: lr_find(descend.problem()),
        "lr_find roller coaster": lambda: lr_find(fit.problem()),
    }
    for key, surface in SURFACES.items():
        args = (surface, surface.lr, surface.momentum, surface.adam_lr, surface.steps)
        cases[f"optimizers {key}, {surface.steps} steps x 3"] = lambda a=args: optimizer_paths(*a)
    paths = optimizer_paths(*args)
    cases["map picture 70x35 (rosenbrock)"] = lambda: picture(SURFACES["rosenbrock"], paths, 70, 35)
    for name, fn in cases.items():
        print(f"{name}: {median_seconds(fn) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
