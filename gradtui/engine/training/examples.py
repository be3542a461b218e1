"""Example data sets, generated (never downloaded) and seeded."""

from __future__ import annotations

from dataclasses import dataclass

from gradtui.engine.expr.values import Values
from gradtui.engine.training.problem import Problem, fit_problem

ROLLER_COASTER_MODEL = "a*t**2 + b*t + c"
ROLLER_COASTER_LR = 1e-5


@dataclass(frozen=True)
class Dataset:
    """Input column(s) by name, targets, and the parameters' random starting values."""

    name: str
    inputs: dict[str, tuple[float, ...]]
    targets: tuple[float, ...]
    start: dict[str, float]


def roller_coaster(seed: int = 42) -> Dataset:
    """fastbook ch. 4: ``time = arange(0,20)``, ``speed = randn(20)*3 + 0.75*(time-9.5)**2 + 1``.

    The parameters start from ``torch.randn(3)`` drawn from the same seeded generator.
    """
    import torch

    gen = torch.Generator().manual_seed(seed)
    time = torch.arange(0, 20).float()
    speed = torch.randn(20, generator=gen) * 3 + 0.75 * (time - 9.5) ** 2 + 1
    a, b, c = torch.randn(3, generator=gen).tolist()
    return Dataset(
        "roller-coaster",
        {"t": tuple(time.tolist())},
        tuple(speed.tolist()),
        {"a": a, "b": b, "c": c},
    )


def roller_coaster_outline(seed: int = 42) -> Dataset:
    """``roller_coaster``'s names and sizes with zeros for numbers: no torch needed."""
    return Dataset("roller-coaster", {"t": (0.0,) * 20}, (0.0,) * 20, dict.fromkeys("abc", 0.0))


EXAMPLES = {"roller-coaster": (roller_coaster, ROLLER_COASTER_MODEL, ROLLER_COASTER_LR)}
# The same examples' shapes, for checking a learner's fields before torch has loaded.
OUTLINES = {"roller-coaster": roller_coaster_outline}


def example_problem(
    name: str, seed: int = 42, dtype: str = "float32", outline: bool = False
) -> Problem:
    """The named example as a fit problem, starting from its seeded random parameters.

    ``outline=True`` gives the same names and sizes with zeros for every number: enough to
    check a model and its starting values against the example without importing torch.
    """
    if name not in EXAMPLES:
        raise ValueError(f"unknown example '{name}' (choose from {', '.join(EXAMPLES)})")
    make, model, _ = EXAMPLES[name]
    data = (OUTLINES[name] if outline else make)(seed)
    start = {k: Values((v,), False, False) for k, v in data.start.items()}
    return fit_problem(model, data.inputs, data.targets, start, dtype=dtype)
