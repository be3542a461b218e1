"""A playground as a standalone plain-PyTorch script that reproduces its run, number for number.

The script spells out the seven steps with the same start (the same seed in fit mode), the
same learning rate and the same stop rules as the engine's ``Stepper``, and prints each step
as ``step N  loss L  <param> V  <param>.grad G`` and a last ``stop`` line.
"""

from __future__ import annotations

from pathlib import Path

from gradtui.engine.autograd.probe import tensor_literal
from gradtui.engine.expr.torch_source import torch_source
from gradtui.engine.training.loop import StopRules
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.problem import Problem
from gradtui.engine.training.settings import SETTINGS

EXPORTABLE_DTYPES = ("float32", "float64")
# The order in which examples.roller_coaster fills the weights from torch.randn(3).
RANDOM_START_ORDER = ("a", "b", "c")
# Names the script gives its own objects; a variable with one of them would be overwritten.
SCRIPT_NAMES = frozenset(
    ("f", "mse", "grad", "gen", "t", "speed", "start", "params", "lr", "step", "first_loss")
    + ("previous_loss", "rises", "elapsed", "tick", "now", "loss", "value", "reason", "shown")
    + ("p", "n", "math", "time", "torch")
)


def export_script(pg: Playground) -> str:
    """The script for this playground (raises ``ValueError``/``ExprError`` if it is invalid)."""
    problem = pg.problem()
    SETTINGS["lr"].require(pg.lr)
    if pg.dtype not in EXPORTABLE_DTYPES:
        raise ValueError(f"export needs dtype float32 or float64, not {pg.dtype}")
    if pg.mode == "fit" and pg.example != "roller-coaster":
        raise ValueError(f"export knows how to build the roller-coaster data, not {pg.example}")
    names = problem.param_names
    taken = [n for n in names if n in SCRIPT_NAMES]
    if taken:
        raise ValueError(
            f"the script uses the name '{taken[0]}' for its own work: "
            "rename that variable to export"
        )
    args = ", ".join(names)
    head = [
        '"""' + _title(pg),
        "",
        "Exported from gradtui. Run it with: python THIS_FILE.py (it needs only torch).",
        '"""',
        "",
        "import math",
        *(["import time"] if pg.time_budget is not None else []),
        "",
        "import torch",
        "",
    ]
    functions = [
        "",
        f"def f({'t, ' if problem.is_fit else ''}{args}):",
        f"    return {torch_source(pg.fn, pg.dtype)}",
        "",
        "",
    ]
    if problem.is_fit:
        head += _roller_coaster_data(pg)
        functions += ["def mse(preds, targets):", "    return ((preds - targets) ** 2).mean()"]
        functions += ["", ""]
        predict = f"mse(f(t, {args}), speed)"
    else:
        predict = f"f({args})"
    functions += [
        "def grad(p):",
        "    return None if p.grad is None else p.grad.tolist()",
        "",
        "",
    ]
    lines = head + functions + _init(pg, problem) + _loop(pg, predict)
    return "\n".join(lines) + "\n"


def _roller_coaster_data(pg: Playground) -> list[str]:
    lines = [
        f"# The data: fastbook's roller coaster, seeded (seed {pg.seed}).",
        f"gen = torch.Generator().manual_seed({pg.seed})",
        "t = torch.arange(0, 20).float()",
        "speed = torch.randn(20, generator=gen) * 3 + 0.75 * (t - 9.5) ** 2 + 1",
    ]
    if pg.dtype == "float64":
        lines.append("t, speed = t.double(), speed.double()")
    return lines + [""]


def _init(pg: Playground, problem: Problem) -> list[str]:
    """Step 1: the starting values (the seeded random weights in fit mode), and the lr."""
    names = problem.param_names
    lines = ["# Step 1, init: the weights, tracking their gradients."]
    if problem.is_fit and pg.start.strip().lower() in ("", "random"):
        dtype = ", dtype=torch.float64" if pg.dtype == "float64" else ""
        order = RANDOM_START_ORDER
        lines.append(f"start = torch.randn(3, generator=gen).tolist()  # {', '.join(order)}")
        lines += [
            f"{n} = torch.tensor(start[{order.index(n)}]{dtype}).requires_grad_()" for n in names
        ]
    else:
        lines += [
            f"{n} = {tensor_literal(problem.start[n], pg.dtype)}.requires_grad_()" for n in names
        ]
    return lines + [
        f"params = {{{', '.join(f'{n!r}: {n}' for n in names)}}}",
        f"lr = {pg.lr!r}",
        "",
        "step = 0",
        "first_loss = None",
    ]


