"""Operators, indexing and text for the interpreter, each bounded before it runs.

Tensor operators check the broadcast result's size (and '@' its work) first and count the
result; Python's own values are checked where they could grow without bound: whole numbers
(``9**9**9`` never finishes), repeated and joined lists and text, ``'%'`` formatting.
Everything else is Python's or torch's operator, raising their own errors.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from gradtui.engine.program import sizes
from gradtui.engine.program.budgets import TRACKED, BudgetExceeded
from gradtui.engine.program.context import Context
from gradtui.engine.program.dispatch import NotInSubset

_Tensor: Any = None


def load_torch() -> None:
    """Bind torch's tensor type for the operators' fast checks (once per process)."""
    global _Tensor
    if _Tensor is None:
        import torch

        _Tensor = torch.Tensor


_SEQUENCES = (list, tuple, str)


def binary(op: Callable[[Any, Any], Any], symbol: str) -> Callable[[Context, Any, Any], Any]:
    """An operator ``a OP b`` (or ``a OP= b`` with an in-place ``op``) with its checks."""
    if symbol == "@":
        return _matmul(op)

    def run(ctx: Context, a: Any, b: Any) -> Any:
        if isinstance(a, _Tensor):
            if isinstance(b, _Tensor):
                bound = a.numel() * b.numel()  # the broadcast result holds at most this many
                if bound > ctx.meter.budgets.tensor_elements:
                    sizes.check_broadcast(ctx.meter, (a, b))
                if bound < TRACKED:  # too small to count (see Meter.track)
                    return op(a, b)
        elif not isinstance(b, _Tensor):
            return _python(ctx, op, symbol, a, b)
        result = op(a, b)
        if isinstance(result, _Tensor) and result.numel() >= TRACKED:
            ctx.meter.track(result)
        return result

    return run


def _matmul(op: Callable[[Any, Any], Any]) -> Callable[[Context, Any, Any], Any]:
    """``a @ b`` (or ``a @= b``): the result's size and the multiply-adds checked first."""

    def run(ctx: Context, a: Any, b: Any) -> Any:
        if isinstance(a, _Tensor):
            if isinstance(b, _Tensor):
                sizes.check_product(ctx.meter, a, b)
        elif not isinstance(b, _Tensor):
            return _python(ctx, op, "@", a, b)
        result = op(a, b)
        if isinstance(result, _Tensor) and result.numel() >= TRACKED:
            ctx.meter.track(result)
        return result

    return run


def _python(ctx: Context, op: Callable, symbol: str, a: Any, b: Any) -> Any:
    """Python numbers, text and lists: sizes checked before the operator runs."""
    meter = ctx.meter
    if symbol == "**" and type(a) is int and type(b) is int and b > 0 and abs(a) > 1:
        bits = b * math.log2(abs(a))
        if bits > meter.budgets.number_bits:
            raise BudgetExceeded("number_bits", meter.budgets.number_bits, f"{a}**{b}")
    elif symbol == "*":
        seq, times = (a, b) if isinstance(a, _SEQUENCES) else (b, a)
        if isinstance(seq, _SEQUENCES) and type(times) in (int, bool):
            meter.check_items(len(seq) * max(0, times))
    elif symbol == "+" and isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        meter.check_items(len(a) + len(b))
    elif op is operator.iadd and type(a) is list:  # L += anything iterable: its length first
        if not hasattr(b, "__len__"):
            raise NotInSubset("'+=' on a list takes a list or a tuple here")
        meter.check_items(len(a) + len(b))
    elif symbol == "%" and isinstance(a, str | bytes):
        raise NotInSubset("'%' formatting of text is not in gradtui's subset: use an f-string")
    result = op(a, b)
    if type(result) is int and result.bit_length() > meter.budgets.number_bits:
        raise BudgetExceeded("number_bits", meter.budgets.number_bits)
    return result


