"""Which of fastbook's seven steps a line of the program does, read from its text.

init (1) → predict (2) → loss (3) → gradient (4) → step (5) → repeat (6) → stop (7).
``loss.backward()`` is the gradient; the update under ``torch.no_grad()``, ``opt.step()``,
``.data`` updates and zeroing the grads are the step; the loop header is the repeat; ``break``
and the end are the stop. A call of one of the program's functions does what its body does.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from gradtui.engine.program.source import walk

PHASES = {
    "init": 1,
    "predict": 2,
    "loss": 3,
    "gradient": 4,
    "step": 5,
    "repeat": 6,
    "stop": 7,
}
# The statement's main kind, when it does several: the most telling one first.
_PRIORITY = ("gradient", "step", "loss", "predict", "init", "repeat", "stop")
_LOSS_FUNCTIONS = {"mse", "mse_loss", "l1_loss", "binary_cross_entropy", "cross_entropy"}
_INIT_CALLS = {"requires_grad_", "manual_seed", "Linear", "Sequential", "SGD", "Adam"}
_UPDATE_CALLS = {"step", "zero_grad", "zero_", "sub_", "add_"}


def kinds_of(
    node: ast.AST, no_grad: bool, looping: bool, functions: Mapping[str, frozenset[str]]
) -> set[str]:
    """The kinds of step one statement (header included, body excluded) does.

    ``looping``: inside a loop or a function, where arithmetic is the model's forward pass;
    at the top, outside loops, only a call of the program's own function or '@' is.
    """
    kinds: set[str] = set()
    if isinstance(node, ast.For | ast.While):
        kinds.add("repeat")
        parts: list[ast.AST] = [node.iter if isinstance(node, ast.For) else node.test]
    elif isinstance(node, ast.Break):
        return {"stop"}
    elif isinstance(node, ast.Continue):
        return {"repeat"}
    elif isinstance(node, ast.With):
        return {"step"}
    elif isinstance(node, ast.If):
        parts = [node.test]
    elif isinstance(node, ast.FunctionDef | ast.Import | ast.ImportFrom | ast.Pass):
        return set()
    else:
        parts = [node]
    nodes = [n for part in parts for n in walk(part)]
    kinds |= _expression_kinds(nodes, functions)
    targets = _targets(node)
    if any(_mentions_loss(walk(t)) for t in targets):
        kinds.add("loss")
    if any(_has_attribute(walk(t), ("data", "grad")) for t in targets):
        kinds.add("step")
    if isinstance(node, ast.AugAssign) and _has_attribute(walk(node.value), ("grad",)):
        kinds.add("step")  # w -= w.grad * lr, even outside no_grad (the classic mistake)
    if no_grad and (targets or kinds & {"predict"}):
        kinds.discard("predict")
        kinds.add("step")
    plain = isinstance(node, ast.Assign | ast.AugAssign | ast.Expr | ast.Return)
    computes = plain and not kinds and not no_grad  # parts is [node]: nodes are all of it
    if computes and (_calls_own(nodes, functions) or (looping and _computes(nodes))):
        kinds.add("predict")
    return kinds


def main_kind(kinds: set[str]) -> str:
    """The one kind that names the step ('other' when it is none of the seven)."""
    return next((k for k in _PRIORITY if k in kinds), "other")


def phase_numbers(kinds: set[str]) -> tuple[int, ...]:
    """The seven steps' numbers, in order."""
    return tuple(sorted(PHASES[k] for k in kinds if k in PHASES))


def function_kinds(functions: Mapping[str, ast.FunctionDef]) -> dict[str, frozenset[str]]:
    """What each of the program's functions does, through the functions it calls."""
    kinds: dict[str, frozenset[str]] = {name: frozenset() for name in functions}
    for _ in range(len(functions) + 1):  # a fixed point: calls spread one level per pass
        changed = False
        for name, node in functions.items():
            found: set[str] = set()
            for stmt, no_grad in _statements(node.body, False):
                found |= kinds_of(stmt, no_grad, True, kinds)
            found.discard("stop")
            if found != kinds[name]:
                kinds[name], changed = frozenset(found), True
        if not changed:
            break
    return kinds


def _statements(body: list[ast.stmt], no_grad: bool):
    for stmt in body:
        yield stmt, no_grad
        inner = no_grad or isinstance(stmt, ast.With)
        for name in ("body", "orelse"):
            if not isinstance(stmt, ast.FunctionDef):
                yield from _statements(getattr(stmt, name, []), inner)


def _expression_kinds(nodes: list[ast.AST], functions: Mapping[str, frozenset[str]]) -> set[str]:
    kinds: set[str] = set()
    for sub in nodes:
        if not isinstance(sub, ast.Call):
            continue
        name = _called_name(sub.func)
        if name == "backward":
            kinds.add("gradient")
        elif name in _UPDATE_CALLS and isinstance(sub.func, ast.Attribute):
            kinds.add("step")
        elif name in _INIT_CALLS or any(k.arg == "requires_grad" for k in sub.keywords):
            kinds.add("init")
        elif name in _LOSS_FUNCTIONS or "loss" in name.lower():
            kinds.add("loss")
        if isinstance(sub.func, ast.Name) and name in functions:
            kinds |= functions[name]
    return kinds


def _called_name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _targets(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, ast.AugAssign):
        return [node.target]
    return []


def _mentions_loss(nodes: list[ast.AST]) -> bool:
    return any(isinstance(n, ast.Name) and "loss" in n.id.lower() for n in nodes)


def _has_attribute(nodes: list[ast.AST], names: tuple[str, ...]) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr in names for n in nodes)


def _calls_own(nodes: list[ast.AST], functions: Mapping[str, frozenset[str]]) -> bool:
    """A call of one of the program's functions (the model), or '@'."""
    for sub in nodes:
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.MatMult):
            return True
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Name)
            and sub.func.id in functions
        ):
            return True
    return False


def _computes(nodes: list[ast.AST]) -> bool:
    """Arithmetic or a call other than print: a forward computation."""
    for sub in nodes:
        if isinstance(sub, ast.BinOp | ast.UnaryOp):
            return True
        if isinstance(sub, ast.Call) and _called_name(sub.func) != "print":
            return True
    return False
