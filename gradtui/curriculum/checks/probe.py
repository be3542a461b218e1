"""Check kinds that look at fn at its start value, through the autograd probe.

``grad_equals``, ``value_equals``, ``grad_fn_is``, ``error_is`` and
``finite_difference_close`` (mode "descend"): each runs the seed's steps once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradtui.curriculum import rules
from gradtui.curriculum.budget import step_numbers
from gradtui.curriculum.checks.registry import (
    LEARNER_ERRORS,
    Cancelled,
    CheckResult,
    Param,
    check_kind,
    close,
    never,
    show,
)
from gradtui.curriculum.schema import DEFAULT_TOL
from gradtui.engine.autograd.numeric import DIFFERENCES
from gradtui.engine.training.playground import Playground


def _probe_steps(params: Mapping, pg: Playground, free: bool) -> int:
    return 1  # fn evaluated once at its start


def _probe(pg: Playground) -> Any:
    from gradtui.engine.autograd.probe import probe

    if pg.mode != "descend":
        raise ValueError("this check looks at fn at its start value: it needs mode 'descend'")
    return probe(pg.fn, pg.starting_values(), dtype=pg.dtype)


def _variable(result: Any, params: Mapping[str, Any]) -> str:
    name = params.get("variable")
    if name is None:
        if len(result.grads) != 1:
            raise ValueError(f"fn has several variables ({', '.join(result.grads)}): which one?")
        return next(iter(result.grads))
    if name not in result.grads:
        raise ValueError(f"fn does not use the variable '{name}'")
    return name


@check_kind(
    "grad_equals",
    params={
        "value": Param(rules.numbers, required=True),
        "tol": Param(rules.tol),
        "variable": Param(rules.name),
    },
    modes=("descend",),
    steps=_probe_steps,
)
def check_grad_equals(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    result = _probe(pg)
    name = _variable(result, params)
    grad = result.grads[name]
    if grad is None:
        return CheckResult(False, f"{name}.grad is None: y does not depend on {name}")
    ok, how = close(grad, params["value"], params.get("tol", DEFAULT_TOL))
    goal = show(params["value"])
    return CheckResult(ok, f"{name}.grad is {result.grad_reprs[name]}; the goal is {goal} ({how})")


@check_kind(
    "value_equals",
    params={"value": Param(rules.numbers, required=True), "tol": Param(rules.tol)},
    modes=("descend",),
    steps=_probe_steps,
)
def check_value_equals(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    result = _probe(pg)
    ok, how = close(result.value, params["value"], params.get("tol", DEFAULT_TOL))
    return CheckResult(ok, f"y is {result.value_repr}; the goal is {show(params['value'])} ({how})")


@check_kind(
    "grad_fn_is",
    params={"name": Param(rules.text(500), required=True)},
    modes=("descend",),
    steps=_probe_steps,
)
def check_grad_fn_is(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    result = _probe(pg)
    want = params["name"]
    return CheckResult(
        result.grad_fn == want, f"y has grad_fn=<{result.grad_fn}>; the goal is <{want}>"
    )


@check_kind(
    "error_is",
    params={"fragment": Param(rules.text(500), required=True)},
    modes=("descend",),
    steps=_probe_steps,
)
def check_error_is(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    try:
        result = _probe(pg)
    except LEARNER_ERRORS as err:
        text = str(err)
        return CheckResult(params["fragment"].lower() in text.lower(), text)
    grads = ", ".join(f"{n}.grad = {r}" for n, r in result.grad_reprs.items())
    return CheckResult(False, f"no error: y = {result.value_repr}, {grads}")


@check_kind(
    "finite_difference_close",
    params={
        "tol": Param(rules.tol, required=True),
        "variable": Param(rules.name),
        "difference": Param(rules.choice(tuple(DIFFERENCES))),
    },
    modes=("descend",),
    steps=lambda params, pg, free: 1 + step_numbers(pg),  # fn once, then once per number
)
def check_finite_difference_close(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    """The forward (default) or central difference at ``h`` is within ``tol`` of ``.grad``."""
    from gradtui.engine.autograd.numeric import differences
    from gradtui.engine.expr.expr import compile_expr
    from gradtui.engine.training.problem import name_values

    result = _probe(pg)
    name = _variable(result, params)
    expr = compile_expr(pg.fn)
    values = name_values(expr, pg.starting_values())
    tensors = {n: v.to_tensor(pg.dtype) for n, v in values.items()}
    kind = params.get("difference", "forward")
    slope = differences(kind, expr, tensors, pg.h)[name].tolist()
    ok, how = close(slope, result.grads[name], params["tol"])
    formula = DIFFERENCES[kind].replace("x", name)
    detail = (
        f"with h = {pg.h:g}, {formula} = {show(slope)} and "
        f"{name}.grad = {show(result.grads[name])} ({how})"
    )
    return CheckResult(ok, detail)
