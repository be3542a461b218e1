"""The playground's panels drawn from one frame: every panel shows the same step.

``PlaygroundPanels`` holds the panel widgets of a ``PlaygroundView`` and puts one
``engine.present.live.Frame`` (a snapshot of the run and its plot and transcript) into all of them;
``status_lines`` words the run panel.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Static

from gradtui.engine.present.live import Frame
from gradtui.engine.present.report import describe_step
from gradtui.engine.present.transcript import Transcript
from gradtui.engine.training.playground import lr_note
from gradtui.engine.training.run import Snapshot
from gradtui.safe_text import plain
from gradtui.ui.widgets.autograd_panel import AutogradPanel
from gradtui.ui.widgets.function_plot import FunctionPlot
from gradtui.ui.widgets.loss_plot import LossPlot
from gradtui.ui.widgets.params_table import ParamsTable
from gradtui.ui.widgets.seven_steps import SevenSteps

NOT_A_CURVE = "f is drawn for one scalar variable; see the loss plot"
SEE_THE_ERROR = "nothing to draw: see the error"


class PlaygroundPanels:
    """The autograd panel, the two plots, the seven steps, the parameters and the run panel."""

    def __init__(self, view: Widget):
        self.autograd = view.query_one(AutogradPanel)
        self.function = view.query_one(FunctionPlot)
        self.loss = view.query_one(LossPlot)
        self.steps = view.query_one(SevenSteps)
        self.params = view.query_one(ParamsTable)
        self.status = view.query_one("#status", Static)

    def show(self, frame: Frame, fn_label: str, running: bool, title: str = "") -> None:
        """Every panel from ``frame``; ``title`` replaces the function plot's (replay)."""
        snap = frame.snapshot
        self.show_transcript(frame.transcript, grow_only=running)
        self.params.show(snap.params, snap.grads, shrink=not running)
        plot = self.function
        if frame.view is None:
            plot.view = None
            plot.note = SEE_THE_ERROR if frame.transcript.error else NOT_A_CURVE
        else:
            plot.fn_label = fn_label
            plot.note = title
            plot.view = frame.view
        self.loss.series = (list(snap.steps), list(snap.losses))

    def show_transcript(self, transcript: Transcript, grow_only: bool = False) -> None:
        """The autograd panel's session lines (and an error after them)."""
        panel = self.autograd
        panel.loading = False
        panel.grow_only = grow_only
        panel.lines, panel.error = transcript.lines, transcript.error

    def show_failure(self, transcript: Transcript) -> None:
        """Nothing can run: the failure in the autograd panel, no curve, no parameters."""
        self.show_transcript(transcript)
        self.function.view = None
        self.function.note = SEE_THE_ERROR
        self.params.show({}, {})
        self.loss.series = ([], [])

    def show_phase(self, snap: Snapshot | None, replaying: bool = False) -> None:
        """The seven steps row at ``snap``'s phase, with the stop reason (or replay)."""
        if snap is None:
            self.steps.current, self.steps.detail = "init", ""
        elif replaying:
            self.steps.current, self.steps.detail = snap.phase, "(replay)"
        else:
            stop = snap.stop.message.splitlines()[0] if snap.stop else ""
            self.steps.current, self.steps.detail = snap.phase, stop

    def show_status(self, lines: list[str]) -> None:
        # The panel's size is fixed: no layout pass (it would re-render the whole screen).
        # The lines may quote an error or a lesson's text: shown as plain text, never markup.
        self.status.update(plain("\n".join(lines)), layout=False)


def status_lines(snap: Snapshot | None, state: str, speed: str, lr: float) -> list[str]:
    """The run panel: state, step, lr and speed; the last update in numbers; the stop.

    ``lr`` is the setting, shown before there is a snapshot."""
    lr = snap.lr if snap is not None else lr
    lines = [f"{state} · step {snap.step if snap else 0} · lr {lr:g} · speed {speed}"]
    if note := lr_note(lr):
        lines.append(note)
    if snap is None:
        return lines
    if snap.previous is not None and snap.previous.step == snap.step - 1:
        lines.append(describe_step(snap.previous, snap.params))
    if snap.stop is not None:
        lines.append(snap.stop.message.splitlines()[0])
    return lines


def replay_lines(snap: Snapshot) -> list[str]:
    """The run panel while replaying: where, the update that led here, what is not kept."""
    place = snap.replayed
    assert place is not None
    lines = [f"{replay_title(snap)}   (←/→ Home End; esc: back to live)"]
    if snap.previous is not None:
        lines.append(describe_step(snap.previous, snap.params))
    elif snap.step == 0:
        lines.append("step 0: the starting weights, before any update")
    if place.first_kept > 0:
        lines.append(
            f"steps 0 to {place.first_kept - 1:,} are not kept: replay holds the last "
            f"{place.kept:,} steps"
        )
    if snap.stop is not None:
        lines.append(snap.stop.message.splitlines()[0])
    return lines


def replay_title(snap: Snapshot) -> str:
    """``replay: step 3 of 10``."""
    total = snap.replayed.total if snap.replayed else snap.step
    return f"replay: step {snap.step} of {total}"
