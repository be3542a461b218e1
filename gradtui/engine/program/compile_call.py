"""Calls, list comprehensions and assignment targets of a program, compiled into closures.

A call is one of: an allowed member of a module (``torch.randn``, ``F.relu``), checked when
compiling; a builtin (``print``, ``range``); a method of a value (``loss.backward()``),
checked against the union of allowed methods when compiling and against the value's kind
when running; or a name holding a function (a ``def`` of the program, or any callable the
runtime allows).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gradtui.engine.program import allowlist, call_sites
from gradtui.engine.program.budgets import BudgetExceeded
from gradtui.engine.program.compile_args import arguments
from gradtui.engine.program.compile_expr import ExprCompiler
from gradtui.engine.program.compile_names import (
    BUILTINS,
    NAME,
    Closure,
    Operand,
    lazy,
    tensor_attribute,
)
from gradtui.engine.program.compile_store import compile_store
from gradtui.engine.program.context import Frame
from gradtui.engine.program.dispatch import call_value, iterate
from gradtui.engine.program.interpreter import Where, call_user, left_call, mark
from gradtui.engine.program.names import Scope, target_names
from gradtui.engine.program.values import Spec, UserFunction

# In-place methods that, called on a .grad, reset it (the pile-up note looks for them).
_RESETS = {"zero_", "fill_", "mul_"}


@dataclass(frozen=True)
class CallParts:
    """A call whose callee is only known when it runs (it may be a ``def`` function)."""

    callee: Operand
    args: Callable[[Any], tuple]
    kwargs: Callable[[Any], dict]
    where: Where
    single: Operand | None = None  # the one argument, when it is all there is: f(xb)
    plain: bool = field(init=False)  # written without keywords: fn(a, b)
    target: Closure = field(init=False)  # reads the callee
    key: str | None = field(init=False)  # the callee's name, when it is read in place
    local: bool = field(init=False)  # ... from the frame's locals, else from the globals

    def __post_init__(self) -> None:
        callee, put = self.callee, object.__setattr__
        put(self, "plain", self.kwargs is call_sites.no_keywords)
        put(self, "target", callee.load)
        put(self, "key", callee.value if callee.kind == NAME else None)
        put(self, "local", callee.local)


def _check_keywords(c: ExprCompiler, node: ast.Call, name: str, allowed: frozenset[str]) -> None:
    for kw in node.keywords:
        if kw.arg is not None and kw.arg not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise c.refuse(
                f"{name}() takes no '{kw.arg}=' in gradtui's subset",
                kw,
                f"keywords allowed: {listed}",
            )


def _member_spec(path: str) -> Any:
    parent, _, name = path.rpartition(".")
    return allowlist.MODULES[parent][name]


def call_parts(c: ExprCompiler, node: ast.AST) -> CallParts | None:
    """The parts of a call of a name that may hold a ``def`` function, else None."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return None
    name = node.func.id
    if name in BUILTINS and not c.names.rebinds(name):
        return None
    if c.static_path(node.func)[0] is not None:
        return None
    c.check_name(name, node.func)  # keywords are checked by the callee when it runs
    args, kwargs = arguments(c, node)
    callee = c.operand(node.func)
    one = len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Name)
    single = c.operand(node.args[0]) if one else None  # f(xb): a name, read in place
    return CallParts(callee, args, kwargs, c.where(node), single)


