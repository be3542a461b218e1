"""The values a program can hold besides numbers, text, lists and tensors.

``SafeModule`` is ``torch``, ``torch.nn``, ``F`` ... as a program sees them: only the members
in the allowlist. ``SafeFunction`` wraps one allowed callable with its spec; ``UserFunction``
is a ``def`` of the program; ``BoundMethod`` is ``x.sigmoid`` read without calling it. None of
them is a Python callable: only the interpreter calls them, so torch or Python can never run
a program's code behind its back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gradtui.engine.program import allowlist
from gradtui.engine.program.allowlist import Spec


@dataclass(frozen=True, eq=False)
class SafeFunction:
    """An allowed function: its name as written, the real callable and what it accepts.

    ``with_context``: the callable takes the run's context first (the wrapped builtins).
    """

    name: str
    fn: Callable[..., Any] = field(repr=False)
    spec: Spec
    with_context: bool = False

    def __repr__(self) -> str:
        return f"<built-in function {self.name.rsplit('.', 1)[-1]}>"


@dataclass(eq=False)
class UserFunction:
    """A ``def`` of the program: parameters, defaults (values), compiled body."""

    name: str
    params: tuple[str, ...]
    defaults: tuple[Any, ...]
    body: Any = field(repr=False)
    line: int = 0
    locals_: frozenset[str] = frozenset()
    # A body that ends with 'return expr': that statement, run by the caller after the others
    # (``leading``) without a signal going through the block.
    final_return: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.positional = _binder(self.params)
        self.arity = len(self.params)  # a call with this many values and no keywords: positional
        self.leading = tuple(self.body[:-1] if self.final_return is not None else self.body)
        # only simple statements before the closing return: the caller runs them itself,
        # from their plan (``interpreter.plan``)
        self.straight = bool(self.leading) and all(s.simple for s in self.leading)
        self.plan = tuple((s.exec, s.line, s) for s in self.leading) if self.straight else ()
        final = self.final_return
        # the closing return's parts, read by the caller without a lookup on each call
        self.returns = final.value if final is not None else None
        self.return_line = final.line if final is not None else 0

    def __repr__(self) -> str:
        return f"<function {self.name} at {id(self):#x}>"

    def bind(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        """The call's arguments by parameter, or Python's own ``TypeError`` message."""
        params, name = self.params, self.name
        if not kwargs and len(args) == len(params):
            return dict(zip(params, args, strict=True))
        if len(args) > len(params):
            n, given = len(params), len(args)
            was = "was" if given == 1 else "were"
            raise TypeError(
                f"{name}() takes {n} positional argument{'s' * (n != 1)} but {given} {was} given"
            )
        bound = dict(zip(params, args, strict=False))
        for key, value in kwargs.items():
            if key not in params:
                raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
            if key in bound:
                raise TypeError(f"{name}() got multiple values for argument '{key}'")
            bound[key] = value
        first_default = len(params) - len(self.defaults)
        missing = []
        for i, param in enumerate(params):
            if param not in bound:
                if i >= first_default:
                    bound[param] = self.defaults[i - first_default]
                else:
                    missing.append(param)
        if missing:
            raise TypeError(f"{name}() missing {_missing(missing)}")
        return bound


def _binder(params: tuple[str, ...]) -> Callable[[tuple], dict[str, Any]]:
    """``args`` by parameter, for a call with one value for each parameter (``bind``'s common
    case), as a dict display: no zip() to go through."""
    if len(params) == 1:
        (a,) = params
        return lambda args: {a: args[0]}
    if len(params) == 2:
        a, b = params
        return lambda args: {a: args[0], b: args[1]}
    if len(params) == 3:
        a, b, c = params
        return lambda args: {a: args[0], b: args[1], c: args[2]}
    return lambda args: dict(zip(params, args, strict=True))


def _missing(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    plural = "s" if len(names) > 1 else ""
    if len(quoted) == 1:
        listed = quoted[0]
    elif len(quoted) == 2:
        listed = f"{quoted[0]} and {quoted[1]}"
    else:
        listed = ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
    return f"{len(names)} required positional argument{plural}: {listed}"


@dataclass(frozen=True, eq=False)
class BoundMethod:
    """``obj.name`` of an allowed method, read without calling it."""

    obj: Any
    name: str

    def __repr__(self) -> str:
        return f"<built-in method {self.name} of {type(self.obj).__name__} object>"


class SafeModule:
    """A module with only its allowed members; reading another is Python's AttributeError."""

    __slots__ = ("path", "members")

    def __init__(self, path: str, members: dict[str, Any]):
        self.path = path
        self.members = members

    def __repr__(self) -> str:
        return f"<module '{self.path}'>"


class NoGrad:
    """``torch.no_grad``: only for ``with torch.no_grad():``."""

    def __repr__(self) -> str:
        return "<class 'torch.no_grad'>"


@functools.cache
def module(path: str) -> SafeModule:
    """The program's view of a module of ``allowlist.MODULES`` (built once per process)."""
    import importlib

    real = importlib.import_module(path)
    members: dict[str, Any] = {}
    for name, what in allowlist.MODULES[path].items():
        if isinstance(what, Spec):
            members[name] = SafeFunction(f"{path}.{name}", _real_member(path, real, name), what)
        elif what == "module":
            members[name] = module(f"{path}.{name}")
        elif what == "no_grad":
            members[name] = NO_GRAD
        else:  # dtypes and numbers
            members[name] = getattr(real, name)
    return SafeModule(path, members)


def _real_member(path: str, real: Any, name: str) -> Any:
    if path == "torch.utils.data":  # gradtui's own loader: no worker processes, no files
        from gradtui.engine.program import data

        return getattr(data, name)
    return getattr(real, name)


def resolve(path: str) -> Any:
    """A dotted path of the allowlist: a module (``torch.nn``) or a member (``torch.tensor``)."""
    if path in allowlist.MODULES:
        return module(path)
    parent, _, name = path.rpartition(".")
    return module(parent).members[name]


NO_GRAD = NoGrad()