def compare(op: Callable[[Any, Any], Any]) -> Callable[[Context, Any, Any], Any]:
    """A comparison: tensors compared element-wise, the result's size checked first."""

    def run(ctx: Context, a: Any, b: Any) -> Any:
        if (
            isinstance(a, _Tensor)
            and isinstance(b, _Tensor)
            and a.numel() * b.numel() > ctx.meter.budgets.tensor_elements
        ):
            sizes.check_broadcast(ctx.meter, (a, b))
        result = op(a, b)
        if isinstance(result, _Tensor) and result.numel() >= TRACKED:
            ctx.meter.track(result)
        return result

    return run


def unary(op: Callable[[Any], Any]) -> Callable[[Context, Any], Any]:
    """``-x``, ``+x``, ``~x``: a tensor result counted."""

    def run(ctx: Context, value: Any) -> Any:
        result = op(value)
        if isinstance(result, _Tensor):
            ctx.meter.track(result)
        return result

    return run


def get_item(ctx: Context, value: Any, index: Any) -> Any:
    """``value[index]``; a tensor indexed by tensors or lists has its result's size checked."""
    if isinstance(value, _Tensor):
        _check_index(ctx, value, index)
        result = value[index]
        if isinstance(result, _Tensor):
            ctx.meter.track(result)
        return result
    return value[index]


def set_item(ctx: Context, value: Any, index: Any, new: Any) -> None:
    """``value[index] = new``; a list slice may not grow the list past its budget."""
    if type(value) is list and isinstance(index, slice) and hasattr(new, "__len__"):
        ctx.meter.check_items(len(value) + len(new))
    value[index] = new


def _check_index(ctx: Context, value: Any, index: Any) -> None:
    parts = index if isinstance(index, tuple) else (index,)
    advanced = [p for p in parts if isinstance(p, _Tensor | list)]
    if not advanced:
        return
    bound = value.numel()
    for part in advanced:
        bound *= part.numel() if isinstance(part, _Tensor) else max(1, len(part))
    if bound <= ctx.meter.budgets.tensor_elements:
        return
    import torch

    def meta(part: Any) -> Any:
        if isinstance(part, list):
            part = torch.tensor(part) if len(part) <= ctx.meter.budgets.list_items else part
        if isinstance(part, _Tensor):
            if part.dtype == torch.bool:
                return part  # a mask keeps at most every element
            return torch.empty(part.shape, dtype=part.dtype, device="meta")
        return part

    try:
        shaped = torch.empty(value.shape, dtype=value.dtype, device="meta")[
            tuple(meta(p) for p in parts)
        ]
    except Exception:
        return  # torch raises its own error on the real indexing
    ctx.meter.check_elements(shaped.numel(), "indexing")


def text_of(ctx: Context, value: Any) -> str:
    """``str(value)`` once nested lists are known to be small enough to write out."""
    if isinstance(value, list | tuple):
        limit = ctx.meter.budgets.list_items
        if sizes.count_leaves(value, limit) > limit:
            raise BudgetExceeded("list_items", limit, "text of a list")
    return str(value)


def formatted(ctx: Context, value: Any, conversion: int, spec: str) -> str:
    """One ``{value!r:spec}`` of an f-string."""
    if isinstance(value, list | tuple):
        text_of(ctx, value)  # the size check
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("s"):
        value = str(value)
    elif conversion == ord("a"):
        value = ascii(value)
    text = format(value, spec)
    ctx.meter.check_items(len(text), "f-string")
    return text


BINARY_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "@": operator.matmul,
    "&": operator.and_,
    "|": operator.or_,
    "^": operator.xor,
}
IN_PLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.iadd,
    "-": operator.isub,
    "*": operator.imul,
    "/": operator.itruediv,
    "//": operator.ifloordiv,
    "%": operator.imod,
    "**": operator.ipow,
    "@": operator.imatmul,
    "&": operator.iand,
    "|": operator.ior,
    "^": operator.ixor,
}
