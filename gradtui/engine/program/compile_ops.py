"""Operators of a program (``a + b``, ``-x``, ``a and b``, ``a < b``) compiled into closures.

The checks of each operator are ``ops.py``'s; what is decided here is how the closure reads
its operands. A training loop's operators mostly have a name or a constant on one side or
both (``xb @ weights``, ``1 - predictions``, ``p.grad * lr``, ``targets == 1``), so
``operator`` writes a name's lookup and a constant into the closure itself (see
``compile_names.Operand``) instead of calling a closure for each: same values, same order,
same errors, fewer calls. A failure is marked with the operator's place, unless a deeper
one (a name not defined) was marked first.
"""

from __future__ import annotations

import ast
import operator as python_operator
from collections.abc import Callable
from typing import Any

from gradtui.engine.expr.syntax import op_symbol
from gradtui.engine.program import ops
from gradtui.engine.program.compile_names import CONSTANT, EXPR, NAME, Closure, Operand
from gradtui.engine.program.interpreter import Where, mark

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
    ast.USub: python_operator.neg,
    ast.UAdd: python_operator.pos,
    ast.Invert: python_operator.invert,
}
_COMPARE = {
    ast.Eq: python_operator.eq,
    ast.NotEq: python_operator.ne,
    ast.Lt: python_operator.lt,
    ast.LtE: python_operator.le,
    ast.Gt: python_operator.gt,
    ast.GtE: python_operator.ge,
    ast.Is: python_operator.is_,
    ast.IsNot: python_operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
Op = Callable[[Any, Any, Any], Any]  # op(ctx, a, b), from ops.binary or ops.compare


def compile_binop(c: Any, node: ast.BinOp) -> Closure:
    """``a OP b``."""
    symbol = BINARY_SYMBOLS.get(type(node.op))
    if symbol is None:
        raise c.refuse(f"operator {op_symbol(node.op)} is not in gradtui's subset", node)
    op = ops.binary(ops.BINARY_OPERATORS[symbol], symbol)
    left, right = c.operand(node.left), c.operand(node.right)
    return operator(op, left, right, c.where(node))


def compile_unaryop(c: Any, node: ast.UnaryOp) -> Closure:
    """``-x``, ``+x``, ``~x``, ``not x``."""
    operand, where = c.visit(node.operand), c.where(node)
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


def compile_boolop(c: Any, node: ast.BoolOp) -> Closure:
    """``a and b``, ``a or b``: Python's short-circuit, returning the deciding value."""
    parts, where = [c.visit(v) for v in node.values], c.where(node)
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


def compile_compare(c: Any, node: ast.Compare) -> Closure:
    """``a < b``, and chains ``a < b < c`` (each operand read once)."""
    first = c.operand(node.left)
    rest = [
        (ops.compare(_COMPARE[type(o)]), c.operand(v))
        for o, v in zip(node.ops, node.comparators, strict=True)
    ]
    where = c.where(node)
    if len(rest) == 1:  # a < b: the common case, an operator like the others
        ((op, second),) = rest
        return operator(op, first, second, where)
    start, parts = first.load, [(op, part.load) for op, part in rest]

    def run(f: Any) -> Any:
        try:
            left = start(f)
            result: Any = True
            for op, part in parts:
                right = part(f)
                result = op(f.ctx, left, right)
                if not result:
                    return result
                left = right
            return result
        except Exception as error:
            mark(error, where)
            raise

    return run


def operator(op: Op, left: Operand, right: Operand, where: Where) -> Closure:
    """``op(ctx, a, b)`` of two operands, read as their kinds allow (``Operand``)."""
    shape = (left.kind, right.kind)
    if shape == (NAME, NAME):
        return _name_name(op, left, right, where)
    if left.kind == NAME and right.kind != NAME:
        return _name_first(op, left, right, where)
    if right.kind == NAME:
        return _name_second(op, left, right, where)
    if shape == (EXPR, CONSTANT):
        return _constant_second(op, left.load, right.value, where)
    if shape == (CONSTANT, EXPR):
        return _constant_first(op, left.value, right.load, where)
    return _closures(op, left.load, right.load, where)


def _closures(op: Op, left: Closure, right: Closure, where: Where) -> Closure:
    def run(f: Any) -> Any:
        try:
            return op(f.ctx, left(f), right(f))
        except Exception as error:
            mark(error, where)
            raise

    return run


def _constant_first(op: Op, first: Any, right: Closure, where: Where) -> Closure:
    def run(f: Any) -> Any:  # 1 - p
        try:
            return op(f.ctx, first, right(f))
        except Exception as error:
            mark(error, where)
            raise

    return run


def _constant_second(op: Op, left: Closure, second: Any, where: Where) -> Closure:
    def run(f: Any) -> Any:  # x.sigmoid() > 0.5
        try:
            return op(f.ctx, left(f), second)
        except Exception as error:
            mark(error, where)
            raise

    return run


def _name_first(op: Op, left: Operand, right: Operand, where: Where) -> Closure:
    """``name OP expr`` and ``name OP constant``."""
    name, local, load = left.value, left.local, left.load
    if right.kind == CONSTANT:
        second = right.value

        def run_constant(f: Any) -> Any:  # targets == 1
            try:
                try:
                    a = (f.locals if local else f.globals)[name]
                except KeyError:
                    a = load(f)
                return op(f.ctx, a, second)
            except Exception as error:
                mark(error, where)
                raise

        return run_constant
    other = right.load

    def run(f: Any) -> Any:  # w * x.grad
        try:
            try:
                a = (f.locals if local else f.globals)[name]
            except KeyError:
                a = load(f)
            return op(f.ctx, a, other(f))
        except Exception as error:
            mark(error, where)
            raise

    return run


def _name_second(op: Op, left: Operand, right: Operand, where: Where) -> Closure:
    """``expr OP name`` and ``constant OP name``."""
    name, local, load = right.value, right.local, right.load
    if left.kind == CONSTANT:
        first = left.value

        def run_constant(f: Any) -> Any:  # 1 - predictions
            try:
                try:
                    b = (f.locals if local else f.globals)[name]
                except KeyError:
                    b = load(f)
                return op(f.ctx, first, b)
            except Exception as error:
                mark(error, where)
                raise

        return run_constant
    other = left.load

    def run(f: Any) -> Any:  # p.grad * lr, x @ w + b
        try:
            a = other(f)
            try:
                b = (f.locals if local else f.globals)[name]
            except KeyError:
                b = load(f)
            return op(f.ctx, a, b)
        except Exception as error:
            mark(error, where)
            raise

    return run


def _name_name(op: Op, left: Operand, right: Operand, where: Where) -> Closure:
    first, first_local, load_first = left.value, left.local, left.load
    second, second_local, load_second = right.value, right.local, right.load

    def run(f: Any) -> Any:  # xb @ weights
        try:
            try:
                a = (f.locals if first_local else f.globals)[first]
            except KeyError:
                a = load_first(f)
            try:
                b = (f.locals if second_local else f.globals)[second]
            except KeyError:
                b = load_second(f)
            return op(f.ctx, a, b)
        except Exception as error:
            mark(error, where)
            raise

    return run
