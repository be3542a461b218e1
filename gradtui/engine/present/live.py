"""What the playground's panels show for one snapshot, worked out beside the run (in its
thread): the function plot's view and the autograd transcript."""

from __future__ import annotations

from dataclasses import dataclass, replace

from gradtui.engine.present.plotdata import CurveView, FitView, function_view
from gradtui.engine.present.transcript import Transcript, transcript
from gradtui.engine.training.problem import Problem
from gradtui.engine.training.run import Snapshot


@dataclass(frozen=True)
class Frame:
    """One snapshot and what it looks like: every panel draws from this, so they agree.

    ``view`` is None when f is not a curve of one scalar variable, or when steps 2-4 failed
    (``transcript.error`` says why).
    """

    snapshot: Snapshot
    view: CurveView | FitView | None
    transcript: Transcript


def frame(problem: Problem, snap: Snapshot) -> Frame:
    """The frame of ``snap``: the curve (or the model and the data) and the session lines."""
    lines = transcript(problem, snap)
    if lines.error:
        return Frame(snap, None, lines)
    point = None
    if not problem.is_fit and len(snap.params) == 1:
        ((name, value),) = snap.params.items()
        grad = snap.grads.get(name)
        if not isinstance(value, list):
            point = (value, snap.loss, grad if isinstance(grad, float) else None)
    view = function_view(problem, snap.params, point, snap.trail)
    if isinstance(view, CurveView) and not snap.zero_grad and snap.step > 0:
        view = replace(view, slope_is_tangent=False)  # .grad piled up: not the tangent
    return Frame(snap, view, lines)
