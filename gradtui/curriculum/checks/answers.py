"""Check kinds that judge a typed answer: ``answer_is`` (words) and ``answer_near`` (a number)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from gradtui.curriculum import rules
from gradtui.curriculum.checks.registry import (
    LOOP_MODES,
    Cancelled,
    CheckResult,
    Param,
    check_kind,
    never,
)
from gradtui.curriculum.schema import DEFAULT_REL_TOL
from gradtui.engine.training.playground import Playground


@check_kind(
    "answer_is",
    params={"accept": Param(rules.texts, required=True)},
    modes=LOOP_MODES,
    answer=True,
)
def check_answer_is(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    given = normalise_answer(answer)
    if not given:
        return CheckResult(False, "no answer typed yet")
    ok = given in {normalise_answer(a) for a in params["accept"]}
    return CheckResult(
        ok, f"'{answer.strip()}' is right" if ok else f"'{answer.strip()}' is not it"
    )


@check_kind(
    "answer_near",
    params={"value": Param(rules.number, required=True), "rel_tol": Param(rules.tol)},
    modes=LOOP_MODES,
    answer=True,
)
def check_answer_near(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    """The typed answer is a number within ``rel_tol`` (relative) of ``value``."""
    typed = answer.strip()
    if not typed:
        return CheckResult(False, "no answer typed yet")
    try:
        number = float(typed.replace(" ", "").replace("_", ""))
    except ValueError:
        return CheckResult(False, f"'{typed}' is not a number (type it as 0.0123 or 1.23e-2)")
    value, tol = params["value"], params.get("rel_tol", DEFAULT_REL_TOL)
    ok = math.isfinite(number) and abs(number - value) <= tol * abs(value)
    return CheckResult(ok, f"'{typed}' is right" if ok else f"'{typed}' is not it")


def normalise_answer(text: str) -> str:
    """Lowercase, without spaces or punctuation: ``'Step 5.'`` becomes ``'step5'``."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())
