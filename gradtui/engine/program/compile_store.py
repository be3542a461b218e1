"""Assignment targets of a program, compiled into ``store(frame, value)`` functions.

Names are stored where Python would store them (see ``names.py``); ``a, b = value`` unpacks
with Python's own messages; ``x.data``, ``x.grad`` and ``x.requires_grad`` are the attributes a
program may assign; items and slices go through ``ops.set_item`` (a list may not grow past
its budget). Every value stored in a name ``loss`` is also kept for the loss plot.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from typing import Any

from gradtui.engine.program import allowlist, ops
from gradtui.engine.program.compile_expr import ExprCompiler
from gradtui.engine.program.dispatch import set_attribute, type_name
from gradtui.engine.program.interpreter import mark


def compile_store(c: ExprCompiler, target: ast.AST) -> Callable[[Any, Any], None]:
    """An assignment target as a function ``store(frame, value)``."""
    if isinstance(target, ast.Name):
        return _store_name(c, target)
    if isinstance(target, ast.Tuple | ast.List):
        if any(isinstance(e, ast.Starred) for e in target.elts):
            raise c.refuse("'*' in an assignment is not in the subset", target)
        stores = [compile_store(c, e) for e in target.elts]
        count, where = len(stores), c.where(target)
        if count == 2:
            names = [plain_name(c, e) for e in target.elts]
            if None not in names and names[0][0] == names[1][0]:  # for xb, yb in dl
                return _store_names(names[0][0], names[0][1], names[1][1], where)
            return _store_pair(stores, where)

        def store_all(f: Any, value: Any) -> None:
            try:
                items = unpack(value, count)
            except Exception as error:
                mark(error, where)
                raise
            for store, item in zip(stores, items, strict=True):
                store(f, item)

        return store_all
    if isinstance(target, ast.Attribute):
        if target.attr not in allowlist.TENSOR_SETTABLE:
            allowed = ", ".join(f".{n}" for n in sorted(allowlist.TENSOR_SETTABLE))
            raise c._at_attribute(
                f"assigning '.{target.attr}' is not in gradtui's subset",
                target,
                f"allowed: {allowed}",
            )
        obj, attr, where = c.visit(target.value), target.attr, c.where(target)

        def store_attribute(f: Any, value: Any) -> None:
            try:
                set_attribute(f.ctx, obj(f), attr, value)
            except Exception as error:
                mark(error, where)
                raise

        return store_attribute
    if isinstance(target, ast.Subscript):
        obj, index, where = c.visit(target.value), c.visit(target.slice), c.where(target)

        def store_item(f: Any, value: Any) -> None:
            try:
                ops.set_item(f.ctx, obj(f), index(f), value)
            except Exception as error:
                mark(error, where)
                raise

        return store_item
    raise c.refuse("this assignment target is not in the subset", target)


def _store_name(c: ExprCompiler, target: ast.Name) -> Callable[[Any, Any], None]:
    name = target.id
    if name.startswith("__"):
        raise c.refuse(f"'{name}': names starting with __ are not in the subset", target)
    kind, hops = c.scope.find(name)
    loss = name == "loss"

    def store(f: Any, value: Any) -> None:
        if kind == "local":
            for _ in range(hops):
                f = f.parent
            f.locals[name] = value
        else:
            f.globals[name] = value
        if loss:
            f.ctx.record_loss(value)

    if loss and (kind == "global" or hops == 0):
        local = kind == "local"

        def store_loss(f: Any, value: Any) -> None:
            (f.locals if local else f.globals)[name] = value
            ctx = f.ctx
            if type(value) is ctx.tensor and value.numel() == 1:  # record_loss's common case
                ctx.losses.append(float(value.item()))
            else:
                ctx.record_loss(value)

        return store_loss
    if kind == "global" and not loss:

        def store_global(f: Any, value: Any) -> None:
            f.globals[name] = value

        return store_global
    if kind == "local" and hops == 0 and not loss:

        def store_local(f: Any, value: Any) -> None:
            f.locals[name] = value

        return store_local
    return store


def plain_name(c: ExprCompiler, target: ast.AST) -> tuple[bool, str] | None:
    """(in the frame's locals, name) for a target stored by one dictionary assignment: a name
    of this scope or a global, other than ``loss`` (kept for the loss plot too)."""
    if not isinstance(target, ast.Name) or target.id == "loss" or target.id.startswith("__"):
        return None
    kind, hops = c.scope.find(target.id)
    if kind == "global":
        return False, target.id
    return (True, target.id) if hops == 0 else None


def _store_names(local: bool, first: str, second: str, where: Any) -> Callable[[Any, Any], None]:
    """``a, b = value`` of two plain names: Python's own unpacking and messages."""

    def store(f: Any, value: Any) -> None:
        try:
            a, b = value
        except Exception as error:
            mark(error, where)
            raise
        space = f.locals if local else f.globals
        space[first] = a
        space[second] = b

    return store


def _store_pair(stores: list[Callable[[Any, Any], None]], where: Any) -> Callable[[Any, Any], None]:
    """``a, b = value`` (``for xb, yb in dl``): Python's own unpacking and messages."""
    store_first, store_second = stores

    def store_pair(f: Any, value: Any) -> None:
        try:
            first, second = value
        except Exception as error:
            mark(error, where)
            raise
        store_first(f, first)
        store_second(f, second)

    return store_pair


def _unpack2(value: Any) -> Any:
    first, second = value  # Python's own unpacking, with its own messages
    return first, second


def _unpack3(value: Any) -> Any:
    first, second, third = value
    return first, second, third


def unpack(value: Any, count: int) -> Any:
    """``a, b = value`` with Python's own messages for the wrong number of values."""
    if isinstance(value, tuple | list) and len(value) == count:
        return value
    if count == 2:
        return _unpack2(value)
    if count == 3:
        return _unpack3(value)
    if not hasattr(type(value), "__iter__") and not hasattr(type(value), "__getitem__"):
        raise TypeError(f"cannot unpack non-iterable {type_name(value)} object")
    items = list(itertools.islice(iter(value), count + 1))
    if len(items) > count:
        raise ValueError(f"too many values to unpack (expected {count})")
    if len(items) < count:
        raise ValueError(f"not enough values to unpack (expected {count}, got {len(items)})")
    return items
