"""Torch's errors, kept word for word and explained in plain words.

A run, the autograd probe and the graph all fail the same way when torch refuses a value or a
step: a ``TorchError`` with torch's own message, the explanation a learner needs (``explain``)
and, for the probe, the session lines up to the failure.
"""

from __future__ import annotations

# (piece of torch's message, plain explanation)
_EXPLANATIONS = (
    (
        "dtype can require gradients",
        "gradients need floating-point numbers: type 3. (with a dot) instead of 3",
    ),
    (
        "grad can be implicitly created only for scalar outputs",
        "backward() needs a single number, but y holds several: "
        "reduce it with .sum() or .mean(), as in (x**2).sum()",
    ),
    (
        "does not require grad and does not have a grad_fn",
        "y does not depend on any variable that requires grad, so there is nothing to "
        "differentiate",
    ),
    (
        "must match the size of tensor",
        "the vectors in the expression have different lengths",
    ),
    (
        "only supports floating-point dtypes",
        "this function needs floating-point numbers: type 3. instead of 3",
    ),
)


class TorchError(ValueError):
    """Torch refused: its message, a plain explanation and the probe's session up to there."""

    def __init__(self, message: str, explanation: str = "", lines: list | None = None):
        self.message = message
        self.explanation = explanation
        self.lines: list[tuple[str, str]] = lines or []
        super().__init__(f"{message}\n{explanation}" if explanation else message)


def explain(error: BaseException) -> str:
    """A plain-words explanation of a torch error, or '' when there is none."""
    text = str(error)
    for needle, plain in _EXPLANATIONS:
        if needle in text:
            return plain
    if isinstance(error, OverflowError):
        return "a number grew too large to represent"
    return ""


def failure(error: BaseException, lines: list[tuple[str, str]]) -> TorchError:
    """``error`` as a ``TorchError``: its type and message, explained, after ``lines``."""
    message = f"{type(error).__name__}: {error}".strip()
    return TorchError(message, explain(error), lines)
