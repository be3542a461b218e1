"""Compile a learner's typed expression, once, into a safe callable over torch tensors.

The text goes through an ``ast`` allowlist and becomes a tree of small closures: numbers,
declared variables, ``+ - * / **``, unary minus, an allowlist of torch functions (as
``torch.sin(x)``, ``sin(x)`` or ``x.sin()``) and the constants ``pi`` and ``e``. Nothing is
ever passed to ``eval`` or ``exec``. Size, nesting and literal magnitude are capped before and
after parsing, so a compiled expression runs in time and memory bounded by its inputs.

This module imports torch only when a compiled expression is first called.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gradtui.engine.expr.syntax import NODE_NAMES, literal_problem, op_symbol
from gradtui.engine.expr.text import ExprError, parse_text

MAX_NODES = 400
# float32 is the default dtype: a constant beyond its range can only be an accident.
MAX_CONSTANT = 3.4e38

# name -> (min positional args, max positional args) when called as torch.NAME(...) / NAME(...)
FUNCTIONS: dict[str, tuple[int, int]] = {
    "sin": (1, 1),
    "cos": (1, 1),
    "tan": (1, 1),
    "asin": (1, 1),
    "acos": (1, 1),
    "atan": (1, 1),
    "sinh": (1, 1),
    "cosh": (1, 1),
    "tanh": (1, 1),
    "exp": (1, 1),
    "log": (1, 1),
    "log2": (1, 1),
    "log10": (1, 1),
    "log1p": (1, 1),
    "sqrt": (1, 1),
    "square": (1, 1),
    "abs": (1, 1),
    "sigmoid": (1, 1),
    "relu": (1, 1),
    "sum": (1, 1),
    "mean": (1, 1),
    "pow": (2, 2),
    "clamp": (1, 3),
    "maximum": (2, 2),
    "minimum": (2, 2),
}
CONSTANTS = {"pi": math.pi, "e": math.e}
_KEYWORDS = {"clamp": {"min", "max"}}
# Names a learner may not use as variables: they read as code, not as numbers.
_RESERVED = set(dir(builtins)) | {"torch", "math", "np", "numpy", "os", "sys", "self"}
# Read as numbers by a learner, but Python has no such literal: they would become variables.
_NOT_FINITE = {"nan", "inf", "infinity"}


@dataclass(frozen=True)
class Expression:
    """A compiled expression. Call it with tensors by keyword: ``expr(x=t)``."""

    text: str
    variables: tuple[str, ...]
    _fn: Callable[[Mapping[str, Any]], Any] = field(repr=False, compare=False)

    def __call__(self, **values: Any) -> Any:
        return self.evaluate(values)

    @property
    def function(self) -> Callable[[Mapping[str, Any]], Any]:
        """The compiled function itself: ``evaluate`` without the missing-name message, for a
        hot loop whose ``env`` always holds every variable."""
        return self._fn

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        """The value for the variables in ``env`` (the loop's hot path: no keyword packing)."""
        try:
            return self._fn(env)
        except KeyError:
            missing = [n for n in self.variables if n not in env]
            if missing:
                raise ExprError(f"no value given for {', '.join(missing)}", self.text) from None
            raise


def compile_expr(text: str, variables: Iterable[str] | None = None) -> Expression:
    """Check ``text`` against the allowlist and compile it.

    ``variables``: the names the expression may use; ``None`` accepts any plain name and
    reports the ones used in ``Expression.variables`` (in order of first use).
    """
    if not isinstance(text, str):
        raise ExprError("an expression must be text")
    tree = parse_text(text)
    compiler = _Compiler(text, None if variables is None else set(variables))
    try:
        node = compiler.visit(tree)
    except RecursionError:  # a long chain such as -(-(-x)) when the caller's stack is deep
        raise ExprError("the expression is too deeply nested", text, 1) from None
    return Expression(text=text, variables=tuple(compiler.used), _fn=_lift(node))


# A compiled node is either a float constant (kept as such for folding) or a closure.
_Node = float | Callable[[Mapping[str, Any]], Any]

_BINOPS: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}


