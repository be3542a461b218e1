"""Expressions of a program, checked against the allowlist and compiled into closures.

Each node becomes a function of the running frame. Names are resolved as Python resolves
them (see ``names.py``); ``torch.X`` chains are checked when compiling, so a refused member
never reaches the run. A node that can fail remembers its place on the exception, so the
learner's error points at the part of the line that raised it.
"""

from __future__ import annotations

import ast
import builtins
import operator
import re
from collections.abc import Callable
from typing import Any

from gradtui.engine.expr.syntax import NODE_NAMES, literal_problem, op_symbol
from gradtui.engine.program import allowlist, dispatch, hints, ops
from gradtui.engine.program.dispatch import get_attribute
from gradtui.engine.program.interpreter import Where, mark
from gradtui.engine.program.names import ProgramNames, Scope
from gradtui.engine.program.pybuiltins import make_builtins
from gradtui.engine.program.source import Source
from gradtui.engine.program.values import resolve

Closure = Callable[[Any], Any]
BUILTINS = make_builtins()
_FORMAT_SPEC = re.compile(r"[<>=^]?[+\- ]?#?0?\d{0,3}[,_]?(\.\d{1,3})?[bcdeEfFgGnosxX%]?")
_PYTHON_NAMES = set(dir(builtins))
BINARY_SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
}
_UNARY = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


def lazy(path: str) -> Closure:
    """A module or member of the allowlist, looked up (and torch imported) on first use."""
    value: Any = None

    def run(f: Any) -> Any:
        nonlocal value
        if value is None:
            value = resolve(path)
        return value

    return run


