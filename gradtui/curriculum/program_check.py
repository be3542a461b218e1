"""The ``program`` check: run the learner's code and look at what holds after the run.

Its parameters name what must hold (every one given must): a variable's value within ``tol``
(``variable`` + ``value``), a bound on it (``variable`` + ``at_least`` / ``below``), the last
value assigned to ``loss`` (``loss_below``, with at most ``steps`` ``backward()`` calls), the
error the run ends with (``error``, and a piece of its ``message``), the same variables as a
``reference`` program (``compare`` names them; by default every number and tensor the
reference leaves), and names the code must use (``uses``). ``inputs`` names the data the
program is given. A lesson's loop playground judges its own finished run with ``judge``:
the ✓ describes the run on screen.
"""

from __future__ import annotations

import ast
import math
import threading
from collections.abc import Mapping
from typing import Any

from gradtui.curriculum.checks.registry import (
    Cancelled,
    CheckCancelled,
    CheckResult,
    close,
    never,
    show,
)
from gradtui.engine.training.playground import Playground

# A check runs the program within these budgets (the app's run uses the same).
CHECK_SECONDS = 120.0
# The conditions a program check can name (at least one).
CONDITIONS = ("value", "at_least", "below", "loss_below", "error", "reference", "uses")


def budgets() -> Any:
    """The budgets a lesson's program runs within."""
    from gradtui.engine.program.budgets import Budgets

    return Budgets(seconds=CHECK_SECONDS)


class _Asked(threading.Event):
    """A run's cancel event that is also set when ``cancelled()`` says so (asked by the run
    between statements, as it asks its own event)."""

    def __init__(self, cancelled: Cancelled):
        super().__init__()
        self.asked = cancelled

    def is_set(self) -> bool:
        return super().is_set() or self.asked()


def _finish(run: Any, cancelled: Cancelled) -> Any:
    """Run ``run`` to its end; ``CheckCancelled`` when the check was called off meanwhile."""
    result = run.run()
    if cancelled():
        raise CheckCancelled
    return result