class _Compiler:
    def __init__(self, text: str, allowed: set[str] | None):
        self.text = text
        self.allowed = allowed
        self.used: dict[str, None] = {}
        self.count = 0

    def error(self, message: str, node: ast.AST) -> ExprError:
        col = getattr(node, "col_offset", None)
        offset = len(self.text) - len(self.text.lstrip())
        return ExprError(message, self.text, None if col is None else col + 1 + offset)

    def _at_attr(self, message: str, node: ast.Attribute) -> ExprError:
        """Point at the attribute's name, not at the start of the dotted expression."""
        error = self.error(message, node)
        if node.end_col_offset is not None and error.column is not None:
            error = ExprError(
                message,
                self.text,
                error.column + node.end_col_offset - node.col_offset - len(node.attr),
            )
        return error

    def visit(self, node: ast.AST) -> _Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.error(f"the expression has more than {MAX_NODES} parts", node)
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            what = NODE_NAMES.get(type(node), f"'{type(node).__name__}'")
            raise self.error(f"{what} not allowed in an expression", node)
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> _Node:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "strings" if isinstance(value, str | bytes) else repr(value)
            raise self.error(f"{kind} not allowed: only numbers", node)
        problem = literal_problem(value)
        if problem:
            raise self.error(problem, node)
        return float(value)

    def visit_Name(self, node: ast.Name) -> _Node:
        name = node.id
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.error(f"'{name}' is a function: call it, as in {name}(x)", node)
        if name.lower() in _NOT_FINITE:
            raise self.error(f"'{name}' is not allowed: expressions use finite numbers", node)
        if name.startswith("_") or name in _RESERVED or keyword.iskeyword(name):
            raise self.error(f"'{name}' is not allowed", node)
        if self.allowed is not None and name not in self.allowed:
            known = ", ".join(sorted(self.allowed)) or "none"
            raise self.error(f"unknown name '{name}' (variables here: {known})", node)
        if len(name) > 32:
            raise self.error("variable names are at most 32 characters", node)
        self.used[name] = None
        return operator.itemgetter(name)

    def visit_BinOp(self, node: ast.BinOp) -> _Node:
        if isinstance(node.op, ast.BitXor):  # x^2: a power in maths, exclusive or in Python
            left, right = self._source(node.left), self._source(node.right)
            power = f"{left}**{right}" if len(left) + len(right) <= 24 else "x**2"
            message = f"operator '^' not allowed: use ** for powers, as in {power}"
            raise self._at_op(message, node)
        if type(node.op) not in _BINOPS:
            raise self._at_op(f"operator {op_symbol(node.op)} not allowed", node)
        symbol, op = _BINOPS[type(node.op)]
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(left, float) and isinstance(right, float):
            return self._fold(lambda: op(left, right), node, symbol)
        # A constant operand is used as is: one call fewer per evaluation (x**2, 3*x).
        if isinstance(right, float):
            return lambda env: op(left(env), right)
        if isinstance(left, float):
            return lambda env: op(left, right(env))
        return lambda env: op(left(env), right(env))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> _Node:
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise self.error(f"operator {op_symbol(node.op)} not allowed", node)
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(operand, float):
            return -operand
        return lambda env: -operand(env)

    def visit_Attribute(self, node: ast.Attribute) -> _Node:
        if isinstance(node.value, ast.Name) and node.value.id == "torch" and node.attr == "pi":
            return math.pi
        raise self._at_attr(f"attribute '.{node.attr}' not allowed", node)

    def visit_Call(self, node: ast.Call) -> _Node:
        func = node.func
        if isinstance(func, ast.Name):
            name, receiver = func.id, None
        elif isinstance(func, ast.Attribute):
            name = func.attr
            if isinstance(func.value, ast.Name) and func.value.id == "torch":
                receiver = None
            else:
                receiver = func.value
        else:
            raise self.error(f"only functions can be called{self._product_hint(node)}", node)
        if name == "float" and receiver is None:
            raise self.error(f"calling 'float' is not allowed: {_float_hint(node)}", func)
        if name not in FUNCTIONS:
            allowed = ", ".join(FUNCTIONS)
            where = "torch." if isinstance(func, ast.Attribute) and receiver is None else ""
            message = f"calling '{where}{name}' is not allowed (allowed: {allowed})"
            if isinstance(func, ast.Attribute):
                raise self._at_attr(message, func)
            raise self.error(message, func)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error("'*' unpacking not allowed", arg)
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None or kw.arg not in _KEYWORDS.get(name, ()):
                raise self.error(f"keyword arguments not allowed here: write {name}(x, ...)", kw)
            if kw.arg in kwargs:
                raise self.error(f"'{kw.arg}=' is given twice", kw)
            kwargs[kw.arg] = _lift(self.visit(kw.value))
        args = [self.visit(receiver)] if receiver is not None else []
        args += [self.visit(a) for a in node.args]
        low, high = FUNCTIONS[name]
        given = len(args) + len(kwargs)
        if not low <= given <= high:
            count = f"{low}" if low == high else f"{low} to {high}"
            dot = ", counting the tensor before the dot" if receiver is not None else ""
            raise self.error(f"{name} takes {count} argument(s){dot}; got {given}", node)
        arg_fns = [_lift(a) for a in args]
        return _call(name, arg_fns, kwargs)

    def _source(self, node: ast.AST) -> str:
        """The text of ``node`` as typed ("" if it has no position)."""
        return ast.get_source_segment(self.text.strip(), node) or ""

    def _product_hint(self, node: ast.Call) -> str:
        """``2(x+1)``: the product that was meant, ``2*(x+1)``."""
        func, typed = node.func, self._source(node)
        number = self._source(func)
        if not isinstance(func, ast.Constant) or not typed.startswith(number):
            return ""
        rest = typed[len(number) :].lstrip()
        if not rest.startswith("(") or len(typed) > 40:
            return ""
        return f": to multiply, write {number}*{rest}"

    def _fold(self, compute: Callable[[], Any], node: ast.BinOp, symbol: str) -> float:
        try:
            value = compute()
        except OverflowError:
            raise self._at_op(f"number too large: the '{symbol}' overflows", node) from None
        except ZeroDivisionError:
            raise self._at_op("division by zero", node) from None
        if isinstance(value, complex):
            raise self._at_op("this power of a negative number is not a real number", node)
        if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
            raise self._at_op(f"number too large: the '{symbol}' overflows", node)
        return float(value)

    def _at_op(self, message: str, node: ast.BinOp) -> ExprError:
        """Point at the operator between the two operands."""
        error = self.error(message, node)
        start, end = node.left.end_col_offset, node.right.col_offset
        if error.column is None or start is None:
            return error
        gap = self.text.lstrip()[start:end]
        skip = len(gap) - len(gap.lstrip(" )"))
        return ExprError(message, self.text, error.column + start - node.col_offset + skip)


