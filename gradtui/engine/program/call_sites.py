"""The calls a training loop makes on every batch, compiled for what their text already says.

``x.sigmoid()``, ``loss.backward()``, ``p.grad.zero_()``, ``torch.where(...)``, ``print(...)``:
which method or function is called, how many positional arguments it gets and which keywords
are fixed by the text, so the checks that depend only on those are made once, when compiling,
and each call does only what depends on the values: whether the receiver is a tensor, the
sizes of the tensors it gets, and counting the tensor it makes. A call that is not the common
case (a receiver that is not a tensor, a method with a size rule, too many arguments) goes
through ``dispatch``, which checks everything and says what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import methodcaller
from typing import Any

from gradtui.engine.program import allowlist, dispatch, sizes
from gradtui.engine.program.budgets import TRACKED
from gradtui.engine.program.compile_names import NAME, Closure, Operand
from gradtui.engine.program.interpreter import Where, mark
from gradtui.engine.program.values import SafeFunction, resolve

_NO_KEYWORDS: dict[str, Any] = {}


def method(
    receiver: Operand,
    name: str,
    args: Callable[[Any], tuple],
    kwargs: Callable[[Any], dict],
    count: int,
    keywords: frozenset[str],
    where: Where,
    resets: bool,
    attribute: tuple[Operand, str, Where] | None = None,
) -> Closure:
    """``receiver.name(...)`` with ``count`` positional arguments and these keywords.

    ``resets``: the receiver is a ``.grad`` and the method zeroes it (the pile-up note counts).
    ``attribute``: the receiver is a name's tensor attribute (``p.grad``): the name's operand,
    the attribute and its place.
    """
    spec = allowlist.TENSOR_METHODS.get(name)
    fits = (
        spec is not None
        and spec.size is None
        and (spec.max_args is None or count <= spec.max_args)
        and keywords <= spec.keywords
    )
    if fits and not count and not keywords:
        if name == "backward":
            return _backward(receiver, where)
        if attribute is not None:
            return _attribute_method(*attribute, name, where, resets)
        return _bare_method(receiver, name, where, resets)
    call_method, counted = dispatch.call_method, dispatch.counted
    backward, load = name == "backward", receiver.load
    function: Any = None

    def run(f: Any) -> Any:
        nonlocal function
        try:
            obj = load(f)
            given = args(f) if count else ()
            named = kwargs(f) if keywords else _NO_KEYWORDS
            ctx = f.ctx
            if not fits or not isinstance(obj, dispatch.Tensor):
                result = call_method(ctx, obj, name, given, named)  # every check, and why not
            else:
                if count and isinstance(given[0], dispatch.Tensor):
                    meter = ctx.meter
                    if obj.numel() * given[0].numel() > meter.budgets.tensor_elements:
                        sizes.check_broadcast(meter, (obj, given[0]))
                if type(obj) is dispatch.Tensor:  # torch.Tensor's own function, as in
                    if function is None:  # _bare_method: no bound method on each call
                        function = getattr(dispatch.Tensor, name, None) or methodcaller(name)
                    result = function(obj, *given, **named)
                else:
                    result = getattr(obj, name)(*given, **named)
                if backward:
                    ctx.after_backward()
                elif isinstance(result, dispatch.Tensor):
                    if result.numel() >= TRACKED:
                        ctx.meter.track(result)
                else:
                    counted(ctx, result)
        except Exception as error:
            mark(error, where)
            raise
        if resets:
            ctx.grad_resets += 1
        return result

    return run


def _bare_method(receiver: Operand, name: str, where: Where, resets: bool) -> Closure:
    """``method``'s closure for a call without arguments: ``x.sigmoid()``, ``p.grad.zero_()``;
    a receiver that is a name is read in place (``compile_names.Operand``). A plain tensor's
    method is ``torch.Tensor``'s own function, taken once and called with the tensor, as
    Python's ``x.sigmoid()`` does (no bound method made on each call); a subclass
    (``nn.Parameter``) is asked for its own."""
    call_method, counted = dispatch.call_method, dispatch.counted
    load = receiver.load
    key = receiver.value if receiver.kind == NAME else None
    local = receiver.local
    function: Any = None

    def run(f: Any) -> Any:
        nonlocal function
        Tensor = dispatch.Tensor
        try:
            if key is None:
                obj = load(f)
            else:
                try:
                    obj = (f.locals if local else f.globals)[key]
                except KeyError:
                    obj = load(f)
            if type(obj) is Tensor:
                if function is None:  # a method torch lacks: Python's own error
                    function = getattr(Tensor, name, None) or methodcaller(name)
                result = function(obj)
                if isinstance(result, Tensor):
                    if result.numel() >= TRACKED:
                        f.ctx.meter.track(result)
                else:
                    counted(f.ctx, result)
            elif isinstance(obj, Tensor):
                result = counted(f.ctx, getattr(obj, name)())
            else:
                result = call_method(f.ctx, obj, name, (), _NO_KEYWORDS)
        except Exception as error:
            mark(error, where)
            raise
        if resets:
            f.ctx.grad_resets += 1
        return result

    return run


def _attribute_method(
    holder: Operand, attr: str, attr_where: Where, name: str, where: Where, resets: bool
) -> Closure:
    """``_bare_method`` of a name's tensor attribute, ``p.grad.zero_()``, as one closure: the
    name read in place, the attribute read from a tensor (else by the attribute rules, an
    error marked at the attribute), then the method as ``_bare_method`` calls it."""
    call_method, counted, get_attribute = (
        dispatch.call_method,
        dispatch.counted,
        dispatch.get_attribute,
    )
    key, local, load = holder.value, holder.local, holder.load
    function: Any = None

    def run(f: Any) -> Any:
        nonlocal function
        Tensor = dispatch.Tensor
        try:
            try:
                try:
                    value = (f.locals if local else f.globals)[key]
                except KeyError:
                    value = load(f)
                if isinstance(value, Tensor):
                    obj = getattr(value, attr)
                else:
                    obj = get_attribute(f.ctx, value, attr)
            except Exception as error:
                mark(error, attr_where)
                raise
            if type(obj) is Tensor:
                if function is None:  # a method torch lacks: Python's own error
                    function = getattr(Tensor, name, None) or methodcaller(name)
                result = function(obj)
                if isinstance(result, Tensor):
                    if result.numel() >= TRACKED:
                        f.ctx.meter.track(result)
                else:
                    counted(f.ctx, result)
            elif isinstance(obj, Tensor):
                result = counted(f.ctx, getattr(obj, name)())
            else:
                result = call_method(f.ctx, obj, name, (), _NO_KEYWORDS)
        except Exception as error:
            mark(error, where)
            raise
        if resets:
            f.ctx.grad_resets += 1
        return result

    return run


def _backward(receiver: Operand, where: Where) -> Closure:
    """``loss.backward()``: counted for the pile-up note; a name read in place."""
    call_method = dispatch.call_method
    load, local = receiver.load, receiver.local
    key = receiver.value if receiver.kind == NAME else None

    def run(f: Any) -> Any:
        try:
            if key is None:
                obj = load(f)
            else:
                try:
                    obj = (f.locals if local else f.globals)[key]
                except KeyError:
                    obj = load(f)
            if isinstance(obj, dispatch.Tensor):
                result = obj.backward()
                ctx = f.ctx
                if ctx.backward_calls:  # ctx.after_backward() after the first, written out
                    ctx.backward_calls += 1
                else:
                    ctx.after_backward()
            else:
                result = call_method(f.ctx, obj, "backward", (), _NO_KEYWORDS)
        except Exception as error:
            mark(error, where)
            raise
        return result

    return run


def allowed_function(
    path: str,
    spec: allowlist.Spec,
    count: int,
    args: Callable[[Any], tuple],
    kwargs: Callable[[Any], dict],
    where: Where,
) -> Closure:
    """A call of the allowlist member ``path`` (``torch.where``), looked up on first use.

    Its keywords were checked when compiling; with no size rule and no more positional
    arguments than it takes, each call only checks the broadcast and counts the result.
    """
    function: Any = None
    fits = spec.size is None and (spec.max_args is None or count <= spec.max_args)
    call_counted = dispatch.call_counted

    def run(f: Any) -> Any:
        nonlocal function
        try:
            if function is None:
                function = resolve(path)
            given = args(f)
            named = kwargs(f) if kwargs is not no_keywords else _NO_KEYWORDS
            if type(function) is SafeFunction:
                if fits and not function.with_context:
                    return call_counted(f.ctx, function, given, named)
                return dispatch.invoke(f.ctx, function, given, named)
            return dispatch.call_value(f.ctx, function, given, named)
        except Exception as error:
            mark(error, where)
            raise

    return run


def known_function(
    function: SafeFunction,
    args: Callable[[Any], tuple],
    kwargs: Callable[[Any], dict],
    where: Where,
) -> Closure:
    """A call of a builtin of the subset (``print``, ``range``, ``len``)."""
    invoke = dispatch.invoke

    def run(f: Any) -> Any:
        try:
            given = args(f)
            named = kwargs(f) if kwargs is not no_keywords else _NO_KEYWORDS
            return invoke(f.ctx, function, given, named)
        except Exception as error:
            mark(error, where)
            raise

    return run


def no_keywords(f: Any) -> dict:
    """The keywords of a call written without any (``compile_call``'s; skipped here)."""
    return _NO_KEYWORDS
