"""Sizes checked before a tensor or a list is made, so a program never allocates past a budget.

Each rule reads the call's arguments and works out how many elements the result will hold
(without making it); the meter refuses it when that is over a budget. Arguments a rule cannot
read (a float where a size goes, say) are left to torch, which raises its own error.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

from gradtui.engine.program.budgets import BudgetExceeded, Meter


def _torch() -> Any:
    import torch

    return torch


def product(sizes: Sequence[Any]) -> int:
    """The number of elements of a shape (1 for ()); non-integers count as 0 (torch refuses)."""
    total = 1
    for size in sizes:
        try:
            total *= max(0, operator.index(size))
        except TypeError:
            return 0
    return total


def shape_arguments(args: Sequence[Any]) -> Sequence[Any]:
    """``randn(2, 3)`` and ``randn((2, 3))`` both mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], list | tuple):
        return args[0]
    return args


def count_leaves(value: Any, limit: int) -> int:
    """Numbers in nested lists and tuples (each shared sublist counted each time it is used),
    stopping once past ``limit``; a tensor inside counts its elements."""
    torch = _torch()
    memo: dict[int, int] = {}

    def count(item: Any, depth: int) -> int:
        if isinstance(item, torch.Tensor):
            return item.numel()
        if isinstance(item, range):
            return len(item)
        if not isinstance(item, list | tuple):
            return 1
        key = id(item)
        if key in memo:
            return memo[key]
        if depth > 64:
            return limit + 1
        memo[key] = limit + 1  # a list inside itself counts as too big
        total = 0
        for element in item:
            total += count(element, depth + 1)
            if total > limit:
                break
        memo[key] = total
        return total

    return count(value, 0)


def check_data(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``torch.tensor(data)``: the numbers in ``data``."""
    if args:
        limit = meter.budgets.tensor_elements
        meter.check_elements(count_leaves(args[0], limit), "torch.tensor")


def check_shape(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``randn/zeros/ones/rand(*shape)``."""
    meter.check_elements(product(shape_arguments(args)))


def check_full(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``torch.full(shape, value)``."""
    if args and isinstance(args[0], list | tuple):
        meter.check_elements(product(args[0]))


def check_randint(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``torch.randint([low,] high, shape)``."""
    shape = next((a for a in reversed(args) if isinstance(a, list | tuple)), ())
    meter.check_elements(product(shape))


def check_randperm(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``torch.randperm(n)``."""
    if args:
        meter.check_elements(product(args[:1]))


def _number(value: Any) -> float | None:
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return float(value) if value.numel() == 1 else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def check_arange(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``torch.arange([start,] end[, step])``: ceil((end - start) / step) elements."""
    numbers = [_number(a) for a in args]
    if not numbers or any(n is None for n in numbers):
        return
    start, end, step = 0.0, numbers[0], 1.0
    if len(numbers) >= 2:
        start, end = numbers[0], numbers[1]
    if len(numbers) == 3:
        step = numbers[2]
    if step == 0 or not all(math.isfinite(n) for n in (start, end, step)):
        return  # torch says what is wrong
    meter.check_elements(max(0, math.ceil((end - start) / step)), "torch.arange")


def check_linspace(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``torch.linspace(start, end, steps)``."""
    steps = kwargs.get("steps", args[2] if len(args) > 2 else None)
    if isinstance(steps, int):
        meter.check_elements(max(0, steps), "torch.linspace")


def check_concat(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``torch.stack/cat(tensors)``: the elements of all of them."""
    torch = _torch()
    if args and isinstance(args[0], list | tuple):
        meter.check_elements(
            sum(t.numel() for t in args[0] if isinstance(t, torch.Tensor)), "stack/cat"
        )


def check_matmul(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``torch.matmul(a, b)``, ``a.mm(b)``: see ``check_product``."""
    torch = _torch()
    if len(args) >= 2 and isinstance(args[0], torch.Tensor) and isinstance(args[1], torch.Tensor):
        check_product(meter, args[0], args[1])


def check_product(meter: Meter, a: Any, b: Any) -> None:
    """``a @ b`` of two tensors: the result's elements, and the multiply-adds it takes."""
    a_shape, b_shape = a.shape, b.shape
    if len(a_shape) == 2 and len(b_shape) == 2:  # the common case, written out
        elements = a_shape[0] * b_shape[1]
        budgets = meter.budgets
        if elements > budgets.tensor_elements or meter.live + elements > budgets.live_elements:
            meter.check_elements(elements, "'@'")
        if elements * a_shape[1] > budgets.matmul_work:
            raise BudgetExceeded("matmul_work", budgets.matmul_work)
        return
    if not a_shape or not b_shape:
        return  # torch refuses a 0-d operand
    rows = a_shape[-2] if len(a_shape) >= 2 else 1
    inner = a_shape[-1]
    cols = b_shape[-1] if len(b_shape) >= 2 else 1
    elements = rows * cols
    if len(a_shape) > 2 or len(b_shape) > 2:  # batched: the batch sizes broadcast
        try:
            elements *= product(_torch().broadcast_shapes(a_shape[:-2], b_shape[:-2]))
        except RuntimeError:
            return  # torch says the shapes do not match
    meter.check_elements(elements, "'@'")
    work = elements * inner
    if work > meter.budgets.matmul_work:
        raise BudgetExceeded("matmul_work", meter.budgets.matmul_work)


def check_expand(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``x.expand(*shape)``: a view, but every later operation makes its full size."""
    x, shape = args[0], shape_arguments(args[1:])
    sizes = list(shape)
    offset = len(sizes) - x.dim()
    for i, size in enumerate(sizes):
        if size == -1 and i >= offset >= 0:
            sizes[i] = x.shape[i - offset]
    meter.check_elements(product(sizes), "expand")


def check_repeat(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``x.repeat(*times)``."""
    x, times = args[0], shape_arguments(args[1:])
    meter.check_elements(x.numel() * product(times), "repeat")


def check_linear(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``nn.Linear(inputs, outputs)``: its weight matrix."""
    meter.check_elements(product(args[:2]), "nn.Linear")


def check_tolist(meter: Meter, args: Sequence[Any], kwargs: dict) -> None:
    """``x.tolist()``: one Python number per element."""
    meter.check_items(args[0].numel(), "tolist")


def check_broadcast(meter: Meter, tensors: Sequence[Any]) -> None:
    """Element-wise work on several tensors: the broadcast shape's elements."""
    bound = 1
    for tensor in tensors:
        bound *= tensor.numel()
    if bound <= meter.budgets.tensor_elements:
        return
    shapes = [tensor.shape for tensor in tensors]
    count = 1
    for i in range(1, max(len(s) for s in shapes) + 1):  # torch's broadcasting rule
        size = 1
        for shape in shapes:
            if len(shape) >= i and shape[-i] != 1:
                if size != 1 and shape[-i] != size:
                    return  # the shapes do not match: torch says so
                size = shape[-i]
        count *= size
    meter.check_elements(count)


RULES: dict[str, Callable[[Meter, Sequence[Any], dict], None]] = {
    "data": check_data,
    "shape": check_shape,
    "full": check_full,
    "randint": check_randint,
    "randperm": check_randperm,
    "arange": check_arange,
    "linspace": check_linspace,
    "concat": check_concat,
    "matmul": check_matmul,
    "expand": check_expand,
    "repeat": check_repeat,
    "linear": check_linear,
    "tolist": check_tolist,
}
