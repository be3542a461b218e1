"""The slow way to a gradient: nudge one number by ``h`` and watch how much ``f`` moves.

This is the "manual process" autograd saves us from: ``(f(x + h) - f(x)) / h`` (forward) or
``(f(x + h) - f(x - h)) / 2h`` (central) for each number of each input in turn, with every
other number held still. It runs in the inputs' own dtype, so float32 rounding shows when
``h`` gets very small.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

MAX_NUMBERS = 1000  # each number costs one or two more evaluations of f


def forward_differences(
    f: Callable[..., Any], inputs: Mapping[str, Any], h: float
) -> dict[str, Any]:
    """``(f(x + h) - f(x)) / h`` per number of each input tensor (by keyword), same shapes.

    ``f`` must return a single number. Raises ``ValueError`` for ``h == 0``, a non-scalar
    ``f`` or more than ``MAX_NUMBERS`` numbers in all.
    """
    return _differences(f, inputs, h, central=False)


def central_differences(
    f: Callable[..., Any], inputs: Mapping[str, Any], h: float
) -> dict[str, Any]:
    """``(f(x + h) - f(x - h)) / 2h`` per number, as ``forward_differences`` (same limits)."""
    return _differences(f, inputs, h, central=True)


# The two ways to estimate a slope, by the name a lesson's check gives them, with the formula
# a message shows for each (with the variable's name for x).
DIFFERENCES = {"forward": "(f(x+h) - f(x))/h", "central": "(f(x+h) - f(x-h))/2h"}


def differences(
    kind: str, f: Callable[..., Any], inputs: Mapping[str, Any], h: float
) -> dict[str, Any]:
    """``forward_differences`` or ``central_differences``, by their name in ``DIFFERENCES``."""
    if kind not in DIFFERENCES:
        raise ValueError(f"no {kind!r} difference (choose {' or '.join(DIFFERENCES)})")
    return _differences(f, inputs, h, central=kind == "central")


def _differences(
    f: Callable[..., Any], inputs: Mapping[str, Any], h: float, central: bool
) -> dict[str, Any]:
    import torch

    if h == 0:
        raise ValueError("h must not be 0: the slope over no distance is 0/0")
    if sum(t.numel() for t in inputs.values()) > MAX_NUMBERS:
        raise ValueError(f"finite differences are limited to {MAX_NUMBERS:,} numbers")
    with torch.no_grad():
        base = {name: t.detach() for name, t in inputs.items()}
        y = torch.as_tensor(f(**base))
        if y.numel() != 1:
            raise ValueError("f must give a single number to compare slopes")

        def moved(name: str, flat: Any, i: int, by: float) -> Any:
            nudged = flat.clone()
            nudged[i] += by
            shape = base[name].shape
            return torch.as_tensor(f(**{**base, name: nudged.reshape(shape)})).reshape(())

        slopes: dict[str, Any] = {}
        for name, tensor in base.items():
            flat = tensor.reshape(-1)
            out = torch.empty(flat.shape, dtype=y.dtype)
            for i in range(flat.numel()):
                if central:
                    out[i] = (moved(name, flat, i, h) - moved(name, flat, i, -h)) / (2 * h)
                else:
                    out[i] = (moved(name, flat, i, h) - y.reshape(())) / h
            slopes[name] = out.reshape(tensor.shape)
        return slopes
