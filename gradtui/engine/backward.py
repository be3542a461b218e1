"""``loss.backward()`` for the stepper's one-number loss, without torch's Python layer.

``Tensor.backward`` reaches the C++ autograd engine through several Python functions: argument
normalisation, a new ``ones_like(loss)`` as the starting gradient, a logging check and a copy
of the context variables for compiled graphs. For an ``x**2`` step that layer costs more than
the forward pass and the update together (about 15 of 40 µs on a 2-core VM). ``scalar_backward``
calls the engine's own entry point with the arguments ``backward()`` would pass, reusing one
starting gradient per dtype and shape, so the grads are the same numbers bit for bit.

The entry point is torch-internal: it is checked once per process on a tiny graph, and if it
is missing or misbehaves (another torch version) ``loss.backward()`` is used instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_engine_run: Callable[..., Any] | None = None
_checked = False


def scalar_backward() -> Callable[[Any], None]:
    """A function doing ``loss.backward()`` for a loss tensor holding exactly one number.

    Each returned function keeps its own starting gradients (``ones_like(loss)``), so one
    function per run is cheap and runs in different threads share nothing they write.
    """
    run = _engine()
    if run is None:
        return _plain_backward
    ones: dict[tuple[Any, Any], Any] = {}

    def backward(loss: Any) -> None:
        key = (loss.dtype, loss.shape)  # the starting grad must match both
        one = ones.get(key)
        if one is None:
            import torch

            one = ones[key] = torch.ones_like(loss, memory_format=torch.preserve_format)
        run((loss,), (one,), False, False, (), allow_unreachable=True, accumulate_grad=True)

    return backward


def _plain_backward(loss: Any) -> None:
    loss.backward()


def _engine() -> Callable[..., Any] | None:
    """The autograd engine's ``run_backward`` if it computes a known grad right; else None."""
    global _engine_run, _checked
    if not _checked:  # two threads may both check: they reach the same answer
        _engine_run = _checked_engine()
        _checked = True
    return _engine_run


def _checked_engine() -> Callable[..., Any] | None:
    import torch

    try:
        run = torch.autograd.Variable._execution_engine.run_backward
        leaf = torch.tensor(2.0, requires_grad=True)
        with torch.enable_grad():  # the first stepper may be made inside no_grad
            for _ in range(2):  # the second pass accumulates into the existing grad
                loss = leaf * 3.0 + leaf**2
                run(
                    (loss,),
                    (torch.ones_like(loss),),
                    False,
                    False,
                    (),
                    allow_unreachable=True,
                    accumulate_grad=True,
                )
    except Exception:  # any surprise means: use the public call
        return None
    return run if leaf.grad is not None and leaf.grad.item() == 14.0 else None