def _float_hint(node: ast.Call) -> str:
    """What to type instead of ``float(3)``: numbers are floats already, ``3.`` says so."""
    args = node.args
    value = args[0].value if len(args) == 1 and isinstance(args[0], ast.Constant) else None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**15:
        return f"type {value}. or {value}.0"
    if isinstance(value, float) and math.isfinite(value):
        return f"type {value!r}"
    return "numbers are floats here already (type 3. or 3.0 for a float number)"


def _lift(node: _Node) -> Callable[[Mapping[str, Any]], Any]:
    if isinstance(node, float):
        return lambda env: node
    return node


def _call(name: str, args: list, kwargs: dict) -> Callable[[Mapping[str, Any]], Any]:
    def run(env: Mapping[str, Any]) -> Any:
        torch = _torch()
        values = [a(env) for a in args]
        like = next((v for v in values if isinstance(v, torch.Tensor)), None)
        values = [_tensor(torch, v, like) for v in values[:1]] + [
            _tensor(torch, v, like) if name in ("maximum", "minimum") else v for v in values[1:]
        ]
        return getattr(torch, name)(*values, **{k: f(env) for k, f in kwargs.items()})

    return run


def _tensor(torch: Any, value: Any, like: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value
    dtype = like.dtype if like is not None and like.is_floating_point() else None
    return torch.tensor(value, dtype=dtype)


_TORCH: Any = None


def _torch() -> Any:
    global _TORCH
    if _TORCH is None:
        import torch

        _TORCH = torch
    return _TORCH
