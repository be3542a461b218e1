"""What the loop minimises: a function of its own variables, or a model fitted to data.

A ``Problem`` is torch-free data (texts and numbers); ``build()`` turns it into tensors and a
``predict``/``loss`` pair for the stepper.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from gradtui.engine.expr.expr import ExprError, Expression, compile_expr
from gradtui.engine.expr.values import DTYPES, Values
from gradtui.limits import MAX_LENGTH

LOSSES = ("mse", "mae")


@dataclass(frozen=True)
class Problem:
    """Descend ``expr`` itself (``data`` empty), or fit the model ``expr`` to ``data``.

    In fit mode ``data`` holds the input column(s) by variable name (e.g. ``t``) and
    ``targets`` the values to match; every other variable of ``expr`` is a parameter.
    """

    expr: Expression
    start: Mapping[str, Values]
    data: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    targets: tuple[float, ...] = ()
    loss: str = "mse"
    dtype: str = "float32"

    @property
    def is_fit(self) -> bool:
        return bool(self.data)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(n for n in self.expr.variables if n not in self.data)

    def build(self) -> Built:
        """Tensors for the parameters (``requires_grad``) and the predict/loss functions."""
        import torch

        from gradtui.engine.training.torch_errors import TorchError, explain

        dtype = getattr(torch, "float32" if self.dtype == "auto" else self.dtype)
        params = {}
        for name in self.param_names:
            try:
                tensor = self.start[name].to_tensor(self.dtype)
                params[name] = tensor.requires_grad_()
            except (RuntimeError, TypeError, ValueError, OverflowError) as err:
                raise TorchError(f"{type(err).__name__}: {err}", explain(err)) from None
        evaluate, function = self.expr.evaluate, self.expr.function
        if not self.is_fit:
            as_loss = _as_loss(torch)
            # With a variable (all are parameters here) the result is always a tensor.
            current = partial(function, params) if params else lambda: as_loss(evaluate(params))
            return Built(params, evaluate, as_loss, current)
        data = {k: torch.tensor(v, dtype=dtype) for k, v in self.data.items()}
        targets = torch.tensor(self.targets, dtype=dtype)
        env = {**params, **data}  # the parameters change in place: one dict serves every step

        def predict_fit(p: Mapping[str, Any]) -> Any:
            return evaluate({**p, **data})

        if self.loss == "mae":
            return Built(
                params,
                predict_fit,
                lambda preds: (preds - targets).abs().mean(),
                lambda: (function(env) - targets).abs().mean(),
            )
        return Built(
            params,
            predict_fit,
            lambda preds: ((preds - targets) ** 2).mean(),
            lambda: ((function(env) - targets) ** 2).mean(),
        )

    def predictions(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[float]:
        """The model's output for these parameter values at these inputs (for plotting)."""
        import torch

        dtype = getattr(torch, "float32" if self.dtype == "auto" else self.dtype)
        with torch.no_grad():
            tensors = {k: torch.tensor(v, dtype=dtype) for k, v in params.items()}
            tensors.update({k: torch.tensor(v, dtype=dtype) for k, v in inputs.items()})
            out = self.expr(**tensors)
            count = len(next(iter(inputs.values())))
            return torch.as_tensor(out, dtype=dtype).expand(count).tolist()


@dataclass(frozen=True)
class Built:
    """A problem as tensors: parameters, ``predict(params)`` and ``loss(preds)``.

    ``current_loss()`` is ``loss(predict(params))`` at ``params`` as they are now, in one call
    (the stepper's hot path; the parameters are updated in place between calls).
    """

    params: dict[str, Any]
    predict: Callable[[Mapping[str, Any]], Any]
    loss: Callable[[Any], Any]
    current_loss: Callable[[], Any]


def _as_loss(torch: Any) -> Callable[[Any], Any]:
    def identity(preds: Any) -> Any:
        # Only a constant evaluates to a Python number; checking for that is the cheap test.
        return torch.tensor(float(preds)) if isinstance(preds, float | int) else preds

    return identity


def descend_problem(
    expr: str | Expression, start: Mapping[str, Values], dtype: str = "float32"
) -> Problem:
    """Minimise ``expr`` over its variables, starting from ``start`` (``""`` = the only one)."""
    if isinstance(expr, str):
        expr = compile_expr(expr)
    start = name_values(expr, start)
    if not expr.variables:
        raise ExprError("the expression has no variable to change, such as x", expr.text)
    _check_dtype(dtype)
    return Problem(expr=expr, start=start, dtype=dtype)


def seeded_start(names: list[str], seed: int) -> dict[str, Values]:
    """Starting weights for ``names``: ``torch.randn(len(names))`` from a seeded generator."""
    import torch

    draws = torch.randn(len(names), generator=torch.Generator().manual_seed(seed)).tolist()
    return {n: Values((v,), False, False) for n, v in zip(names, draws, strict=True)}


def scalar_param(problem: Problem, values: dict[str, Any]) -> str | None:
    """The one parameter's name when it is a single number (its positions make the trail)."""
    names = problem.param_names
    if len(names) == 1 and not isinstance(values.get(names[0]), list):
        return names[0]
    return None


def name_values(
    expr: Expression, values: Mapping[str, Values], missing: str = "no starting value for"
) -> dict[str, Values]:
    """``values`` by the variable each is for: one unnamed value (key ``""``, as ``3`` is
    typed) is the only variable's (``x`` when there is none); every variable needs one."""
    if "" in values:
        if len(values) > 1 or len(expr.variables) > 1:
            names = ", ".join(expr.variables)
            raise ExprError(f"the expression uses {names}: give each a value, as in x=3")
        return {expr.variables[0] if expr.variables else "x": values[""]}
    unset = [n for n in expr.variables if n not in values]
    if unset:
        raise ExprError(f"{missing} {', '.join(unset)}", expr.text)
    return dict(values)


def fit_problem(
    model: str | Expression,
    inputs: Mapping[str, tuple[float, ...]],
    targets: tuple[float, ...],
    start: Mapping[str, Values],
    loss: str = "mse",
    dtype: str = "float32",
) -> Problem:
    """Fit ``model`` (over ``inputs`` and its parameters) to ``targets`` by ``loss``."""
    if isinstance(model, str):
        model = compile_expr(model)
    if loss not in LOSSES:
        raise ValueError(f"unknown loss '{loss}' (choose from {', '.join(LOSSES)})")
    _check_dtype(dtype)
    unused = [k for k in inputs if k not in model.variables]
    if unused:
        raise ExprError(f"the model does not use the input {', '.join(unused)}", model.text)
    lengths = {len(v) for v in inputs.values()} | {len(targets)}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError("inputs and targets must have the same, non-zero length")
    if lengths.pop() > MAX_LENGTH:
        raise ValueError(f"more than {MAX_LENGTH:,} data points")
    problem = Problem(model, dict(start), dict(inputs), tuple(targets), loss, dtype)
    missing = [n for n in problem.param_names if n not in start]
    if missing:
        raise ExprError(f"no starting value for {', '.join(missing)}", model.text)
    if not problem.param_names:
        raise ExprError("the model has no parameter to fit, such as a or b", model.text)
    return problem


def _check_dtype(dtype: str) -> None:
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype '{dtype}' (choose from {', '.join(DTYPES)})")
