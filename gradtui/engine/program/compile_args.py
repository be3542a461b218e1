"""A call's arguments compiled into two closures: the positional values, the keywords.

``f(xb)``, ``mnist_loss(linear1(xb), yb)``, ``torch.where(c, a, p)``: most arguments in a
training loop are names, so a name among the first two (or the last of three) is read in place (see
``compile_names.Operand``) rather than through a loader's call. The values come in the
order they are written, and a name that is not there raises the learner's error from its
loader, as before.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from gradtui.engine.program import call_sites
from gradtui.engine.program.compile_names import NAME, Operand

Args = Callable[[Any], tuple]
Kwargs = Callable[[Any], dict]


def arguments(c: Any, node: ast.Call) -> tuple[Args, Kwargs]:
    """``(args, kwargs)`` of a call: ``args(frame)`` is a tuple, ``kwargs(frame)`` a dict
    (``call_sites.no_keywords`` when the call has none)."""
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            raise c.refuse("'*' unpacking is not in the subset", arg, "write the items out")
    for kw in node.keywords:
        if kw.arg is None:
            raise c.refuse("'**' unpacking is not in the subset", kw, "write name=value")
    operands = [c.operand(a) for a in node.args]
    keywords = [(kw.arg, c.visit(kw.value)) for kw in node.keywords]
    if not keywords:
        kwargs: Kwargs = call_sites.no_keywords
    else:
        kwargs = lambda f: {k: v(f) for k, v in keywords}  # noqa: E731
    return positional(operands), kwargs


def positional(operands: list[Operand]) -> Args:
    """The positional values' closure: a name among the first two, or the last of three,
    is read in place."""
    closures = [o.load for o in operands]
    names = [o.kind == NAME for o in operands]
    if names == [True]:
        return _one_name(operands[0])
    if names == [False, True]:
        return _then_name(closures[0], operands[1])
    if names == [True, True]:
        return _two_names(operands[0], operands[1])
    if len(names) == 3 and names[2]:
        return _last_name(closures[0], closures[1], operands[2])
    if not closures:
        return lambda f: ()
    if len(closures) == 1:
        (one,) = closures
        return lambda f: (one(f),)
    if len(closures) == 2:
        a, b = closures
        return lambda f: (a(f), b(f))
    if len(closures) == 3:
        a, b, c = closures
        return lambda f: (a(f), b(f), c(f))
    return lambda f: tuple([x(f) for x in closures])


def _one_name(operand: Operand) -> Args:
    name, local, load = operand.value, operand.local, operand.load

    def args(f: Any) -> tuple:  # linear1(xb)
        try:
            return ((f.locals if local else f.globals)[name],)
        except KeyError:
            return (load(f),)

    return args


def _then_name(first: Callable[[Any], Any], operand: Operand) -> Args:
    name, local, load = operand.value, operand.local, operand.load

    def args(f: Any) -> tuple:  # mnist_loss(linear1(xb), yb)
        a = first(f)
        try:
            return (a, (f.locals if local else f.globals)[name])
        except KeyError:
            return (a, load(f))

    return args


def _last_name(first: Callable[[Any], Any], second: Callable[[Any], Any], operand: Operand) -> Args:
    name, local, load = operand.value, operand.local, operand.load

    def args(f: Any) -> tuple:  # torch.where(t == 1, 1 - p, p)
        a, b = first(f), second(f)
        try:
            return (a, b, (f.locals if local else f.globals)[name])
        except KeyError:
            return (a, b, load(f))

    return args


def _two_names(one: Operand, two: Operand) -> Args:
    first, first_local, load_first = one.value, one.local, one.load
    second, second_local, load_second = two.value, two.local, two.load

    def args(f: Any) -> tuple:  # f(x, y)
        try:
            a = (f.locals if first_local else f.globals)[first]
        except KeyError:
            a = load_first(f)
        try:
            b = (f.locals if second_local else f.globals)[second]
        except KeyError:
            b = load_second(f)
        return (a, b)

    return args
