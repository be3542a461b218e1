"""Attributes and calls at run time: each value's allowed members, sizes checked, results counted.

The compiler has already refused every name outside the allowlist; what is left to decide
here is which kind of value a name landed on (``x.sum()`` on a tensor, ``L.append`` on a
list). A member Python really lacks is Python's own ``AttributeError``; one the value has
but the subset does not allow for it stops the run as refused (``NotInSubset``).
"""

from __future__ import annotations

from typing import Any

from gradtui.engine.program import allowlist, sizes
from gradtui.engine.program.budgets import TRACKED
from gradtui.engine.program.context import Context
from gradtui.engine.program.values import BoundMethod, SafeFunction, SafeModule, UserFunction

_torch: Any = None
_nn: Any = None
Tensor: Any = None  # torch.Tensor, once load_torch() ran
_Optimizer: Any = None
_MODELS: tuple = ()
_RESULTS: tuple = ()


class NotInSubset(Exception):
    """Something the value has, but gradtui's subset does not allow: a refusal at run time."""


def load_torch() -> None:
    """Bind torch's types for the fast type checks below (once per process)."""
    global _torch, _nn, Tensor, _Optimizer, _MODELS, _RESULTS
    if _torch is None:
        import torch

        _nn, Tensor, _Optimizer = torch.nn, torch.Tensor, torch.optim.Optimizer
        _MODELS = (torch.nn.Linear, torch.nn.ReLU, torch.nn.Sigmoid, torch.nn.Sequential)
        _RESULTS = tuple(
            getattr(torch.return_types, n) for n in ("max", "min", "sort", "topk", "mode")
        )
        _torch = torch


def type_name(value: Any) -> str:
    """The type's name as Python's own messages write it."""
    if isinstance(value, UserFunction):
        return "function"
    if isinstance(value, SafeFunction | BoundMethod):
        return "builtin_function_or_method"
    if isinstance(value, SafeModule):
        return "module"
    return type(value).__name__


def _missing(value: Any, name: str) -> Exception:
    if isinstance(value, SafeModule):
        if name in _all_module_members():
            return NotInSubset(f"'{value.path}.{name}' is not in gradtui's subset")
        return AttributeError(f"module '{value.path}' has no attribute '{name}'")
    if not isinstance(value, UserFunction | SafeFunction | BoundMethod):
        try:
            real = hasattr(type(value), name)
        except Exception:
            real = False
        if real:
            return NotInSubset(f"'.{name}' of a {type_name(value)} is not in gradtui's subset")
    return AttributeError(f"'{type_name(value)}' object has no attribute '{name}'")


def _all_module_members() -> set[str]:
    return {name for members in allowlist.MODULES.values() for name in members}


def get_attribute(ctx: Context, value: Any, name: str) -> Any:
    """``value.name`` for an attribute (not a call)."""
    if isinstance(value, Tensor):
        if name in allowlist.TENSOR_ATTRIBUTES:
            return getattr(value, name)  # a non-leaf's .grad warns: the run collects it
        if name in allowlist.TENSOR_METHODS:
            return BoundMethod(value, name)
    elif isinstance(value, SafeModule):
        if name in value.members:
            return value.members[name]
    elif isinstance(value, _MODELS):
        if name in allowlist.MODEL_ATTRIBUTES and isinstance(value, _nn.Linear):
            return getattr(value, name)
        if name in allowlist.MODEL_METHODS:
            return BoundMethod(value, name)
    elif isinstance(value, _Optimizer):
        if name in allowlist.OPTIMIZER_METHODS:
            return BoundMethod(value, name)
    elif type(value) is list:
        if name in allowlist.LIST_METHODS:
            return BoundMethod(value, name)
    elif isinstance(value, _RESULTS) and name in allowlist.RESULT_ATTRIBUTES:
        return getattr(value, name)
    raise _missing(value, name)


def set_attribute(ctx: Context, value: Any, name: str, new: Any) -> None:
    """``value.name = new``: only a tensor's ``data``, ``grad`` and ``requires_grad``."""
    if isinstance(value, Tensor):
        setattr(value, name, new)
        if name == "grad":
            ctx.grad_resets += 1
        return
    if hasattr(type(value), name):
        raise NotInSubset(f"setting '.{name}' of a {type_name(value)} is not in gradtui's subset")
    raise AttributeError(f"'{type_name(value)}' object has no attribute '{name}'")


def call_value(ctx: Context, fn: Any, args: tuple, kwargs: dict) -> Any:
    """Call what a name or an expression holds (a ``def`` function is run by the caller)."""
    kind = type(fn)
    if kind is SafeFunction:
        return invoke(ctx, fn, args, kwargs)
    if kind is BoundMethod:
        return call_method(ctx, fn.obj, fn.name, args, kwargs)
    if isinstance(fn, _MODELS):
        return call_model(ctx, fn, args, kwargs)
    if kind is UserFunction:
        raise AssertionError("the interpreter runs def functions itself")
    if callable(fn):
        raise NotInSubset(f"calling a {type_name(fn)} is not in gradtui's subset")
    raise TypeError(f"'{type_name(fn)}' object is not callable")


def _check_keywords(name: str, spec: allowlist.Spec, args: tuple, kwargs: dict) -> None:
    for key in kwargs:
        if key not in spec.keywords:
            allowed = ", ".join(sorted(spec.keywords)) or "none"
            raise NotInSubset(f"{name}() takes no '{key}=' here (keywords allowed: {allowed})")
    if spec.max_args is not None and len(args) > spec.max_args:
        raise NotInSubset(f"{name}() takes at most {spec.max_args} positional arguments here")