def compile_call(c: ExprCompiler, node: ast.Call) -> Closure:
    """A call, checked and compiled."""
    func, where = node.func, c.where(node)
    path = c.static_path(func)[0] if isinstance(func, ast.Name | ast.Attribute) else None
    if path is not None and path not in allowlist.MODULES:
        spec = _member_spec(path)
        if spec == "no_grad":
            raise c.refuse(
                "torch.no_grad() goes in a with statement", node, "with torch.no_grad():"
            )
        if isinstance(spec, Spec):
            _check_keywords(c, node, path, spec.keywords)
            if c.static_path(func)[1]:  # always this member: resolved once, on first use
                count = len(node.args)
                return call_sites.allowed_function(path, spec, count, *arguments(c, node), where)
        target = lazy(path) if c.static_path(func)[1] else c.visit(func)
        return _static(target, *arguments(c, node), where)
    if isinstance(func, ast.Name) and func.id in BUILTINS and not c.names.rebinds(func.id):
        c.check_name(func.id, func)
        builtin = BUILTINS[func.id]
        _check_keywords(c, node, func.id, builtin.spec.keywords)
        return call_sites.known_function(builtin, *arguments(c, node), where)
    if isinstance(func, ast.Attribute) and path is None:
        receiver = c.operand(func.value)  # what comes first on the line is refused first
        c.check_attribute(func, method=True)
        _check_keywords(c, node, f".{func.attr}", allowlist.KEYWORDS)
        resets = func.attr in _RESETS and _mentions_grad(func.value)
        keywords = frozenset(kw.arg for kw in node.keywords)
        return call_sites.method(
            receiver,
            func.attr,
            *arguments(c, node),
            len(node.args),
            keywords,
            where,
            resets,
            tensor_attribute(c, func.value),
        )
    parts = call_parts(c, node)
    if parts is None:  # a call of another expression's value: model(x), fns[0](x)
        parts = CallParts(c.operand(func), *arguments(c, node), where)
    return _dynamic(parts)


def _mentions_grad(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "grad" for n in ast.walk(node))


def _static(target: Closure, args: Callable, kwargs: Callable, where: Where) -> Closure:
    def run(f: Any) -> Any:
        try:
            return call_value(f.ctx, target(f), args(f), kwargs(f))
        except Exception as error:
            mark(error, where)
            raise

    return run


def _dynamic(parts: CallParts) -> Closure:
    target, args, kwargs, where = parts.target, parts.args, parts.kwargs, parts.where
    plain, key, local = parts.plain, parts.key, parts.local
    single = parts.single if parts.single is not None and parts.single.kind == NAME else None
    one, one_local = (single.value, single.local) if single is not None else (None, False)

    def run(f: Any) -> Any:
        try:
            if key is None:
                fn = target(f)
            else:
                try:
                    fn = (f.locals if local else f.globals)[key]  # linear1(xb): read in place
                except KeyError:
                    fn = target(f)
            if type(fn) is not UserFunction:
                return call_value(f.ctx, fn, args(f), kwargs(f))
            if one is None:
                given = args(f)
            else:
                try:  # (xb,): the one argument read in place
                    given = ((f.locals if one_local else f.globals)[one],)
                except KeyError:
                    given = args(f)
            if plain and len(given) == fn.arity:  # fn.bind's common case
                positional = fn.positional  # read, then called: see interpreter.plan()
                bound = positional(given)
            else:
                bound = fn.bind(given, kwargs(f))
            try:
                return call_user(f.ctx, fn, bound)
            except Exception as error:
                left_call(error, fn.name, where)
                raise
        except Exception as error:
            mark(error, where)
            raise

    return run


def compile_comprehension(c: ExprCompiler, node: ast.ListComp) -> Closure:
    """``[elt for target in iterable if test]``: one ``for``, its names its own."""
    if len(node.generators) != 1:
        raise c.refuse("a comprehension with several 'for' is not in the subset", node)
    gen = node.generators[0]
    if gen.is_async:
        raise c.refuse("'async for' is not in the subset", node)
    iterable = c.visit(gen.iter)
    scope = Scope("comprehension", frozenset(target_names(gen.target)), c.scope, c.scope.function)
    inner = ExprCompiler(c.source, c.names, scope)
    store = compile_store(inner, gen.target)
    tests = [inner.visit(t) for t in gen.ifs]
    element = inner.visit(node.elt)
    where = c.where(node)

    def run(f: Any) -> Any:
        ctx = f.ctx
        limit = ctx.meter.budgets.list_items
        frame = Frame({}, ctx, f, f.function)
        made: list[Any] = []
        try:
            for item in iterate(ctx, iterable(f)):
                ctx.meter.tick()
                store(frame, item)
                if not tests or all(test(frame) for test in tests):
                    made.append(element(frame))
                    if len(made) > limit:
                        raise BudgetExceeded("list_items", limit)
            ctx.meter.check_items(len(made))
        except Exception as error:
            mark(error, where)
            raise
        return made

    return run
