"""The playground: settings, autograd panel, plots, seven steps and parameters, and the run.

The sandbox is this widget full-screen; a lesson embeds it with only the task's fields
editable. The run (``engine.training.run.Run``) steps in a thread worker (``RunView``'s driver);
every panel draws from one frame, made from one snapshot of what torch holds
(``PlaygroundPanels``). Replay shows a kept step of the run the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.widgets import Static

from gradtui.engine.expr.expr import ExprError
from gradtui.engine.present.live import Frame, frame
from gradtui.engine.present.transcript import Transcript, failed_start
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.run import Run, Snapshot
from gradtui.engine.training.torch_errors import TorchError
from gradtui.ui.widgets.autograd_panel import AutogradPanel
from gradtui.ui.widgets.function_plot import FunctionPlot
from gradtui.ui.widgets.loss_plot import LossPlot
from gradtui.ui.widgets.params_table import ParamsTable
from gradtui.ui.widgets.playground_panels import (
    PlaygroundPanels,
    replay_lines,
    replay_title,
    status_lines,
)
from gradtui.ui.widgets.run_view import RunView
from gradtui.ui.widgets.settings_form import SettingsForm
from gradtui.ui.widgets.seven_steps import SevenSteps

PHASES = ("predict", "loss", "gradient", "step", "repeat")  # a single step, animated
LIVE_FIELDS = ("lr", "max_steps", "target", "patience", "time_budget")


class PlaygroundView(RunView):
    """Everything needed to touch a gradient, for one ``Playground``."""

    SPEEDS: ClassVar[tuple[int, ...]] = (1, 2, 5, 10, 20, 50, 200, 1000, 0)
    NARROW: ClassVar[int] = 100
    # Two plotext figures a frame: at 20 a second the frames took over half the GIL and a run
    # at full speed made 0.45x a plain loop's steps; at 15, 0.52-0.59x (README, Speed).
    FRAMES_PER_SECOND: ClassVar[int] = 15
    speed_index: reactive[int] = reactive(3)

    def __init__(
        self,
        playground: Playground | None = None,
        editable: Iterable[str] | None = None,
        *,
        id: str | None = None,
    ):
        super().__init__(playground or Playground(), editable, id=id)
        self.run: Run | None = None
        self.frame: Frame | None = None
        self.replayed: Frame | None = None  # the step shown while replaying
        self._torch_ready = False
        self._told: object = None  # the error stop already notified
        self.phases_pending = 0  # phases of a step's highlight still to be shown

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            with VerticalScroll(id="left"):
                yield SettingsForm(self.playground, self.editable, id="settings")
                yield AutogradPanel(id="autograd")
            with Vertical(id="plots"):
                yield FunctionPlot(id="function-plot")
                yield LossPlot(id="loss-plot")
        yield SevenSteps(id="seven-steps")
        with Horizontal(id="bottom"):
            yield ParamsTable(id="params")
            yield Static("", id="status")

    def on_mount(self) -> None:
        self.query_one("#left").border_title = "settings · autograd"
        self.query_one("#function-plot").border_title = "function"
        self.query_one("#loss-plot").border_title = "loss"
        self.query_one("#seven-steps").border_title = "the seven steps"
        self.query_one("#params").border_title = "parameters"
        self.query_one("#status").border_title = "run"
        self.panels = PlaygroundPanels(self)
        self.watch(self.app, "torch_ready", self._on_torch, init=True)
        self.show_status()

    # -- the run -------------------------------------------------------------------------------

    def _on_torch(self, ready: bool) -> None:
        if ready and not self._torch_ready:
            self._torch_ready = True
            self.reset()

    @property
    def snapshot(self) -> Snapshot | None:
        """The live run's snapshot on screen (None before there is a run)."""
        return self.frame.snapshot if self.frame is not None else None

    @property
    def settled(self) -> bool:
        """True once torch is loaded and every panel shows the run's latest step."""
        return self._torch_ready and (super().settled or self.run is None)

    def reset(self) -> None:
        """Back to step 1: fresh weights from the playground, history cleared."""
        self.cancel_run()
        self.replayed = None
        self.run = self.frame = None
        self.panels.show_phase(None)
        if self._torch_ready:
            try:
                self.run = Run(self.playground.stepper())
            except TorchError as err:
                self._failed(failed_start(self.playground.problem(), err))
            except (ExprError, ValueError) as err:
                self._failed(Transcript((), str(err)))
            else:
                self.show(self.driver.snapshot_frame(self.run))
        self.show_status()

    def apply(self, new: Playground) -> None:
        old, self.playground = self.playground, new
        live_only = all(
            getattr(old, f) == getattr(new, f)
            for f in Playground.field_names()
            if f not in LIVE_FIELDS
        )
        if not (live_only and self.live_changes and self.run is not None):
            self.reset()
            return
        with self.driver.lock:
            self.run.stepper.lr = new.lr  # takes effect at the next step
            self.run.stepper.rules = new.rules()
        if self.running or self.replaying:
            self.show_status()  # the next frame shows the new settings
        else:
            self.show(self.driver.snapshot_frame(self.run))

    def why_not_step(self) -> tuple[str, SeverityLevel] | None:
        if self.run is None:
            if not self._torch_ready:
                return "torch is still loading…", "information"
            return "fix the inputs first", "warning"
        if self.run.stopped is not None:
            return f"stopped ({self.run.stopped.reason}); press r to reset", "information"
        return None

    def pace(self, steps: int, seconds: float = 4.0) -> None:
        """Speed up from the default until ``steps`` steps take at most ``seconds`` (a lesson
        whose run makes 2,000 steps shows them in two seconds, not two hundred)."""
        index = self.speed_index
        while index < len(self.SPEEDS) - 1 and steps > self.SPEEDS[index] * seconds:
            index += 1
        self.speed_index = index

    def ended(self) -> bool:
        return self.run is not None and self.run.stopped is not None

    def progress(self) -> tuple[int, bool] | None:
        snap = self.snapshot
        return None if snap is None else (snap.step, snap.stop is not None)

    def action_run(self) -> None:
        """Run or pause (a replay goes back to the live run first)."""
        self.leave_replay()
        super().action_run()

    def action_step(self) -> None:
        """One pass of steps 2-5 (presses that come faster than steps queue up)."""
        self.leave_replay()
        super().action_step()

    def action_toggle_log(self) -> None:
        plot = self.query_one(LossPlot)
        plot.log = not plot.log

    def frame_of(self, run: Run) -> Frame:
        return frame(run.problem, run.snapshot())

    def stopped(self, frame: Frame) -> bool:
        return frame.snapshot.stop is not None

    # -- drawing -------------------------------------------------------------------------------

    def show(self, frame: Frame, single: bool = False) -> None:
        """Every panel from ``frame`` (unless a replayed step is shown: it stays)."""
        self.frame = frame
        if self.replaying:
            return
        self._draw(frame)
        snap = frame.snapshot
        if snap.stop is not None and snap.stop.reason == "error" and snap.stop is not self._told:
            self._told = snap.stop
            message = snap.stop.message
            self.notify(message, title="the run stopped", severity="error", timeout=8, markup=False)
        if single and snap.stop is None:
            self._animate_phases(0.6)
        elif self.running and self.delay >= 0.2 and snap.stop is None:
            self._animate_phases(self.delay)
        else:
            self.panels.show_phase(snap)

    def _draw(self, frame: Frame, title: str = "") -> None:
        label = f"f(x) = {self.run.problem.expr.text}" if self.run else "f(x)"
        self.panels.show(frame, label, self.running, title)
        self.show_status()

    def _failed(self, transcript: Transcript) -> None:
        self.panels.show_failure(transcript)

    def _animate_phases(self, total: float) -> None:
        each = total / len(PHASES)
        self.phases_pending += len(PHASES)
        for i, phase in enumerate(PHASES):
            self.set_timer(each * i + 0.001, lambda p=phase: self._phase(p))

    def _phase(self, phase: str) -> None:
        self.phases_pending -= 1
        if not self.replaying and self.frame and self.frame.snapshot.stop is None:
            self.panels.steps.current = phase

    def show_status(self) -> None:
        if self.replayed is not None:
            self.panels.show_status(replay_lines(self.replayed.snapshot))
            return
        speed = self.SPEEDS[self.speed_index]
        rate = f"{speed}/s" if speed else "max"
        snap = self.frame.snapshot if self.frame else None
        stopped = snap is not None and snap.stop is not None
        state = "running" if self.running else ("stopped" if stopped else "paused")
        self.panels.show_status(status_lines(snap, state, rate, self.playground.lr))

    # -- replay: scrub a paused or finished run step by step -----------------------------------

    @property
    def replaying(self) -> bool:
        return self.replayed is not None

    @property
    def replay_at(self) -> int | None:
        """The step shown while replaying; None when the panels follow the live run."""
        return self.replayed.snapshot.step if self.replayed is not None else None

    def action_replay(self) -> None:
        """Enter replay at the latest step, or leave it."""
        if self.replaying:
            self.leave_replay()
        elif self.run is not None:
            self._replay_to(self.run.replay.total)

    def action_replay_move(self, delta: int) -> None:
        """One step back (-1) or forward (+1); from the live run, ← starts replay."""
        if self.run is not None:
            base = self.run.replay.total if self.replay_at is None else self.replay_at
            self._replay_to(base + int(delta))

    def action_replay_first(self) -> None:
        if self.run is not None:
            self._replay_to(self.run.replay.first_kept)

    def action_replay_last(self) -> None:
        if self.run is not None:
            self._replay_to(self.run.replay.total)

    def action_leave_replay(self) -> None:
        self.leave_replay()

    def leave_replay(self) -> None:
        """Back to the live run (no-op when not replaying)."""
        if self.replayed is None:
            return
        self.replayed = None
        self.screen.refresh_bindings()  # the Footer's escape goes back to its screen's meaning
        if self.frame is not None:
            self.show(self.frame)

    def _replay_to(self, step: int) -> None:
        run = self.run
        if run is None or run.replay.total == 0:
            self.notify("nothing to replay yet: step (s) or run (space) first", timeout=2)
            return
        if self.running:
            self.cancel_run()
        entering = self.replayed is None
        with self.driver.lock:
            snap = run.at(step)
        self.replayed = frame(run.problem, snap)
        if entering:
            self.screen.set_focus(None)  # ←/→ belong to replay, not to a text field
            self.screen.refresh_bindings()
        self._draw(self.replayed, replay_title(snap))
        self.panels.show_phase(snap, replaying=True)
