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
from typing import Any

from gradtui.engine.expr.syntax import NODE_NAMES, literal_problem
from gradtui.engine.program import allowlist, dispatch, hints, ops
from gradtui.engine.program.compile_names import (
    BUILTINS,
    CONSTANT,
    EXPR,
    NAME,
    Closure,
    Operand,
    constant,
    global_loader,
    lazy,
    local_loader,
)
from gradtui.engine.program.compile_ops import (
    compile_binop,
    compile_boolop,
    compile_compare,
    compile_unaryop,
)
from gradtui.engine.program.dispatch import get_attribute
from gradtui.engine.program.interpreter import Where, mark
from gradtui.engine.program.names import ProgramNames, Scope
from gradtui.engine.program.source import Source

_FORMAT_SPEC = re.compile(r"[<>=^]?[+\- ]?#?0?\d{0,3}[,_]?(\.\d{1,3})?[bcdeEfFgGnosxX%]?")
_PYTHON_NAMES = set(dir(builtins))


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
        return constant(value)

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
        return self.name_operand(node).load

    def name_operand(self, node: ast.Name) -> Operand:
        """A name read: its loader, and whether it is one lookup (``Operand``)."""
        name = node.id
        self.check_name(name, node)
        where = self.where(node)
        kind, hops = self.scope.find(name)
        if kind == "local":
            load = local_loader(name, hops, where)
            return Operand(load, NAME, name, local=True) if hops == 0 else Operand(load)
        if name in BUILTINS and not self.names.rebinds(name):
            value = BUILTINS[name]
            return Operand(constant(value), CONSTANT, value)
        path, always = self.static_path(node)
        if path is not None and always:
            if path.endswith("no_grad"):
                raise self.refuse("torch.no_grad goes in a with statement", node)
            return Operand(lazy(path))
        return Operand(global_loader(name, where), NAME, name)

    def operand(self, node: ast.AST) -> Operand:
        """An expression compiled, and how a closure that uses it may read it."""
        if isinstance(node, ast.Name):
            return self.name_operand(node)
        load = self.visit(node)
        if isinstance(node, ast.Constant):
            return Operand(load, CONSTANT, node.value)
        return Operand(load, EXPR)

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
        holder = self.operand(node.value)  # what comes first on the line is refused first
        value = holder.load
        if path is None:
            self.check_attribute(node, method=False)
        attr, where = node.attr, self.where(node)
        if attr in allowlist.TENSOR_ATTRIBUTES:  # read straight from a tensor, else the rules
            read = operator.attrgetter(attr)
            key = holder.value if holder.kind == NAME else None  # p.grad: p read in place
            local = holder.local

            def run_tensor(f: Any) -> Any:
                try:
                    if key is None:
                        obj = value(f)
                    else:
                        try:
                            obj = (f.locals if local else f.globals)[key]
                        except KeyError:
                            obj = value(f)
                    if isinstance(obj, dispatch.Tensor):
                        return read(obj)
                    return get_attribute(f.ctx, obj, attr)
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

    # --- operators (compile_ops.py)
    def visit_BinOp(self, node: ast.BinOp) -> Closure:
        return compile_binop(self, node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Closure:
        return compile_unaryop(self, node)

    def visit_BoolOp(self, node: ast.BoolOp) -> Closure:
        return compile_boolop(self, node)

    def visit_Compare(self, node: ast.Compare) -> Closure:
        return compile_compare(self, node)

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
