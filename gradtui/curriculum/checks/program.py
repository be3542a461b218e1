"""The ``program`` check kind: the learner's code (the task's "code" field), run in
gradtui's PyTorch subset and judged by ``curriculum.program_check``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradtui.curriculum import rules
from gradtui.curriculum.checks.registry import (
    LOOP_MODES,
    Cancelled,
    CheckResult,
    Param,
    check_kind,
    never,
)
from gradtui.curriculum.schema import CODE, Check
from gradtui.engine.training.playground import Playground


def _program_fits(check: Check, setup: Mapping, solution: Mapping, editable: Any) -> list[str]:
    """A code task: starter code, a solution and a reference that compile with the check's
    inputs, and a check that names something that must hold."""
    from gradtui.curriculum.program_check import CONDITIONS

    problems = []
    if not (isinstance(editable, list | tuple) and CODE in editable):
        problems.append("the program check needs 'code' in editable")
    if CODE not in setup:
        problems.append("a code task needs starter 'code'")
    params = check.params
    given = params.get("inputs", "")
    for key, table in ((CODE, solution), ("reference", params)):
        if key in table:
            try:
                rules.program(table[key], given)
            except rules.Invalid as err:
                problems.append(f"'{key}' {err}")
        elif key == CODE:
            problems.append("the solution needs its 'code'")
    if not any(c in params for c in CONDITIONS):
        problems.append("the program check names nothing that must hold")
    if any(c in params for c in ("value", "at_least", "below")) and "variable" not in params:
        problems.append("value, at_least and below need 'variable'")
    if "message" in params and "error" not in params:
        problems.append("'message' goes with 'error'")
    return problems


@check_kind(
    "program",
    params={
        "inputs": Param(rules.inputs),
        "variable": Param(rules.name),
        "value": Param(rules.numbers),
        "tol": Param(rules.tol),
        "at_least": Param(rules.number),
        "below": Param(rules.number),
        "loss_below": Param(rules.number),
        "steps": Param(rules.positive_int),
        "error": Param(rules.name),
        "message": Param(rules.text(500)),
        "reference": Param(rules.code),  # compiled by fits, with the check's inputs
        "compare": Param(rules.texts),
        "uses": Param(rules.texts),
    },
    modes=LOOP_MODES,
    fits=_program_fits,
)
def check_program(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    """Run the learner's code (``answer``) and judge what holds after it (program_check.py)."""
    from gradtui.curriculum.program_check import check_program as run_and_judge

    return run_and_judge(params, pg, answer, cancelled)
