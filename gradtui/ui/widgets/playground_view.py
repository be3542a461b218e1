"""The playground: settings, autograd panel, plots, seven steps and parameters, and the run.

The sandbox is this widget full-screen; a lesson embeds it with only the task's fields
editable. Stepping happens in a thread worker that posts batched ``RunProgress`` messages;
panels redraw at most ``REDRAWS_PER_SECOND`` times a second whatever the step rate.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static
from textual.worker import get_current_worker

from gradtui.engine.expr import ExprError
from gradtui.engine.history import TRAIL, LossHistory
from gradtui.engine.live import LiveFrame, live_frame
from gradtui.engine.loop import Stepper, StepRecord, Stop
from gradtui.engine.playground import Playground, lr_note
from gradtui.engine.plotdata import CurveView, FitView, function_view, scalar_param
from gradtui.engine.probe import ProbeResult, TorchError, probe, probe_at
from gradtui.engine.report import describe_step
from gradtui.safe_text import plain
from gradtui.ui.messages import RunProgress, SettingsChanged
from gradtui.ui.widgets.autograd_panel import AutogradPanel
from gradtui.ui.widgets.function_plot import FunctionPlot
from gradtui.ui.widgets.loss_plot import LossPlot
from gradtui.ui.widgets.params_table import ParamsTable
from gradtui.ui.widgets.playground_controls import PlaygroundControls
from gradtui.ui.widgets.playground_replay import ReplayMixin
from gradtui.ui.widgets.settings_form import SettingsForm
from gradtui.ui.widgets.seven_steps import SevenSteps

REDRAWS_PER_SECOND = 20
# While a fast run goes, the autograd panel and the parameters table (digits nobody can read at
# 20/s, and each change of a number's width costs a layout pass of the whole screen) are
# refreshed this often; the plots and the status line keep the full rate. Paused or stopped,
# every panel shows the latest state.
DIGITS_PER_SECOND = 4
SPEEDS = (1, 2, 5, 10, 20, 50, 200, 1000, 0)  # steps per second; 0 = as fast as possible
DEFAULT_SPEED = 3
PHASES = ("predict", "loss", "gradient", "step", "repeat")
NARROW = 100  # columns below which the panels stack
LIVE_FIELDS = ("lr", "max_steps", "target", "patience", "time_budget")


class PlaygroundView(ReplayMixin, PlaygroundControls, Vertical):
    """Everything needed to touch a gradient, for one ``Playground``."""

    running: reactive[bool] = reactive(False)
    SPEEDS = SPEEDS
    NARROW = NARROW
    speed_index: reactive[int] = reactive(DEFAULT_SPEED)

    def __init__(
        self,
        playground: Playground | None = None,
        editable: Iterable[str] | None = None,
        *,
        id: str | None = None,
    ):
        super().__init__(id=id)
        self.playground = playground or Playground()
        self.editable = editable
        self.history = LossHistory()
        self.stepper: Stepper | None = None
        self.stopped: Stop | None = None
        self.latest: StepRecord | None = None
        self.probe: ProbeResult | None = None
        self.values: dict[str, Any] = {}
        # A cancelled worker finishes the step it is in while the next one starts:
        # the lock keeps two threads from stepping the same tensors at once.
        self._lock = threading.Lock()
        self._steps_wanted = 0  # single steps asked for and not yet made
        self._wake = threading.Event()
        self._dirty = False
        self._live: LiveFrame | None = None  # the run's latest frame, from the worker
        self._trail_seed: list[float] = []
        self._torch_ready = False
        self._init_replay()

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
        self.set_interval(1 / REDRAWS_PER_SECOND, self._redraw)
        self.watch(self.app, "torch_ready", self._on_torch, init=True)
        self._show_status()

    # -- state -----------------------------------------------------------------------------

    def _on_torch(self, ready: bool) -> None:
        if ready and not self._torch_ready:
            self._torch_ready = True
            self.reset()

    def reset(self) -> None:
        """Back to step 1: fresh weights from the playground, history cleared."""
        self._cancel_run()
        self.leave_replay()
        self.history.clear()
        self.replay.clear()
        self.latest = None
        self.stopped = None
        self.stepper = None
        steps = self.query_one(SevenSteps)
        steps.current, steps.detail = "init", ""
        if not self._torch_ready:
            return
        panel = self.query_one(AutogradPanel)
        panel.loading = False
        try:
            self.stepper = self.playground.stepper()
            self.values = self.stepper.values()
        except TorchError as err:
            self.values = {}
            self._show_failure(self._with_session(err))
        except (ExprError, ValueError) as err:
            self.values = {}
            self._show_failure(err)
        self._dirty = True
        self._show_status()

    @on(SettingsChanged)
    def _settings_changed(self, event: SettingsChanged) -> None:
        if not event.errors:  # with errors the form shows them; the last good state stays
            self._apply(event.playground)

    def _apply(self, new: Playground) -> None:
        old, self.playground = self.playground, new
        live_only = all(
            getattr(old, f) == getattr(new, f)
            for f in Playground.field_names()
            if f not in LIVE_FIELDS
        )
        if live_only and self.stepper is not None:
            self.stepper.lr = new.lr  # takes effect at the next step
            self.stepper.rules = new.rules()
            self._show_status()
        else:
            self.reset()

    # -- actions ---------------------------------------------------------------------------

    def action_run(self) -> None:
        """Run or pause (a replay goes back to the live run first)."""
        self.leave_replay()
        self._trail_seed = list(self.history.trail)  # the worker draws the trail from here on
        super().action_run()

    def action_step(self) -> None:
        """One pass of steps 2-5 (presses that come faster than steps queue up)."""
        self.leave_replay()
        if self.running:
            self._cancel_run()
        if self._can_step():
            # A new exclusive worker would cancel the step in flight: count the press instead.
            with self._lock:
                self._steps_wanted += 1
                start = self._steps_wanted == 1
            if start:
                self._run_worker(single=True)

    def action_toggle_log(self) -> None:
        plot = self.query_one(LossPlot)
        plot.log = not plot.log

    def _can_step(self) -> bool:
        if self.stepper is None:
            if not self._torch_ready:
                self.notify("torch is still loading…", timeout=2)
            else:
                self.notify("fix the inputs first", severity="warning", timeout=2)
            return False
        if self.stopped is not None:
            self.notify(f"stopped ({self.stopped.reason}); press r to reset", timeout=2)
            return False
        return True

    def _cancel_run(self) -> None:
        with self._lock:
            self._steps_wanted = 0
        self.workers.cancel_group(self, "run")
        self._wake.set()
        self.running = False
        self._live = None
        self._dirty = True  # the last frames of the run may have left the digits behind

    # -- the run worker --------------------------------------------------------------------

    @property
    def settled(self) -> bool:
        """True once torch is loaded and every panel shows the latest state."""
        return self._torch_ready and not self._dirty and not self.running

    @work(thread=True, exclusive=True, group="run")
    def _run_worker(self, single: bool) -> None:
        stepper = self.stepper
        if stepper is None:
            return
        try:
            self._run_steps(stepper, single)
        except Exception as err:  # never let the worker die silently: stop and say why
            self._steps_wanted = 0
            self.post_message(RunProgress([stepper.fail(err)], self.values, True, stepper))

    def _run_steps(self, stepper: Stepper, single: bool) -> None:
        worker = get_current_worker()
        self._wake.clear()
        batch: list[Any] = []
        posted = digits_at = time.monotonic()
        delay = self.delay  # read again at each post: speed keys take effect within a frame
        lock, step, frame = self._lock, stepper.step, 1 / REDRAWS_PER_SECOND
        problem = stepper.problem
        with lock:
            scalar = scalar_param(problem, stepper.values())
        trail = deque(() if single else self._trail_seed, maxlen=TRAIL)
        record: StepRecord | None = None
        stepper.resume_clock()
        while not worker.is_cancelled:
            with lock:
                result = step()
            batch.append(result)
            if isinstance(result, StepRecord):
                record = result
                if scalar:
                    trail.append(result.params[scalar])
            if single:  # one queued press done; more may have come meanwhile
                with lock:
                    self._steps_wanted = 0 if isinstance(result, Stop) else self._steps_wanted - 1
                    done = self._steps_wanted <= 0
            else:
                done = isinstance(result, Stop)
            now = time.monotonic()
            if done or delay >= 0.05 or now - posted >= frame:
                with lock:
                    values = stepper.values()
                live = None
                if not single and not done:  # a stop or a single step is drawn in full
                    digits = (
                        delay >= 1 / DIGITS_PER_SECOND or now - digits_at >= 1 / DIGITS_PER_SECOND
                    )
                    if digits:
                        digits_at = now
                    live = live_frame(problem, values, record, scalar, list(trail), digits)
                self.post_message(RunProgress(batch, values, single, stepper, live))
                batch, posted = [], now
                delay = self.delay
            if done:
                return
            if delay and self._wake.wait(delay):
                return

    def on_run_progress(self, message: RunProgress) -> None:
        if message.stepper is not None and message.stepper is not self.stepper:
            return  # from a run that was reset meanwhile
        scalar = self._scalar_name()
        for result in message.results:
            if isinstance(result, StepRecord):
                position = result.params[scalar] if scalar else None
                self.history.add(result.step, result.loss, position)
                self.replay.add(result)
                self.latest = result
            elif isinstance(result, Stop):
                self._stopped(result)
        self.values = message.values
        if message.frame is not None:
            self._live = message.frame
        self._dirty = True
        steps = self.query_one(SevenSteps)
        if self.replaying:
            self._replay_steps_row()
        elif self.stopped is None:
            if message.single or self.delay >= 0.2:
                self._animate_phases(list(PHASES), 0.6 if message.single else self.delay)
            else:
                steps.current = "repeat"
        if not self.running or message.single:
            self._show_status()
        # else the next frame shows it: one screen update for the plots and the status

    def _stopped(self, stop: Stop) -> None:
        self.stopped = stop
        self.running = False
        self._live = None
        if not self.replaying:
            self._live_steps_row()
        if stop.reason == "error":
            self.notify(stop.message, title="the run stopped", severity="error", timeout=8)

    def _animate_phases(self, phases: list[str], total: float) -> None:
        steps = self.query_one(SevenSteps)
        each = total / len(phases)
        for i, phase in enumerate(phases):
            self.set_timer(each * i + 0.001, lambda p=phase: self._phase(p))
        steps.current = phases[0]

    def _phase(self, phase: str) -> None:
        if self.stopped is None and not self.replaying:
            self.query_one(SevenSteps).current = phase

    def _scalar_name(self) -> str | None:
        return scalar_param(self.stepper.problem, self.values) if self.stepper else None

    # -- drawing ---------------------------------------------------------------------------

    def _redraw(self) -> None:
        """Push the latest state into the panels (at most REDRAWS_PER_SECOND times/s)."""
        if not self._dirty:
            return
        self._dirty = False
        if self.stepper is None:
            return
        if self.replaying:
            self._draw(*self.replay_draw_args())
            return
        series = (self.history.steps, self.history.losses)  # fresh lists
        live = self._live if self.running else None
        if live is None:
            self._draw(self.values, list(self.history.trail), series)
        else:
            if live.probe is not None:
                self.probe = live.probe
                self._show_digits(self.values, live.probe)
            elif live.error is not None:
                self.probe = None
                self._show_failure(live.error)
            self._show_function(live.view)
            self.query_one(LossPlot).series = series
        if self.running:
            self._show_status()

    def _draw(
        self,
        values: dict[str, Any],
        trail: list[float],
        series: tuple[list, list],
        note: str = "",
    ) -> None:
        """Show these parameter values (paused, stopped or replayed) in every panel."""
        problem = self.stepper.problem
        try:
            self.probe = probe_at(problem, values)
        except (TorchError, ExprError, ValueError, OverflowError) as err:
            self.probe = None
            self._show_failure(err)
        self._show_digits(values, self.probe)
        point = None
        if self.probe is not None and not problem.is_fit:
            name, value = problem.param_names[0], self.probe.value
            loss = value if isinstance(value, float) else float("nan")
            point = (values[name], loss, self.probe.grads.get(name))
        self._show_function(function_view(problem, values, point, trail), note)
        self.query_one(LossPlot).series = series

    def _show_digits(self, values: dict[str, Any], probe: ProbeResult | None) -> None:
        """The autograd panel's lines and the parameters table."""
        if probe is not None:
            panel = self.query_one(AutogradPanel)
            panel.grow_only = self.running
            panel.lines, panel.error = tuple(probe.lines), ""
        grads = probe.grads if probe else {}
        self.query_one(ParamsTable).show(values, grads, shrink=not self.running)

    def _show_function(self, view: CurveView | FitView | None, note: str = "") -> None:
        plot = self.query_one(FunctionPlot)
        if view is None:
            plot.view = None
            plot.note = "f is drawn for one scalar variable; see the loss plot"
            return
        if isinstance(view, CurveView):
            plot.fn_label = f"f(x) = {self.stepper.problem.expr.text}"
        plot.note = note
        plot.view = view

    def _with_session(self, err: TorchError) -> TorchError:
        """The same failure met by the seed's steps, so the panel shows where it happened."""
        problem = self.playground.problem()
        if problem.is_fit:
            return err
        try:
            probe(problem.expr, problem.start, problem.dtype)
        except TorchError as failed:
            return failed
        return err

    def _show_failure(self, err: Exception) -> None:
        panel = self.query_one(AutogradPanel)
        panel.loading = False
        lines = getattr(err, "lines", [])
        panel.lines = tuple(lines)
        panel.error = str(err)
        plot = self.query_one(FunctionPlot)
        plot.view = None
        plot.note = "nothing to draw: see the error"

    def _show_status(self) -> None:
        if self.replaying:
            self.query_one("#status", Static).update(plain(self.replay_status()))
            return
        speed = SPEEDS[self.speed_index]
        rate = f"{speed}/s" if speed else "max"
        state = "running" if self.running else ("stopped" if self.stopped else "paused")
        step = self.stepper.step_index if self.stepper else 0
        lines = [f"{state} · step {step} · lr {self.playground.lr:g} · speed {rate}"]
        if note := lr_note(self.playground.lr):
            lines.append(note)
        if self.latest is not None:
            lines.append(describe_step(self.latest, self._after(self.latest)))
        if self.stopped is not None:
            lines.append(self.stopped.message.splitlines()[0])
        # The panel's size is fixed: no layout pass (it would re-render the whole screen).
        self.query_one("#status", Static).update(plain("\n".join(lines)), layout=False)

    def _seven_steps(self) -> SevenSteps:
        return self.query_one(SevenSteps)

    def _after(self, record: StepRecord) -> dict[str, Any]:
        """The values after ``record``'s update, when it is the latest one."""
        return self.values if self.latest is record else {}
