"""What the panels show for one frame of a run, worked out beside the run (in its thread)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gradtui.engine.expr import ExprError
from gradtui.engine.loop import StepRecord
from gradtui.engine.plotdata import CurveView, FitView, function_view
from gradtui.engine.probe import ProbeResult, TorchError, probe_at
from gradtui.engine.problem import Problem


@dataclass(frozen=True)
class LiveFrame:
    """The function plot's view, and fresh digits when they are due.

    ``probe`` holds the autograd steps at the frame's values (``error`` when they failed);
    between digits it is None and the digits on screen stay.
    """

    view: CurveView | FitView | None
    probe: ProbeResult | None = None
    error: Exception | None = None


def live_frame(
    problem: Problem,
    values: dict[str, Any],
    record: StepRecord | None,
    scalar: str | None,
    trail: Sequence[float],
    digits: bool,
) -> LiveFrame:
    """A frame at ``values`` after ``record``, the run's latest step.

    Between digits the point and tangent come from ``record`` (a step behind the values,
    invisible at a run's speed) instead of running the autograd steps again.
    """
    probe = error = None
    if digits:
        try:
            probe = probe_at(problem, values)
        except (TorchError, ExprError, ValueError, OverflowError) as err:
            error = err
    point = None
    if record is not None and scalar:
        point = (record.params[scalar], record.loss, record.grads.get(scalar))
    return LiveFrame(function_view(problem, values, point, trail), probe, error)
