"""The autograd probe: the seed's three steps on a learner's expression, with torch's own reprs.

``x = torch.tensor(3.).requires_grad_()``, ``y = f(x)``, ``y.backward()``, ``x.grad``: each line
is run for real and its output kept as torch prints it. Torch's errors are kept word for word
and explained in plain language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gradtui.engine.expr.expr import Expression, compile_expr
from gradtui.engine.expr.values import Values, format_number, parse_values, round_trip
from gradtui.engine.training.problem import name_values
from gradtui.engine.training.torch_errors import failure

# Longer vectors are written with '...' in the session lines, as torch prints them.
SUMMARY_THRESHOLD = 1000


@dataclass(frozen=True)
class GraphNode:
    """One node of the ``grad_fn`` graph: its name, the variable it feeds, its inputs.

    ``value`` (the node's output) and ``grad`` (the gradient flowing into it) are filled in
    only by ``engine.graph.trace_graph``; they stay ``None`` otherwise.
    """

    name: str
    variable: str | None = None
    shape: tuple[int, ...] = ()
    children: tuple[GraphNode, ...] = ()
    value: float | list[float] | None = None
    grad: float | list[float] | None = None

    def to_dict(self) -> dict[str, Any]:
        node: dict[str, Any] = {"name": self.name}
        if self.variable:
            node["variable"] = self.variable
            node["shape"] = list(self.shape)
        if self.value is not None:
            node["value"] = self.value
            node["shape"] = list(self.shape)
        if self.grad is not None:
            node["grad"] = self.grad
        if self.children:
            node["children"] = [c.to_dict() for c in self.children]
        return node


@dataclass(frozen=True)
class ProbeResult:
    """What the probe saw: value, grad_fn, grads, the reprs and the session lines."""

    expr: str
    dtype: str
    value: float | list[float]
    value_repr: str
    grad_fn: str | None
    grads: dict[str, float | list[float] | None]
    grad_reprs: dict[str, str]
    lines: list[tuple[str, str]] = field(default_factory=list)
    graph: GraphNode | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``gradtui grad --json`` object; ``grad`` is keyed by name for several variables."""
        single = len(self.grads) == 1
        grad = next(iter(self.grads.values())) if single else dict(self.grads)
        reprs = next(iter(self.grad_reprs.values())) if single else dict(self.grad_reprs)
        return {
            "expr": self.expr,
            "dtype": self.dtype,
            "value": self.value,
            "value_repr": self.value_repr,
            "grad_fn": self.grad_fn,
            "grad": grad,
            "grad_repr": reprs,
            "graph": self.graph.to_dict() if self.graph else None,
        }


def free_name(preferred: str, taken: Iterable[str], fallback: str = "out") -> str:
    """``preferred`` unless a variable already has it, else ``out``, ``out2``, ``out3``...

    The session lines name the result (``y``) and the function (``f``); a learner's variable
    with the same name would be overwritten when the lines are run.
    """
    used = set(taken)
    name, n = preferred, 1
    while name in used:
        name = fallback if n == 1 else f"{fallback}{n}"
        n += 1
    return name


def tensor_literal(values: Values, dtype: str) -> str:
    """The ``torch.tensor(...)`` call that builds these values with this dtype."""
    as_int = dtype == "int64" or (dtype == "auto" and values.integer_literals)
    numbers = values.numbers
    if len(numbers) > SUMMARY_THRESHOLD:  # summarised as torch prints a long tensor
        ends = [format_number(n, as_int) for n in (*numbers[:3], *numbers[-3:])]
        body = f"[{', '.join(ends[:3])}, ..., {', '.join(ends[3:])}]"
    else:
        items = [format_number(n, as_int) for n in numbers]
        body = f"[{', '.join(items)}]" if values.is_vector else items[0]
    suffix = ", dtype=torch.float64" if dtype == "float64" else ""
    return f"torch.tensor({body}{suffix})"


def probe(
    expr: Expression | str,
    inputs: Mapping[str, Values | str],
    dtype: str = "float32",
) -> ProbeResult:
    """Run ``requires_grad_()``, ``y = f(...)``, ``y.backward()`` and read each ``.grad``.

    ``inputs`` maps variable names to values; a single unnamed value (key ``""``) goes to the
    expression's only variable.
    """
    if isinstance(expr, str):  # before importing torch: a refused text is answered at once
        expr = compile_expr(expr)
    import torch

    named = _name_inputs(expr, inputs)
    args = ", ".join(named)
    out, fn = free_name("y", named), free_name("f", named, "fn")
    lines: list[tuple[str, str]] = [(f"def {fn}({args}): return {expr.text.strip()}", "")]
    tensors: dict[str, Any] = {}
    for name, values in named.items():
        line = f"{name} = {tensor_literal(values, dtype)}.requires_grad_()"
        lines.append((line, ""))
        try:
            tensors[name] = values.to_tensor(dtype).requires_grad_()
        except (RuntimeError, TypeError, ValueError, OverflowError) as err:
            raise failure(err, lines) from None
    lines.append((f"{out} = {fn}({args})", ""))
    try:
        y = expr(**tensors)
        if not isinstance(y, torch.Tensor):
            y = torch.tensor(float(y))
    except (RuntimeError, TypeError, OverflowError, ValueError) as err:
        raise failure(err, lines) from None
    lines.append((out, repr(y)))
    lines.append((f"{out}.backward()", ""))
    try:
        y.backward()
    except RuntimeError as err:
        raise failure(err, lines) from None
    grads: dict[str, Any] = {}
    grad_reprs: dict[str, str] = {}
    for name, tensor in tensors.items():
        grad = tensor.grad
        grads[name] = None if grad is None else grad.tolist()
        grad_reprs[name] = repr(grad)
        lines.append((f"{name}.grad", grad_reprs[name]))
    return ProbeResult(
        expr=expr.text,
        dtype=dtype,
        value=y.detach().tolist(),
        value_repr=repr(y),
        grad_fn=type(y.grad_fn).__name__ if y.grad_fn is not None else None,
        grads=grads,
        grad_reprs=grad_reprs,
        lines=lines,
        graph=grad_graph(y.grad_fn, tensors),
    )


def grad_graph(
    grad_fn: Any,
    tensors: Mapping[str, Any],
    limit: int = 200,
    details: Mapping[int, tuple[Any, Any]] | None = None,
) -> GraphNode | None:
    """The ``grad_fn`` graph, following ``next_functions`` down to the leaf variables.

    ``details`` maps ``id(node)`` to the (output tensor, incoming gradient) seen for that node;
    leaves read their variable and its ``.grad``.
    """
    if grad_fn is None:
        return None
    names = {id(t): n for n, t in tensors.items()}
    seen = details or {}
    count = 0

    def walk(fn: Any) -> GraphNode:
        nonlocal count
        count += 1
        variable = getattr(fn, "variable", None)
        if variable is not None:
            shape = tuple(variable.shape)
            name = names.get(id(variable), "?")
            if details is None:
                return GraphNode(type(fn).__name__, name, shape)
            return GraphNode(
                type(fn).__name__, name, shape, (), _listed(variable), _listed(variable.grad)
            )
        children = tuple(
            walk(child) for child, _ in fn.next_functions if child is not None and count < limit
        )
        output, grad = seen.get(id(fn), (None, None))
        shape = tuple(output.shape) if output is not None else ()
        return GraphNode(type(fn).__name__, None, shape, children, _listed(output), _listed(grad))

    return walk(grad_fn)


def _listed(tensor: Any) -> Any:
    return None if tensor is None else tensor.detach().tolist()


def _name_inputs(expr: Expression, inputs: Mapping[str, Values | str]) -> dict[str, Values]:
    parsed = {k: parse_values(v) if isinstance(v, str) else v for k, v in inputs.items()}
    return name_values(expr, parsed, missing="no value given for")


def values_of(value: Any, dtype: str = "float32") -> Values:
    """Engine numbers (a float or a list) as ``Values`` that print and rebuild them exactly."""
    numbers = value if isinstance(value, list) else [value]
    exact = tuple(round_trip(float(n), dtype) for n in numbers)
    return Values(exact, isinstance(value, list), False)


def probe_at(problem: Any, params: Mapping[str, Any]) -> ProbeResult:
    """The autograd steps at these parameter values, for the live panel.

    Descend mode shows the seed's lines; fit mode shows the parameters, the predictions, the
    MSE loss, ``loss.backward()`` and each parameter's ``.grad``.
    """
    from dataclasses import replace

    start = {name: values_of(params[name], problem.dtype) for name in problem.param_names}
    if not problem.is_fit:
        return probe(problem.expr, start, problem.dtype)
    built = replace(problem, start=start).build()
    names = problem.param_names
    lines = [
        (f"{n} = {tensor_literal(start[n], problem.dtype)}.requires_grad_()", "") for n in names
    ]
    data_name = next(iter(problem.data))
    preds, out = free_name("preds", names), free_name("loss", names)
    lines.append((f"{preds} = f({data_name})", ""))
    lines.append((f"{out} = {problem.loss}({preds}, targets)", ""))
    try:
        loss = built.loss(built.predict(built.params))
        lines.append((out, repr(loss)))
        lines.append((f"{out}.backward()", ""))
        loss.backward()
    except (RuntimeError, TypeError, ValueError, OverflowError) as err:
        raise failure(err, lines) from None
    grads = {n: built.params[n].grad.tolist() for n in names}
    grad_reprs = {n: repr(built.params[n].grad) for n in names}
    lines += [(f"{n}.grad", grad_reprs[n]) for n in names]
    return ProbeResult(
        expr=problem.expr.text,
        dtype=problem.dtype,
        value=loss.item(),
        value_repr=repr(loss),
        grad_fn=type(loss.grad_fn).__name__,
        grads=grads,
        grad_reprs=grad_reprs,
        lines=lines,
        graph=grad_graph(loss.grad_fn, built.params),
    )
