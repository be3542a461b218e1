"""The autograd panel's lines: the learner's own run at one snapshot, as a Python session.

At step 0 these are the seed's steps (``x = torch.tensor(3.).requires_grad_()``, ``y = f(x)``,
``y.backward()``, ``x.grad``); after that the run's own tensors: the parameters the updates
left, the loss at them and each ``.grad`` as torch holds it. With zeroing off the grad has
piled up, and its line says so. Outputs are torch's own reprs of the snapshot's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradtui.engine.autograd.probe import (
    free_name,
    probe,
    probe_at,
    tensor_literal,
    values_of,
)
from gradtui.engine.expr.values import format_value
from gradtui.engine.training.problem import Problem
from gradtui.engine.training.run import Snapshot
from gradtui.engine.training.torch_errors import TorchError


@dataclass(frozen=True)
class Transcript:
    """(code, output) lines like a Python session; ``error`` after a failure."""

    lines: tuple[tuple[str, str], ...]
    error: str = ""


def transcript(problem: Problem, snap: Snapshot) -> Transcript:
    """The session that leads to ``snap``: what the run did, with torch's reprs."""
    if snap.error is not None:
        return failed(problem, snap.params, snap.error)
    names = problem.param_names
    if problem.is_fit:
        preds, out = free_name("preds", names), free_name("loss", names)
        data = next(iter(problem.data))
        head: list[tuple[str, str]] = []
        compute = [(f"{preds} = f({data})", ""), (f"{out} = {problem.loss}({preds}, targets)", "")]
    else:
        out, fn = free_name("y", names), free_name("f", names, "fn")
        args = ", ".join(names)
        head = [(f"def {fn}({args}): return {problem.expr.text.strip()}", "")]
        compute = [(f"{out} = {fn}({args})", "")]
    lines = head + _parameters(problem, snap) + compute
    lines.append((out, _loss_repr(snap)))
    lines.append((f"{out}.backward()", ""))
    lines += [
        (f"{n}.grad{_pile_note(snap, n)}", _repr(snap.grads.get(n), snap.dtype)) for n in names
    ]
    return Transcript(tuple(lines))


def failed(problem: Problem, params: dict[str, Any], error: BaseException) -> Transcript:
    """The seed's steps at ``params`` up to where they fail, and torch's error in words."""
    try:
        probe_at(problem, params)
    except TorchError as err:
        return Transcript(tuple(err.lines), str(err))
    except (ValueError, OverflowError) as err:
        return Transcript((), str(err))
    return Transcript((), str(error))


def failed_start(problem: Problem, error: TorchError) -> Transcript:
    """A start torch refuses (``requires_grad_()`` on integers...): the seed's steps up to it."""
    if not problem.is_fit:
        try:
            probe(problem.expr, problem.start, problem.dtype)
        except TorchError as err:
            return Transcript(tuple(err.lines), str(err))
    return Transcript(tuple(error.lines), str(error))


def _parameters(problem: Problem, snap: Snapshot) -> list[tuple[str, str]]:
    """Step 0: how the run made its parameters. Later: the parameters as the run left them."""
    names = problem.param_names
    if snap.step == 0:
        dtype = problem.dtype
        literals = {n: tensor_literal(values_of(snap.params[n], dtype), dtype) for n in names}
        return [(f"{n} = {literals[n]}.requires_grad_()", "") for n in names]
    p = names[0] if len(names) == 1 else "p"
    steps = f"{snap.step:,} step{'s' if snap.step != 1 else ''}"
    if snap.zero_grad:
        note = f"  # after {steps} of {p} -= {p}.grad * lr"
    else:
        note = f"  # after {steps}, .grad never zeroed"
    return [
        (n + (note if i == 0 else ""), _repr(snap.params[n], snap.dtype, leaf=True))
        for i, n in enumerate(names)
    ]


def _pile_note(snap: Snapshot, name: str) -> str:
    """With zeroing off, why ``.grad`` is more than this step's gradient."""
    if snap.zero_grad or snap.step == 0 or snap.grads.get(name) is None:
        return ""
    grad = snap.grads[name]
    before = snap.previous.grads.get(name) if snap.previous is not None else None
    if isinstance(grad, float) and isinstance(before, float):
        fresh = format_value(float(f"{grad - before:.4g}"))
        return f"  # {format_value(before)} + {fresh}: added, never zeroed"
    return "  # piled up: backward() adds, never zeroed"


def _repr(value: Any, dtype: str, leaf: bool = False) -> str:
    """torch's repr of a tensor holding ``value`` (``None`` as torch prints a missing grad)."""
    if value is None:
        return "None"
    import torch

    tensor = torch.tensor(value, dtype=getattr(torch, dtype))
    return repr(tensor.requires_grad_() if leaf else tensor)


def _loss_repr(snap: Snapshot) -> str:
    """torch's repr of the loss: its number, its dtype and its ``grad_fn``."""
    if snap.grad_fn is None:  # the loss is a parameter itself
        return _repr(snap.loss, snap.dtype, leaf=True)
    plain = _repr(snap.loss, snap.dtype)
    return f"{plain[:-1]}, grad_fn=<{snap.grad_fn}>)"  # torch puts grad_fn last
