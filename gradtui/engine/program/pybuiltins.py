"""Python's builtins a program may call, each checked for size before it runs.

``print`` writes to the run's output (never to the terminal); ``list``, ``tuple``, ``sum``,
``min`` and ``max`` take at most the list-items budget from what they iterate (``range(10**12)``
would keep C code busy for hours, out of reach of the statement budget); ``round`` keeps its
digits sane. The rest are Python's own functions.
"""

from __future__ import annotations

import builtins
import io
import itertools
from collections.abc import Callable
from typing import Any

from gradtui.engine.program import allowlist
from gradtui.engine.program.budgets import BudgetExceeded
from gradtui.engine.program.context import Context
from gradtui.engine.program.ops import text_of
from gradtui.engine.program.values import SafeFunction


def _print(ctx: Context, *args: Any, sep: Any = " ", end: Any = "\n", flush: Any = False) -> None:
    texts = [text_of(ctx, a) for a in args]
    buffer = io.StringIO()
    print(*texts, sep=sep, end=end, file=buffer)  # Python's own checks of sep and end
    ctx.output.write(buffer.getvalue())


def _bounded(ctx: Context, values: Any) -> list[Any]:
    """What ``values`` yields, as a list, or a budget stop once it is longer than allowed."""
    limit = ctx.meter.budgets.list_items
    if hasattr(values, "__len__"):
        if len(values) > limit:
            raise BudgetExceeded("list_items", limit)
        items = list(values)
    else:
        items = list(itertools.islice(iter(values), limit + 1))
        if len(items) > limit:
            raise BudgetExceeded("list_items", limit)
    ctx.meter.check_items(len(items))
    return items


def _list(ctx: Context, *args: Any) -> list:
    return _bounded(ctx, args[0]) if args else []


def _tuple(ctx: Context, *args: Any) -> tuple:
    return tuple(_bounded(ctx, args[0])) if args else ()


def _str(ctx: Context, *args: Any) -> str:
    return text_of(ctx, args[0]) if args else ""


def _reducer(fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(ctx: Context, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not isinstance(args[0], int | float | bool):
            try:
                iter(args[0])
            except TypeError:
                return fn(*args, **kwargs)  # Python's own error
            args = (_bounded(ctx, args[0]),)
        return fn(*args, **kwargs)

    return run


def _round(ctx: Context, number: Any, ndigits: Any = None) -> Any:
    if isinstance(ndigits, int) and abs(ndigits) > 400:
        ndigits = 400 if ndigits > 0 else -400  # the same answer, without a huge power of 10
    return builtins.round(number, ndigits)


def _plain(fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(ctx: Context, *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    return run


_IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {
    "print": _print,
    "list": _list,
    "tuple": _tuple,
    "str": _str,
    "round": _round,
    "sum": _reducer(builtins.sum),
    "min": _reducer(builtins.min),
    "max": _reducer(builtins.max),
}


def make_builtins() -> dict[str, SafeFunction]:
    """The builtins a program sees, by name."""
    made = {}
    for name, spec in allowlist.BUILTINS.items():
        fn = _IMPLEMENTATIONS.get(name) or _plain(getattr(builtins, name))
        made[name] = SafeFunction(name, fn, spec, with_context=True)
    return made
