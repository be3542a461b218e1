"""In-place assignments (``x -= ...``, ``p.data -= p.grad * lr``, ``L[i] += 1``) compiled
into closures.

The classic update of a training loop, ``p.data -= p.grad * lr`` (and ``x -= x.grad * lr``
inside ``with torch.no_grad():``), runs for every parameter on every batch. Written as a
name (or a name's attribute) updated by a name's attribute and a name or a constant, it is
one closure (``_fused``) instead of five nested ones: it reads its names in place and, when
the values are tensors, makes the operators' checks itself (``ops.binary``'s, written out:
the broadcast's size before the in-place operator runs, a result big enough to count
counted), marking each error at the part that raised it as the general closures do. Any
other value (a ``.grad`` that is None, a number) takes the operators' general path, with the
same checks and messages; any other statement is compiled by ``_general``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from gradtui.engine.program import allowlist, dispatch, ops, sizes
from gradtui.engine.program.budgets import TRACKED
from gradtui.engine.program.compile_names import CONSTANT, NAME, Closure, tensor_attribute
from gradtui.engine.program.compile_ops import BINARY_SYMBOLS
from gradtui.engine.program.compile_store import compile_store, plain_name
from gradtui.engine.program.dispatch import get_attribute, set_attribute
from gradtui.engine.program.interpreter import mark

NUMBERS = frozenset({int, float})  # never tensors: no need to ask isinstance (slow for these)


def compile_augassign(c: Any, node: ast.AugAssign) -> Closure:
    """``target OP= value`` as ``run(frame)``."""
    symbol = BINARY_SYMBOLS.get(type(node.op))
    if symbol is None:
        raise c.refuse("this operator is not in gradtui's subset", node)
    op = ops.binary(ops.IN_PLACE_OPERATORS[symbol], symbol)
    general = _general(c, node, op)  # every refusal, in the order the general path makes them
    if symbol == "@":
        return general
    return _fused(c, node, ops.IN_PLACE_OPERATORS[symbol], op, general) or general


def _general(c: Any, node: ast.AugAssign, op: Callable) -> Closure:
    value, target, where = c.visit(node.value), node.target, c.where(node)
    if isinstance(target, ast.Name):
        load, store = c.visit_Name(target), compile_store(c, target)

        def run(f: Any) -> None:
            try:
                store(f, op(f.ctx, load(f), value(f)))
            except Exception as error:
                mark(error, where)
                raise

        return run
    if isinstance(target, ast.Attribute):
        compile_store(c, target)  # refuses what may not be assigned
        holder_operand, attr = c.operand(target.value), target.attr
        obj = holder_operand.load
        key = holder_operand.value if holder_operand.kind == NAME else None  # p.data -= ...
        local = holder_operand.local
        grad = attr == "grad"  # assigning a .grad resets it (the pile-up note counts)

        def run_attribute(f: Any) -> None:
            try:
                if key is None:
                    holder = obj(f)
                else:
                    try:
                        holder = (f.locals if local else f.globals)[key]
                    except KeyError:
                        holder = obj(f)
                if isinstance(holder, dispatch.Tensor):  # p.data -= ...: a tensor's own
                    setattr(holder, attr, op(f.ctx, getattr(holder, attr), value(f)))
                    if grad:
                        f.ctx.grad_resets += 1
                    return
                current = get_attribute(f.ctx, holder, attr)
                set_attribute(f.ctx, holder, attr, op(f.ctx, current, value(f)))
            except Exception as error:
                mark(error, where)
                raise

        return run_attribute
    if isinstance(target, ast.Subscript):
        obj, index = c.visit(target.value), c.visit(target.slice)

        def run_item(f: Any) -> None:
            try:
                holder, key = obj(f), index(f)
                current = ops.get_item(f.ctx, holder, key)
                ops.set_item(f.ctx, holder, key, op(f.ctx, current, value(f)))
            except Exception as error:
                mark(error, where)
                raise

        return run_item
    raise c.refuse("this assignment target is not in the subset", target)


def _fused(
    c: Any, node: ast.AugAssign, in_place: Callable, op: Callable, general: Closure
) -> Closure | None:
    """The update as one closure, when it is ``t OP= g.attr OP2 v`` with ``t`` a name or a
    name's attribute and ``v`` a name or a constant; else None."""
    value, target = node.value, node.target
    if not isinstance(value, ast.BinOp) or type(value.op) not in BINARY_SYMBOLS:
        return None
    symbol = BINARY_SYMBOLS[type(value.op)]
    read = tensor_attribute(c, value.left)
    second = c.operand(value.right)
    if symbol == "@" or read is None or second.kind not in (NAME, CONSTANT):
        return None
    if isinstance(target, ast.Attribute):
        found = tensor_attribute(c, target)
        if found is None or target.attr not in allowlist.TENSOR_SETTABLE:
            return None
        holder, attr, _ = found
    elif plain_name(c, target) is not None and c.name_operand(target).kind == NAME:
        holder, attr = c.name_operand(target), None
    else:
        return None
    (g, g_attr, g_where), where = read, c.where(node)
    g_key, g_local, g_load = g.value, g.local, g.load
    b_name = second.kind == NAME
    b_key, b_local, b_load = second.value, second.local, second.load
    fn2 = ops.BINARY_OPERATORS[symbol]
    op2, op2_where = ops.binary(fn2, symbol), c.where(value)
    h_key, h_local, h_load = holder.value, holder.local, holder.load
    grad = attr == "grad"

    def run(f: Any) -> None:
        Tensor = dispatch.Tensor
        try:
            try:
                holder = (f.locals if h_local else f.globals)[h_key]
            except KeyError:
                holder = h_load(f)
            if attr is not None:  # p.data -= ...
                if not isinstance(holder, Tensor):
                    return general(f)  # reads the holder again: a name's read does nothing else
                current = getattr(holder, attr)
            else:  # x -= ...
                current = holder
            try:  # g.attr: a tensor's, else the attribute rules
                try:
                    g = (f.locals if g_local else f.globals)[g_key]
                except KeyError:
                    g = g_load(f)
                a = getattr(g, g_attr) if isinstance(g, Tensor) else get_attribute(f.ctx, g, g_attr)
            except Exception as error:
                mark(error, g_where)
                raise
            try:  # a OP2 v: a tensor and a number need no size check before
                if not b_name:
                    b = b_key
                else:
                    try:
                        b = (f.locals if b_local else f.globals)[b_key]
                    except KeyError:
                        b = b_load(f)
                size = None  # the value's elements, once counted
                if isinstance(a, Tensor) and (
                    not b_name or type(b) in NUMBERS or not isinstance(b, Tensor)
                ):
                    value = fn2(a, b)
                    if isinstance(value, Tensor):
                        size = value.numel()
                        if size >= TRACKED:
                            f.ctx.meter.track(value)
                else:
                    value = op2(f.ctx, a, b)
            except Exception as error:
                mark(error, op2_where)
                raise
            if isinstance(current, Tensor) and isinstance(value, Tensor):  # ops.binary's run
                meter = f.ctx.meter
                count = current.numel()
                if (
                    count * (value.numel() if size is None else size)
                    > meter.budgets.tensor_elements
                ):
                    sizes.check_broadcast(meter, (current, value))
                new = in_place(current, value)
                if new is current:  # in place: the same tensor, the same size
                    if count >= TRACKED:
                        meter.track(new)
                elif isinstance(new, Tensor) and new.numel() >= TRACKED:
                    meter.track(new)
            else:
                new = op(f.ctx, current, value)
            if attr is None:
                (f.locals if h_local else f.globals)[h_key] = new
            else:
                setattr(holder, attr, new)
                if grad:
                    f.ctx.grad_resets += 1
        except Exception as error:
            mark(error, where)
            raise
        return None

    return run
