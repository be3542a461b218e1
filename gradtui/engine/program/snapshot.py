"""One moment of a run, as the panels show it: every variable, the output, the losses so far.

A ``Moment`` is plain frozen data built only when asked for (``Run.moment()``): tensors with
their value (or shape), ``requires_grad``, ``grad_fn`` and ``.grad`` exactly as torch holds
them, read without changing anything (a non-leaf's ``.grad`` is not touched, so torch does
not warn).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradtui.engine.program.values import BoundMethod, SafeFunction, SafeModule, UserFunction

VALUES_SHOWN = 100  # a tensor with more elements shows its shape and torch's summary
TEXT_LIMIT = 2_000  # characters of a value's text


@dataclass(frozen=True)
class TensorView:
    """A tensor: shape, dtype, its values (None when large), torch's repr, autograd state."""

    shape: tuple[int, ...]
    dtype: str
    values: Any
    text: str
    requires_grad: bool
    is_leaf: bool
    grad_fn: str | None
    grad: TensorView | None


@dataclass(frozen=True)
class VariableView:
    """One variable: its name, its kind and how it reads."""

    name: str
    kind: str  # tensor | number | bool | text | list | function | model | optimizer | data | other
    text: str
    tensor: TensorView | None = None


@dataclass(frozen=True)
class Moment:
    """The run after the statement on ``line`` ran (``function``: inside that ``def``)."""

    line: int
    kind: str
    phases: tuple[int, ...]
    statements: int
    seconds: float
    function: str
    variables: tuple[VariableView, ...]
    locals: tuple[VariableView, ...]
    printed: tuple[str, ...]
    losses: tuple[float, ...]
    status: str  # running | finished | error | stopped | refused


def leaf_grad(value: Any) -> Any:
    """A leaf tensor's ``.grad`` (None for anything else), read without a warning."""
    import torch

    if not isinstance(value, torch.Tensor):
        return None
    try:
        if not (value.is_leaf or value.retains_grad):
            return None
    except RuntimeError:  # a view whose base was changed in place: torch refuses to say
        return None
    return value.grad


def tensor_view(tensor: Any, with_grad: bool = True) -> TensorView:
    """How a tensor reads (its ``.grad`` too, one level)."""
    grad = leaf_grad(tensor) if with_grad else None
    try:
        is_leaf = tensor.is_leaf
        grad_fn = type(tensor.grad_fn).__name__ if tensor.grad_fn is not None else None
    except RuntimeError:  # torch writes such a tensor's grad_fn as <Invalid>
        is_leaf, grad_fn = False, "Invalid"
    small = tensor.numel() <= VALUES_SHOWN
    return TensorView(
        shape=tuple(tensor.shape),
        dtype=str(tensor.dtype).removeprefix("torch."),
        values=tensor.detach().tolist() if small else None,
        text=_clip(repr(tensor)),
        requires_grad=tensor.requires_grad,
        is_leaf=is_leaf,
        grad_fn=grad_fn,
        grad=tensor_view(grad, with_grad=False) if grad is not None else None,
    )


def variable_view(name: str, value: Any) -> VariableView:
    """How one variable reads in the variables panel."""
    import torch

    if isinstance(value, torch.Tensor):
        view = tensor_view(value)
        return VariableView(name, "tensor", view.text, view)
    if isinstance(value, bool):
        return VariableView(name, "bool", repr(value))
    if isinstance(value, int | float):
        return VariableView(name, "number", repr(value))
    if isinstance(value, str):
        return VariableView(name, "text", _clip(repr(value)))
    if isinstance(value, list | tuple):
        return VariableView(name, "list", _list_text(value))
    if isinstance(value, UserFunction | SafeFunction | BoundMethod):
        return VariableView(name, "function", repr(value))
    if isinstance(value, torch.nn.Module):
        return VariableView(name, "model", _clip(repr(value)))
    if isinstance(value, torch.optim.Optimizer):
        return VariableView(name, "optimizer", type(value).__name__)
    from gradtui.engine.program.data import DataLoader, TensorDataset

    if isinstance(value, DataLoader | TensorDataset):
        return VariableView(name, "data", repr(value))
    return VariableView(name, "other", _clip(repr(value)))


def namespace_views(namespace: dict[str, Any], hidden: dict[str, Any]) -> tuple[VariableView, ...]:
    """The variables of a scope, in the order they were made, without the ones the program
    starts with (``torch``, ``F`` ...) unless it rebound them."""
    views = []
    for name, value in list(namespace.items()):
        if name in hidden and hidden[name] is value:
            continue
        if isinstance(value, SafeModule):
            continue
        views.append(variable_view(name, value))
    return tuple(views)


def _list_text(value: Any) -> str:
    kind = "list" if isinstance(value, list) else "tuple"
    if len(value) > 20:
        return f"{kind} of {len(value):,} items"
    try:
        return _clip(repr(value))
    except RecursionError:
        return f"{kind} of {len(value):,} items"


def _clip(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 3] + "..."