def invoke(ctx: Context, fn: SafeFunction, args: tuple, kwargs: dict) -> Any:
    """Call an allowed function: keywords and sizes checked first, the result counted."""
    spec = fn.spec
    if kwargs or spec.max_args is not None:
        _check_keywords(fn.name, spec, args, kwargs)
    if fn.with_context:
        return fn.fn(ctx, *args, **kwargs)
    meter = ctx.meter
    if spec.size is not None:
        sizes.RULES[spec.size](meter, args, kwargs)
    return call_counted(ctx, fn, args, kwargs)


def call_counted(ctx: Context, fn: SafeFunction, args: tuple, kwargs: dict) -> Any:
    """Call an allowed function whose keywords, argument count and size rule were checked
    (``invoke``, or a call site whose text fixes them): the broadcast checked first, the
    result counted."""
    meter = ctx.meter
    if len(args) > 1:  # element-wise work on several tensors: see sizes.check_broadcast
        bound, found = 1, 0
        for arg in args:
            if isinstance(arg, Tensor):
                bound *= arg.numel()
                found += 1
        if found > 1 and bound > meter.budgets.tensor_elements:
            sizes.check_broadcast(meter, [arg for arg in args if isinstance(arg, Tensor)])
    result = fn.fn(*args, **kwargs) if kwargs else fn.fn(*args)  # no dict made for none
    if isinstance(result, Tensor):  # counted's common case, without the call
        if result.numel() >= TRACKED:
            meter.track(result)
        return result
    return counted(ctx, result)


def counted(ctx: Context, result: Any) -> Any:
    """``result``, its tensors counted against the live-elements budget."""
    if isinstance(result, Tensor):
        if result.numel() >= TRACKED:
            ctx.meter.track(result)
    elif isinstance(result, tuple):
        for item in result:
            if isinstance(item, Tensor):
                ctx.meter.track(item)
    return result


def call_method(ctx: Context, obj: Any, name: str, args: tuple, kwargs: dict) -> Any:
    """``obj.name(*args, **kwargs)`` for an allowed method of the value's kind."""
    if isinstance(obj, Tensor):
        spec = allowlist.TENSOR_METHODS.get(name)
        if spec is None:
            raise _missing(obj, name)
        if kwargs or spec.max_args is not None:
            _check_keywords(f"Tensor.{name}", spec, args, kwargs)
        meter = ctx.meter
        if spec.size is not None:
            sizes.RULES[spec.size](meter, (obj, *args), kwargs)
        if args and isinstance(args[0], Tensor):
            sizes.check_broadcast(meter, (obj, args[0]))
        result = getattr(obj, name)(*args, **kwargs)
        if name == "backward":
            ctx.after_backward()
            return result
        return counted(ctx, result)
    if type(obj) is list:
        if name == "append" and len(args) == 1 and not kwargs:
            ctx.meter.check_items(len(obj) + 1, "append")
        elif name == "extend" and len(args) == 1 and not kwargs:
            ctx.meter.check_items(len(obj) + _length(args[0]), "extend")
        elif name not in allowlist.LIST_METHODS:
            raise _missing(obj, name)
        return getattr(obj, name)(*args, **kwargs)
    if isinstance(obj, _MODELS) and name in allowlist.MODEL_METHODS:
        _check_keywords(name, allowlist.MODEL_METHODS[name], args, kwargs)
    elif isinstance(obj, _Optimizer) and name in allowlist.OPTIMIZER_METHODS:
        _check_keywords(name, allowlist.OPTIMIZER_METHODS[name], args, kwargs)
    else:
        return call_value(ctx, get_attribute(ctx, obj, name), args, kwargs)
    if name == "zero_grad":
        ctx.grad_resets += 1
    return getattr(obj, name)(*args, **kwargs)


def _length(value: Any) -> int:
    if hasattr(value, "__len__"):
        return len(value)
    if hasattr(value, "__iter__"):  # zip, enumerate: no length to check beforehand
        raise NotInSubset("extend() takes a list or a tuple here: write list(...) first")
    return 0  # not iterable: Python's own error comes from the call


def call_model(ctx: Context, model: Any, args: tuple, kwargs: dict) -> Any:
    """``model(x)`` for ``nn.Linear``, ``nn.ReLU``, ``nn.Sigmoid`` and ``nn.Sequential``."""
    if isinstance(model, _nn.Sequential) and len(args) == 1 and not kwargs:
        value = args[0]
        for layer in model:
            value = call_model(ctx, layer, (value,), {})
        return value
    if isinstance(model, _nn.Linear) and len(args) == 1 and isinstance(args[0], Tensor):
        sizes.check_product(ctx.meter, args[0], model.weight.T)
    return counted(ctx, model(*args, **kwargs))


_NOT_ITERABLE = (SafeModule, SafeFunction, BoundMethod, UserFunction)
PLAIN_ITERABLES = frozenset({list, tuple, range})  # iterate(ctx, v) is iter(v) for these


def iterate(ctx: Context, value: Any) -> Any:
    """``iter(value)`` for a ``for`` loop or a comprehension."""
    if isinstance(value, _NOT_ITERABLE):
        raise TypeError(f"'{type_name(value)}' object is not iterable")
    return iter(value)
