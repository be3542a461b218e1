"""Reading names and constants: the loaders, and operands read without a call.

A name is read as Python reads it (see ``names.py``): a function's own variable from its
frame (``UnboundLocalError`` before it is assigned), any other from the program's globals,
then the allowed builtins (``NameError`` when neither has it). A loader is a closure of the
running frame, like every compiled expression.

An ``Operand`` says how the closure that uses an expression may read it: a constant is a
value, a name of the frame or of the globals is one dictionary lookup written out in that
closure (``x @ w`` without two nested calls), anything else is its closure. The loader stays
the way to read the name whenever the lookup fails, so the learner gets the same error at
the same place.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gradtui.engine.program import allowlist
from gradtui.engine.program.interpreter import Where, mark
from gradtui.engine.program.pybuiltins import make_builtins
from gradtui.engine.program.values import resolve

Closure = Callable[[Any], Any]
BUILTINS = make_builtins()
EXPR, CONSTANT, NAME = "expr", "constant", "name"


@dataclass(frozen=True)
class Operand:
    """An expression as the closure that uses it may read it.

    ``kind``: EXPR (call ``load``), CONSTANT (``value`` is the constant) or NAME (``value``
    is the name, in the frame's locals when ``local``, else in the globals; on a ``KeyError``
    call ``load``, which returns the builtin or raises the learner's error).
    """

    load: Closure
    kind: str = EXPR
    value: Any = None
    local: bool = False


def constant(value: Any) -> Closure:
    """A constant's closure."""
    return lambda f: value


def lazy(path: str) -> Closure:
    """A module or member of the allowlist, looked up (and torch imported) on first use."""
    value: Any = None

    def run(f: Any) -> Any:
        nonlocal value
        if value is None:
            value = resolve(path)
        return value

    return run


def local_loader(name: str, hops: int, where: Where) -> Closure:
    """A variable of the running function (``hops`` frames out, for a comprehension's)."""

    def unbound() -> Exception:
        error = UnboundLocalError(
            f"cannot access local variable '{name}' where it is not associated with a value"
        )
        mark(error, where)
        return error

    if hops == 0:

        def run(f: Any) -> Any:
            try:
                return f.locals[name]
            except KeyError:
                raise unbound() from None

        return run

    def run_outer(f: Any) -> Any:
        for _ in range(hops):
            f = f.parent
        try:
            return f.locals[name]
        except KeyError:
            raise unbound() from None

    return run_outer


def global_loader(name: str, where: Where) -> Closure:
    """A global of the program, else an allowed builtin of that name."""

    def run(f: Any) -> Any:
        try:
            return f.globals[name]
        except KeyError:
            pass
        try:
            return BUILTINS[name]
        except KeyError:
            error = NameError(f"name '{name}' is not defined")
            mark(error, where)
            raise error from None

    return run


def tensor_attribute(c: Any, node: ast.AST) -> tuple[Operand, str, Where] | None:
    """``p.grad``, ``p.data``: a tensor attribute of a name read in place (the name's
    ``Operand``, the attribute and the attribute's place), else None. A closure that reads
    it itself does what ``ExprCompiler.visit_Attribute``'s closure does."""
    if not isinstance(node, ast.Attribute) or node.attr not in allowlist.TENSOR_ATTRIBUTES:
        return None
    if not isinstance(node.value, ast.Name) or c.static_path(node)[0] is not None:
        return None
    holder = c.operand(node.value)
    return (holder, node.attr, c.where(node)) if holder.kind == NAME else None