class ExprCompiler:
    """Compiles the expressions of one scope."""

    def __init__(self, source: Source, names: ProgramNames, scope: Scope):
        self.source = source
        self.names = names
        self.scope = scope

    # --- places and refusals
    def where(self, node: ast.AST) -> Where:
        line, column, span = self.source.span(node)
        return Where(line, column, span)

    def refuse(self, message: str, node: ast.AST, hint: str = "") -> Exception:
        return self.source.refuse(f"{message}{f': {hint}' if hint else ''}", node)

    def visit(self, node: ast.AST) -> Closure:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            what = NODE_NAMES.get(type(node), f"'{type(node).__name__}'")
            hint = hints.EXPRESSIONS.get(type(node), "")
            raise self.refuse(f"{what} are not in gradtui's subset", node, hint)
        return method(node)

    # --- leaves
    def visit_Constant(self, node: ast.Constant) -> Closure:
        value = node.value
        if isinstance(value, bytes | complex):
            raise self.refuse(f"{type(value).__name__} literals are not in the subset", node)
        if isinstance(value, int | float) and not isinstance(value, bool):
            problem = literal_problem(value)
            if problem:
                raise self.refuse(problem, node)
        return lambda f: value

    def check_name(self, name: str, node: ast.AST) -> None:
        """Refuse dunder names and Python builtins outside the subset."""
        if name.startswith("__"):
            raise self.refuse(f"'{name}': names starting with __ are not in the subset", node)
        if (
            name in _PYTHON_NAMES
            and name not in allowlist.BUILTINS
            and name not in allowlist.PRELUDE
            and not self.names.rebinds(name)
        ):
            hint = hints.NAMES.get(name, "")
            raise self.refuse(f"'{name}' is not in gradtui's subset", node, hint)

    def visit_Name(self, node: ast.Name) -> Closure:
        name = node.id
        self.check_name(name, node)
        where = self.where(node)
        kind, hops = self.scope.find(name)
        if kind == "local":
            return _local_loader(name, hops, where)
        if name in BUILTINS and not self.names.rebinds(name):
            value = BUILTINS[name]
            return lambda f: value
        path, always = self.static_path(node)
        if path is not None and always:
            if path.endswith("no_grad"):
                raise self.refuse("torch.no_grad goes in a with statement", node)
            return lazy(path)
        return _global_loader(name, where)

    def static_path(self, node: ast.AST) -> tuple[str | None, bool]:
        """The allowlist path an expression always names (``F`` → ``torch.nn.functional``),
        and whether it is bound from the start (a prelude name, never rebound)."""
        if isinstance(node, ast.Name):
            if self.scope.find(node.id)[0] == "local":
                return None, False
            start = allowlist.PRELUDE.get(node.id)
            path = self.names.fixed(node.id, start)
            return path, path is not None and path == start
        if isinstance(node, ast.Attribute):
            parent, always = self.static_path(node.value)
            if parent is None or parent not in allowlist.MODULES:
                return None, False
            members = allowlist.MODULES[parent]
            if node.attr not in members:
                hint = hints.ATTRIBUTES.get(node.attr) or f"allowed: {hints.torch_members(parent)}"
                raise self._at_attribute(
                    f"'{parent}.{node.attr}' is not in gradtui's subset", node, hint
                )
            return f"{parent}.{node.attr}", always
        return None, False

    def _at_attribute(self, message: str, node: ast.Attribute, hint: str = "") -> Exception:
        """Point at the attribute's name, not at the start of the dotted expression."""
        error = self.refuse(message, node, hint)
        end = getattr(node, "end_col_offset", None)
        if end is not None and node.end_lineno == node.lineno:
            line = node.end_lineno
            column = self.source.column(line, end) - len(node.attr)
            error.column, error.span = column, len(node.attr)
            error.line, error.text = line, self.source.line(line)
            error.args = (f"line {line}, column {column}: {error.message}",)
        return error

    # --- attributes and calls
    def check_attribute(self, node: ast.Attribute, method: bool) -> None:
        """A member of a value (not of a module): in the subset's tables, no dunders."""
        attr = node.attr
        if attr.startswith("_"):
            raise self._at_attribute(f"'.{attr}' is not in gradtui's subset", node)
        allowed = allowlist.METHODS | allowlist.ATTRIBUTES
        if attr not in allowed:
            hint = hints.ATTRIBUTES.get(attr) or (
                "tensors have " + ", ".join(sorted(allowlist.TENSOR_ATTRIBUTES)) + " and methods "
                "such as " + ", ".join(sorted(allowlist.TENSOR_METHODS)[:12]) + ", ..."
            )
            raise self._at_attribute(f"'.{attr}' is not in gradtui's subset", node, hint)

    def visit_Attribute(self, node: ast.Attribute) -> Closure:
        path, always = self.static_path(node)
        if path is not None:
            if path.endswith("no_grad"):
                raise self.refuse("torch.no_grad goes in a with statement", node)
            if always:
                return lazy(path)
        value = self.visit(node.value)  # what comes first on the line is refused first
        if path is None:
            self.check_attribute(node, method=False)
        attr, where = node.attr, self.where(node)
        if attr in allowlist.TENSOR_ATTRIBUTES:  # read straight from a tensor, else the rules
            read = operator.attrgetter(attr)

            def run_tensor(f: Any) -> Any:
                try:
                    holder = value(f)
                    if isinstance(holder, dispatch.Tensor):
                        return read(holder)
                    return get_attribute(f.ctx, holder, attr)
                except Exception as error:
                    mark(error, where)
                    raise

            return run_tensor

        def run(f: Any) -> Any:
            try:
                return get_attribute(f.ctx, value(f), attr)
            except Exception as error:
                mark(error, where)
                raise

        return run

    def visit_Call(self, node: ast.Call) -> Closure:
        from gradtui.engine.program.compile_call import compile_call

        return compile_call(self, node)

    # --- operators
    def visit_BinOp(self, node: ast.BinOp) -> Closure:
        symbol = BINARY_SYMBOLS.get(type(node.op))
        if symbol is None:
            raise self.refuse(f"operator {op_symbol(node.op)} is not in gradtui's subset", node)
        op = ops.binary(ops.BINARY_OPERATORS[symbol], symbol)
        left, right, where = self.visit(node.left), self.visit(node.right), self.where(node)
        if isinstance(node.left, ast.Constant):  # 1 - p
            first = node.left.value

            def run_constant_left(f: Any) -> Any:
                try:
                    return op(f.ctx, first, right(f))
                except Exception as error:
                    mark(error, where)
                    raise

            return run_constant_left
        if isinstance(node.right, ast.Constant):
            constant = node.right.value

            def run_constant(f: Any) -> Any:
                try:
                    return op(f.ctx, left(f), constant)
                except Exception as error:
                    mark(error, where)
                    raise

            return run_constant

        def run(f: Any) -> Any:
            try:
                return op(f.ctx, left(f), right(f))
            except Exception as error:
                mark(error, where)
                raise

        return run

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Closure:
        operand, where = self.visit(node.operand), self.where(node)
        if isinstance(node.op, ast.Not):
            fn: Callable[[Any, Any], Any] = lambda ctx, v: not v  # noqa: E731
        else:
            fn = ops.unary(_UNARY[type(node.op)])

        def run(f: Any) -> Any:
            try:
                return fn(f.ctx, operand(f))
            except Exception as error:
                mark(error, where)
                raise

        return run

    def visit_BoolOp(self, node: ast.BoolOp) -> Closure:
        parts, where = [self.visit(v) for v in node.values], self.where(node)
        is_and = isinstance(node.op, ast.And)

        def run(f: Any) -> Any:
            try:
                value = None
                for part in parts:
                    value = part(f)
                    if bool(value) != is_and:
                        return value
                return value
            except Exception as error:
                mark(error, where)
                raise

        return run

    def visit_Compare(self, node: ast.Compare) -> Closure:
        first = self.visit(node.left)
        rest = [
            (ops.compare(_COMPARE[type(o)]), self.visit(c))
            for o, c in zip(node.ops, node.comparators, strict=True)
        ]
        where = self.where(node)
        if len(rest) == 1:  # a < b: the common case, without the loop
            ((op, second),) = rest

            def run_one(f: Any) -> Any:
                try:
                    return op(f.ctx, first(f), second(f))
                except Exception as error:
                    mark(error, where)
                    raise

            return run_one

        def run(f: Any) -> Any:
            try:
                left = first(f)
                result: Any = True
                for op, part in rest:
                    right = part(f)
                    result = op(f.ctx, left, right)
                    if len(rest) > 1 and not result:
                        return result
                    left = right
                return result
            except Exception as error:
                mark(error, where)
                raise

        return run

    def visit_IfExp(self, node: ast.IfExp) -> Closure:
        test, body, orelse = self.visit(node.test), self.visit(node.body), self.visit(node.orelse)
        return lambda f: body(f) if test(f) else orelse(f)

    # --- containers and indexing
    def visit_List(self, node: ast.List) -> Closure:
        items = [self.visit(e) for e in node.elts]
        return lambda f: [item(f) for item in items]

    def visit_Tuple(self, node: ast.Tuple) -> Closure:
        items = [self.visit(e) for e in node.elts]
        return lambda f: tuple([item(f) for item in items])

    def visit_Slice(self, node: ast.Slice) -> Closure:
        none = lambda f: None  # noqa: E731
        lower, upper, step = (
            self.visit(p) if p is not None else none for p in (node.lower, node.upper, node.step)
        )
        return lambda f: slice(lower(f), upper(f), step(f))

    def visit_Subscript(self, node: ast.Subscript) -> Closure:
        value, index, where = self.visit(node.value), self.visit(node.slice), self.where(node)

        def run(f: Any) -> Any:
            try:
                return ops.get_item(f.ctx, value(f), index(f))
            except Exception as error:
                mark(error, where)
                raise

        return run

    def visit_ListComp(self, node: ast.ListComp) -> Closure:
        from gradtui.engine.program.compile_call import compile_comprehension

        return compile_comprehension(self, node)

    # --- text
    def visit_JoinedStr(self, node: ast.JoinedStr) -> Closure:
        parts = [self.visit(v) for v in node.values]
        return lambda f: "".join([part(f) for part in parts])

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Closure:
        spec = ""
        if node.format_spec is not None:
            pieces = node.format_spec.values if isinstance(node.format_spec, ast.JoinedStr) else []
            if not all(isinstance(p, ast.Constant) for p in pieces):
                raise self.refuse("a format computed while running is not in the subset", node)
            spec = "".join(str(p.value) for p in pieces)
            if not _FORMAT_SPEC.fullmatch(spec):
                raise self.refuse(
                    f"the format '{spec}' is not in the subset", node, "try .4f or .3e"
                )
        value, conversion, where = self.visit(node.value), node.conversion, self.where(node)

        def run(f: Any) -> Any:
            try:
                return ops.formatted(f.ctx, value(f), conversion, spec)
            except Exception as error:
                mark(error, where)
                raise

        return run


def _local_loader(name: str, hops: int, where: Where) -> Closure:
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


def _global_loader(name: str, where: Where) -> Closure:
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