def _title(pg: Playground) -> str:
    if pg.mode == "fit":
        return f"Fit {pg.fn} to the roller-coaster data by gradient descent, lr {pg.lr!r}."
    return f"Gradient descent on f = {pg.fn}, lr {pg.lr!r}."


def _loop(pg: Playground, predict: str) -> list[str]:
    """Steps 2 to 7, with the playground's stop rules checked in the engine's order."""
    lines: list[str] = []
    if pg.patience:
        lines += ["previous_loss = None", "rises = 0"]
    if pg.time_budget is not None:
        lines += ["elapsed = 0.0", "tick = time.perf_counter()"]
    lines += [
        "while True:",
        "    # Steps 2 and 3, predict and loss.",
        f"    loss = {predict}",
        "    value = loss.item()",
    ]
    if pg.time_budget is not None:
        lines += [
            "    now = time.perf_counter()",
            "    elapsed, tick = elapsed + now - tick, now",
        ]
    lines += [
        "    # Step 7, stop? Divergence is always watched.",
        "    if not math.isfinite(value):",
        '        reason = "diverged"',
        "        break",
        "    if first_loss is None:",
        "        first_loss = value",
        f"    if abs(value) > {StopRules().diverge_factor!r} * max(abs(first_loss), 1.0):",
        '        reason = "diverged"',
        "        break",
    ]
    if pg.target is not None:
        lines += [f"    if value <= {pg.target!r}:", '        reason = "target"', "        break"]
    if pg.patience:
        lines += [
            "    rises = rises + 1 if previous_loss is not None and value > previous_loss else 0",
            "    previous_loss = value",
            f"    if rises >= {pg.patience}:",
            '        reason = "worse"',
            "        break",
        ]
    if pg.time_budget is not None:
        lines += [
            f"    if elapsed >= {pg.time_budget!r}:",
            '        reason = "time"',
            "        break",
        ]
    if pg.max_steps is not None:
        lines += [
            f"    if step >= {pg.max_steps}:",
            '        reason = "max_steps"',
            "        break",
        ]
    lines += [
        "    # Step 4, gradients.",
        "    loss.backward()",
        '    shown = "  ".join(',
        '        f"{n} {p.tolist()!r}  {n}.grad {grad(p)!r}" for n, p in params.items()',
        "    )",
        '    print(f"step {step}  loss {value!r}  {shown}")',
        "    # Step 5, step: move each weight against its gradient"
        + (", then zero the gradient." if pg.zero_grad else " (no zeroing: grads add up)."),
        "    with torch.no_grad():",
        "        for p in params.values():",
        "            if p.grad is None:  # the loss does not depend on p",
        "                continue",
        "            p -= p.grad * lr",
    ]
    if pg.zero_grad:
        lines.append("            p.grad.zero_()")
    lines += [
        "    # Step 6, repeat.",
        "    step += 1",
        "",
        'shown = "  ".join(f"{n} {p.tolist()!r}" for n, p in params.items())',
        'print(f"stop {reason}  steps {step}  loss {value!r}  {shown}")',
    ]
    return lines


def save_script(script: str, folder: Path, mode: str) -> Path:
    """Write ``script`` to ``gradtui-<mode>.py`` in ``folder`` (``-2``, ``-3``… if taken).

    Never overwrites a file; raises ``OSError`` when the folder cannot be written.
    """
    for n in range(1, 1000):
        path = folder / (f"gradtui-{mode}.py" if n == 1 else f"gradtui-{mode}-{n}.py")
        try:
            with path.open("x", encoding="utf-8") as out:
                out.write(script)
        except FileExistsError:
            continue
        return path
    raise OSError(f"gradtui-{mode}.py to gradtui-{mode}-999.py are all taken in {folder}")
