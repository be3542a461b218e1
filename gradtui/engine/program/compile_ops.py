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
from gradtui.engine.program import dispatch, ops, sizes
from gradtui.engine.program.budgets import TRACKED
from gradtui.engine.program.compile_names import CONSTANT, NAME, Closure, Operand
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
_TENSOR_COMPARE = {python_operator.eq, python_operator.ne, python_operator.lt}
_TENSOR_COMPARE |= {python_operator.le, python_operator.gt, python_operator.ge}
Op = Callable[[Any, Any, Any], Any]  # op(ctx, a, b), from ops.binary or ops.compare


def compile_binop(c: Any, node: ast.BinOp) -> Closure:
    """``a OP b``."""
    symbol = BINARY_SYMBOLS.get(type(node.op))
    if symbol is None:
        raise c.refuse(f"operator {op_symbol(node.op)} is not in gradtui's subset", node)
    fn = ops.BINARY_OPERATORS[symbol]
    left, right = c.operand(node.left), c.operand(node.right)
    return operator(ops.binary(fn, symbol), left, right, c.where(node), fn)


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
        fn = _COMPARE[type(node.ops[0])]
        return operator(op, first, second, where, fn if fn in _TENSOR_COMPARE else None)
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


def operator(op: Op, left: Operand, right: Operand, where: Where, fn: Any = None) -> Closure:
    """``op(ctx, a, b)`` of two operands, read as their kinds allow (``Operand``).

    ``fn``: the operator itself (``operator.sub``) when ``op`` is ``ops.binary``'s or
    ``ops.compare``'s for it: then tensors take the checks of those, written out here (the
    broadcast's size before two tensors meet, '@''s size and work, a result big enough to
    count counted) without a call of ``op``, which still does Python's values. A constant
    is never a tensor: with one, only the other operand is asked."""
    if fn is None:
        return _checked(op, left, right, where)
    matmul = fn is python_operator.matmul
    if not matmul and CONSTANT in (left.kind, right.kind):
        return _with_constant(fn, op, left, right, where)
    a_name, a_key, a_local, a_load = left.kind == NAME, left.value, left.local, left.load
    b_name, b_key, b_local, b_load = right.kind == NAME, right.value, right.local, right.load
    check_product, check_broadcast = sizes.check_product, sizes.check_broadcast

    def run(f: Any) -> Any:  # xb @ weights, x @ w + b
        try:
            if a_name:
                try:
                    a = (f.locals if a_local else f.globals)[a_key]
                except KeyError:
                    a = a_load(f)  # the builtin, or the learner's error at the name
            else:
                a = a_load(f)
            if b_name:
                try:
                    b = (f.locals if b_local else f.globals)[b_key]
                except KeyError:
                    b = b_load(f)
            else:
                b = b_load(f)
            Tensor = dispatch.Tensor
            if isinstance(a, Tensor):
                if isinstance(b, Tensor):
                    meter = f.ctx.meter
                    if matmul:
                        check_product(meter, a, b)
                    else:
                        bound = a.numel() * b.numel()  # the broadcast holds at most this many
                        if bound > meter.budgets.tensor_elements:
                            check_broadcast(meter, (a, b))
                        if bound < TRACKED:
                            return fn(a, b)  # too small to count
            elif matmul or not isinstance(b, Tensor):
                return op(f.ctx, a, b)  # Python's values (and '@' of a non-tensor): op's checks
            result = fn(a, b)
            if isinstance(result, Tensor) and result.numel() >= TRACKED:
                f.ctx.meter.track(result)
            return result
        except Exception as error:
            mark(error, where)
            raise

    return run


def _with_constant(fn: Any, op: Op, left: Operand, right: Operand, where: Where) -> Closure:
    """``operator`` with a constant on one side (``1 - p``, ``t == 1``, ``x**2``)."""
    first = left.kind == CONSTANT
    other = right if first else left
    value = left.value if first else right.value
    name, key, local, load = other.kind == NAME, other.value, other.local, other.load

    def run(f: Any) -> Any:
        try:
            if name:
                try:
                    x = (f.locals if local else f.globals)[key]
                except KeyError:
                    x = load(f)
            else:
                x = load(f)
            if not isinstance(x, dispatch.Tensor):
                return op(f.ctx, value, x) if first else op(f.ctx, x, value)
            result = fn(value, x) if first else fn(x, value)
            if isinstance(result, dispatch.Tensor) and result.numel() >= TRACKED:
                f.ctx.meter.track(result)
            return result
        except Exception as error:
            mark(error, where)
            raise

    return run


def _checked(op: Op, left: Operand, right: Operand, where: Where) -> Closure:
    """``a is b``, ``a in b``: the operands' closures and ``op``."""
    first, second = left.load, right.load

    def run(f: Any) -> Any:
        try:
            return op(f.ctx, first(f), second(f))
        except Exception as error:
            mark(error, where)
            raise

    return run