def check_program(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    """Compile and run ``answer`` (the learner's code), then judge the run."""
    from gradtui.engine.program import ProgramRefused, Run, compile_program
    from gradtui.engine.program.inputs import input_names, make_inputs

    inputs = params.get("inputs", "")
    try:
        program = compile_program(answer, input_names(inputs))
    except ProgramRefused as refused:
        return CheckResult(False, f"the code is refused: {refused}")
    run = Run(program, make_inputs(inputs), budgets(), _Asked(cancelled))
    return judge(params, run, _finish(run, cancelled), answer, cancelled)


def judge(
    params: Mapping, run: Any, result: Any, text: str, cancelled: Cancelled = never
) -> CheckResult:
    """Does the finished ``run`` (its ``result``, from code ``text``) meet ``params``?"""
    seen: list[str] = []
    if "error" in params:
        ok, detail = _error(params, result)
        if not ok:
            return CheckResult(False, detail)
        seen.append(detail)
    elif result.status != "finished":
        return CheckResult(False, _ending(result))
    for part in (_uses, _variable, _loss):
        ok, detail = part(params, run, result, text)
        if detail:
            seen.append(detail)
        if not ok:
            return CheckResult(False, "; ".join(seen))
    if "reference" in params:
        ok, detail = _reference(params, run, cancelled)
        if detail:
            seen.append(detail)
        if not ok:
            return CheckResult(False, "; ".join(seen))
    return CheckResult(True, "; ".join(seen))


def _ending(result: Any) -> str:
    if result.error is not None:
        error = result.error
        return f"line {error.line} raised {error.type}: {error.message}"
    if result.stop is not None:
        return f"the run stopped on line {result.stop.line}: {result.stop.message}"
    if result.refused is not None:
        return f"refused: {result.refused}"
    return f"the run ended as {result.status}"


def _error(params: Mapping, result: Any) -> tuple[bool, str]:
    want, piece = params["error"], params.get("message", "")
    error = result.error
    wanted = f"the goal is to meet {want}" + (f" ('{piece}')" if piece else "")
    if error is None:
        return False, f"{_ending(result) if result.status != 'finished' else 'no error'}; {wanted}"
    ok = error.type == want and piece.lower() in error.message.lower()
    return ok, f"line {error.line} raised {error.type}: {error.message}" + (
        "" if ok else f"; {wanted}"
    )


def _uses(params: Mapping, run: Any, result: Any, text: str) -> tuple[bool, str]:
    wanted = params.get("uses")
    if not wanted:
        return True, ""
    used = _names_in(text)
    missing = [name for name in wanted if name not in used]
    if missing:
        return False, f"the code does not use {', '.join(missing)} yet"
    return True, ""


def _names_in(text: str) -> set[str]:
    """Every name and attribute name the code mentions."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def _variable(params: Mapping, run: Any, result: Any, text: str) -> tuple[bool, str]:
    name = params.get("variable")
    if name is None:
        return True, ""
    if name not in run.globals or name in run.prelude and run.globals[name] is run.prelude[name]:
        return False, f"the program has no variable '{name}' at its end"
    value = numbers_of(run.globals[name])
    if value is None:
        return False, f"'{name}' holds no number or tensor of numbers"
    shown = f"{name} = {show(value)}"
    if "value" in params:
        ok, how = close(value, params["value"], params.get("tol", 1e-4))
        return ok, f"{shown}; the goal is {show(params['value'])} ({how})"
    one = value if not isinstance(value, list) else None
    if one is None:
        return False, f"'{name}' holds several numbers: the goal compares one"
    if "at_least" in params and not one >= params["at_least"]:
        return False, f"{shown}; the goal is at least {params['at_least']:g}"
    if "below" in params and not one < params["below"]:
        return False, f"{shown}; the goal is below {params['below']:g}"
    goal = [f"at least {params['at_least']:g}"] if "at_least" in params else []
    goal += [f"below {params['below']:g}"] if "below" in params else []
    return True, f"{shown} ({' and '.join(goal)})" if goal else shown


def _loss(params: Mapping, run: Any, result: Any, text: str) -> tuple[bool, str]:
    goal = params.get("loss_below")
    if goal is None:
        return True, ""
    if not result.losses:
        return False, "nothing was assigned to 'loss'"
    last = result.losses[-1]
    backwards = run.ctx.backward_calls
    steps = params.get("steps")
    said = f"the last loss is {last:.6g} after {backwards} backward() call(s)"
    if steps is not None and backwards > steps:
        return False, f"{said}; the goal is below {goal:g} within {steps} steps"
    ok = math.isfinite(last) and last < goal
    within = f" within {steps} steps" if steps is not None else ""
    return ok, f"{said}; the goal is below {goal:g}{within}"


def _reference(params: Mapping, run: Any, cancelled: Cancelled) -> tuple[bool, str]:
    from gradtui.engine.program import Run, compile_program
    from gradtui.engine.program.inputs import input_names, make_inputs

    inputs, source = params.get("inputs", ""), params["reference"]
    program = compile_program(source, input_names(inputs))
    theirs = Run(program, make_inputs(inputs), budgets(), _Asked(cancelled))
    ended = _finish(theirs, cancelled)
    if ended.status != "finished":  # the lesson's own program: lessons check catches it
        return False, f"the reference program did not finish: {_ending(ended)}"
    names = params.get("compare") or [
        n
        for n, v in theirs.globals.items()
        if n not in theirs.prelude and numbers_of(v) is not None
    ]
    tol = params.get("tol", 1e-4)
    for name in names:
        want = numbers_of(theirs.globals.get(name))
        got = numbers_of(run.globals.get(name)) if name in run.globals else None
        if got is None:
            return False, f"the program has no '{name}' to compare with the reference's"
        ok, how = close(_flat(got), _flat(want), tol)
        if not ok:
            return False, f"{name} differs from the reference run: {name} = {show(got)} ({how})"
    return True, f"the same {', '.join(names)} as the reference run (tolerance {tol:g})"


def numbers_of(value: Any) -> Any:
    """A number, or a tensor (or list of numbers) as a number or a flat list; else None."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        torch = None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if torch is not None and isinstance(value, torch.Tensor):
        if value.numel() > 100_000 or value.is_complex():
            return None
        flat = value.detach().double().flatten().tolist()
        return flat[0] if value.dim() == 0 else flat
    if isinstance(value, list | tuple) and value and len(value) <= 100_000:
        items = [numbers_of(v) for v in value]
        if all(isinstance(i, float) for i in items):
            return items
        if all(isinstance(i, list | float) for i in items):
            return _flat(items)
    return None


def _flat(value: Any) -> list[float]:
    if not isinstance(value, list):
        return [value]
    out: list[float] = []
    for item in value:
        out.extend(_flat(item))
    return out
