"""The computation graph of one forward pass, with each node's value and incoming gradient.

``probe.grad_graph`` follows ``next_functions`` from the result down to the leaves; here the
forward pass runs under a ``TorchFunctionMode`` that keeps each op's output, and a hook on
every node keeps the gradient flowing into it during ``backward()``: micrograd's ``draw_dot``,
on real torch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from gradtui.engine.autograd.probe import GraphNode, free_name, grad_graph
from gradtui.engine.expr.values import Values, format_value
from gradtui.engine.training.problem import Problem
from gradtui.engine.training.torch_errors import TorchError, failure

MAX_NODES = 200
COUNT_LIMIT = 10_000  # a cut graph's nodes are counted up to this many


@dataclass(frozen=True)
class GraphTrace:
    """The graph of ``loss`` (or ``y``) at these parameter values, ready to draw.

    ``root`` holds at most about ``MAX_NODES`` nodes; ``total`` is how many the whole graph
    has, drawn as a tree (counted up to ``COUNT_LIMIT``).
    """

    root: GraphNode
    result_name: str
    value_repr: str
    total: int = 0

    @property
    def shown(self) -> int:
        """How many nodes ``root`` holds."""
        return _size(self.root)

    @property
    def cut_note(self) -> str | None:
        """What was left out, in words, when the graph is too big to draw whole."""
        shown = self.shown
        if self.total <= shown:
            return None
        total = f"more than {COUNT_LIMIT:,}" if self.total > COUNT_LIMIT else f"{self.total:,}"
        return (
            f"The graph has {total} nodes: only the first {shown:,} are drawn, "
            "the others are left out."
        )


def trace_graph(problem: Problem, params: Mapping[str, Any] | None = None) -> GraphTrace:
    """Run ``problem`` once at ``params`` (default: its start) and trace its ``grad_fn`` graph.

    Raises ``TorchError`` when torch refuses the forward or backward pass.
    """
    import torch
    from torch.overrides import TorchFunctionMode

    if params is not None:
        problem = at_values(problem, params)
    built = problem.build()
    outputs: dict[int, tuple[Any, Any]] = {}

    class KeepOutputs(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            fn = getattr(out, "grad_fn", None) if isinstance(out, torch.Tensor) else None
            if fn is not None:
                outputs[id(fn)] = (fn, out.detach().clone())  # fn kept alive: its id stays
            return out

    grads: dict[int, Any] = {}
    try:
        with KeepOutputs():
            loss = built.loss(built.predict(built.params))
        if loss.grad_fn is not None:
            for fn in _nodes(loss.grad_fn):
                fn.register_hook(_keep_grad(grads, id(fn)))
            loss.backward()
    except (RuntimeError, TypeError, ValueError, OverflowError) as err:
        raise failure(err, []) from None
    if loss.grad_fn is None:
        raise TorchError("the result does not depend on any variable: there is no graph")
    details = {key: (out, grads.get(key)) for key, (_, out) in outputs.items()}
    root = grad_graph(loss.grad_fn, built.params, MAX_NODES, details)
    assert root is not None
    name = free_name("loss" if problem.is_fit else "y", problem.param_names)
    return GraphTrace(root, name, repr(loss), _count(loss.grad_fn, COUNT_LIMIT + 1))


def at_values(problem: Problem, params: Mapping[str, Any]) -> Problem:
    """``problem`` starting exactly at these parameter values (numbers or lists)."""
    start = {}
    for name in problem.param_names:
        value = params[name]
        numbers = tuple(float(v) for v in value) if isinstance(value, list) else (float(value),)
        start[name] = Values(numbers, isinstance(value, list), False)
    return replace(problem, start=start)


def _keep_grad(grads: dict[int, Any], key: int):
    def hook(grad_inputs: Any, grad_outputs: Any) -> None:
        if grad_outputs and grad_outputs[0] is not None:
            grads[key] = grad_outputs[0].detach().clone()

    return hook


def _nodes(root: Any) -> list[Any]:
    """Every distinct non-leaf node under ``root`` (at most ``MAX_NODES``)."""
    found: dict[int, Any] = {}
    stack = [root]
    while stack and len(found) < MAX_NODES:
        fn = stack.pop()
        if fn is None or id(fn) in found or hasattr(fn, "variable"):
            continue
        found[id(fn)] = fn
        stack.extend(child for child, _ in fn.next_functions)
    return list(found.values())


def _count(root: Any, limit: int) -> int:
    """The nodes under ``root`` as ``grad_graph`` walks them (a shared node once per path),
    counted up to ``limit``."""
    count, stack = 0, [root]
    while stack and count < limit:
        fn = stack.pop()
        count += 1
        stack.extend(child for child, _ in fn.next_functions if child is not None)
    return count


def _size(node: GraphNode) -> int:
    count, stack = 0, [node]
    while stack:
        count += 1
        stack.extend(stack.pop().children)
    return count


def node_label(node: GraphNode) -> str:
    """``PowBackward0`` or ``x (leaf)``, with the shape when it is not a single number."""
    label = f"{node.variable} (leaf, {node.name})" if node.variable else node.name
    if node.shape:
        label += f" shape {list(node.shape)}"
    return label


def node_numbers(node: GraphNode) -> str:
    """``value 9  grad in 1``: the node's output and the gradient flowing into it."""
    return f"value {format_value(node.value)}   grad {format_value(node.grad)}"


def render_tree(trace: GraphTrace) -> list[str]:
    """The graph as text lines, root first, with tree branches (``├─``, ``└─``)."""
    lines = [f"{trace.result_name} = {trace.value_repr}"]

    def walk(node: GraphNode, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        lines.append(f"{prefix}{branch}{node_label(node)}   {node_numbers(node)}")
        inner = prefix if top else prefix + ("   " if last else "│  ")
        for i, child in enumerate(node.children):
            walk(child, inner, i == len(node.children) - 1, False)

    walk(trace.root, "", True, True)
    if trace.cut_note:
        lines.append(trace.cut_note)
    return lines
