"""The loop playground: the learner's PyTorch code in an editor, run line by line beside the
panels (every variable as torch holds it, the loss plot, printed output, the seven steps).

The code is checked and compiled (gradtui's PyTorch subset) when a run starts; the run
(``ProgramStepper``) steps in the run driver's thread worker, and every panel draws from one
frame made there from one ``Moment`` of the run. Editing the code ends the run; the next run
or step starts a fresh one from the new code.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.widgets import Static, TextArea

from gradtui.engine.program.stepping import ITERATION, LINE, TO_END, LoopFrame, ProgramStepper
from gradtui.safe_text import clean, plain
from gradtui.ui.widgets.loop_editor import LoopEditor
from gradtui.ui.widgets.loop_pages import PagedView
from gradtui.ui.widgets.loop_panels import (
    error_line,
    output_body,
    output_text,
    phase_of,
    status_text,
    unwrap_quotes,
    variables_text,
)
from gradtui.ui.widgets.loss_plot import LossPlot
from gradtui.ui.widgets.seven_steps import SevenSteps

DEFAULT_SPEED = 4  # 20 lines a second: slow enough to follow
FAST_SPEED = -1  # as fast as it goes: for programs given a data set


def _update(panel: Static, text: Text, lines: int) -> int:
    """Show unwrapped ``text`` in ``panel``, ``lines`` long so far in this run: a shorter text
    is padded to it (a function's locals come and go at each call) so that the screen is laid
    out again only when the panel grows. Returns its length now."""
    now = text.plain.count("\n")
    if now < lines:
        text.append("\n" * (lines - now))
    panel.update(text, layout=now > lines)
    return max(now, lines)


class LoopView(PagedView):
    """The editor and the panels of one program; ``inputs`` names the data it is given."""

    SPEEDS: ClassVar[tuple[int, ...]] = (1, 2, 5, 10, 20, 50, 200, 1000, 0)  # lines a second
    NARROW: ClassVar[int] = 110
    FRAMES_PER_SECOND: ClassVar[int] = 30  # a frame is cheap here: a line's panels, no curve
    YIELD_EACH_STEP: ClassVar[bool] = True
    speed_index: reactive[int] = reactive(DEFAULT_SPEED)

    class CodeChanged(Message):
        """The learner edited the code."""

        def __init__(self, view: LoopView, text: str):
            super().__init__()
            self.view, self.text = view, text

    class Finished(Message):
        """A run ended (``stepper`` None: the code was refused; ``refusal`` says why)."""

        def __init__(self, view: LoopView, stepper: Any, text: str, refusal: str = ""):
            super().__init__()
            self.view, self.stepper, self.text, self.refusal = view, stepper, text, refusal

    def __init__(self, code: str = "", inputs: str = "", *, id: str | None = None):
        super().__init__(id=id)
        self.code = clean(code)  # from a file or the progress file: no control characters
        self.inputs = inputs
        self.run: ProgramStepper | None = None
        self.frame: LoopFrame | None = None
        self.refusal = ""  # why the code was refused, when it was
        self._refused_line = 0
        self._ran_text = ""  # the code the current run was compiled from
        self._told: Any = None  # the run whose end was announced
        self._torch_ready = False
        self._output: Text | None = None  # the output panel's text now
        self._vars_lines = -1  # lines in the variables panel now
        if inputs:
            self.speed_index = len(self.SPEEDS) - 1

    def compose(self) -> ComposeResult:
        with Horizontal(id="loop-top"):
            yield LoopEditor(self.code, id="loop-editor")
            with VerticalScroll(id="loop-panels"):
                with VerticalScroll(id="loop-vars-box"):
                    yield Static(variables_text(None), id="loop-vars")
                with VerticalScroll(id="loop-output-box"):
                    yield Static(output_text(None), id="loop-output")
                yield LossPlot(id="loop-loss")
        with Vertical(id="loop-bottom"):
            yield SevenSteps(id="loop-steps")
            yield Static("", id="loop-status")

    def on_mount(self) -> None:
        self.query_one("#loop-editor").border_title = "your code"
        self.query_one("#loop-vars-box").border_title = "variables"
        self.query_one("#loop-loss").border_title = "loss (each value assigned to loss)"
        output = self.query_one("#loop-output-box")
        output.border_title = "printed · errors"
        output.anchor()  # the newest lines and how the run ended stay in view
        self.query_one(SevenSteps).border_title = "the seven steps"
        self.watch(self.app, "torch_ready", self._on_torch, init=True)
        self.show_status()

    def _on_torch(self, ready: bool) -> None:
        self._torch_ready = bool(ready)

    @property
    def editor(self) -> LoopEditor:
        return self.query_one(LoopEditor)

    @property
    def text(self) -> str:
        """The code in the editor now."""
        return self.editor.text

    @property
    def settled(self) -> bool:
        """True when nothing steps and the panels show the run's latest frame."""
        return not self.running and not self.driver.busy

    # -- the run -------------------------------------------------------------------------------

    @on(TextArea.Changed, "#loop-editor")
    def _edited(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.run is not None and self.text != self._ran_text:
            self.reset()
        if self.refusal:
            self.refusal = ""
            self._refused_line = 0
            self.editor.mark(0)
            self._draw(self.frame)
        self.post_message(self.CodeChanged(self, self.text))

    def reset(self) -> None:
        """Back to the start: the run ends, the panels clear; the code stays."""
        self.cancel_run()
        if self.run is not None:
            self.run.cancel()  # first: a long stride in the worker ends within 8 statements
            with self.driver.lock:
                self.run.close()
        self.run = self.frame = None
        self._ran_text = ""
        self.editor.mark(self._refused_line, error=True)
        self._draw(None)

    def _prepare(self) -> bool:
        """A fresh run of the editor's code; False (and the refusal shown) when refused."""
        from gradtui.curriculum.program_check import budgets
        from gradtui.engine.program import ProgramRefused, compile_program
        from gradtui.engine.program.errors import render_refusal
        from gradtui.engine.program.inputs import input_names, make_inputs

        self.reset()
        text = self.text
        try:
            program = compile_program(text, input_names(self.inputs))
        except ProgramRefused as refused:
            self.refusal = render_refusal(refused)
            self._refused_line = refused.line
            self.editor.mark(refused.line, error=True)
            self._draw(None)
            self.post_message(self.Finished(self, None, text, self.refusal))
            return False
        self.refusal, self._refused_line, self._ran_text = "", 0, text
        inputs = self.inputs
        self.run = ProgramStepper(program, lambda: make_inputs(inputs), budgets())
        return True

    def why_not_step(self) -> tuple[str, SeverityLevel] | None:
        if not self._torch_ready:
            return "torch is still loading…", "information"
        stale = self.run is None or self.run.ended or self.text != self._ran_text
        if stale and not self._prepare():
            return f"the code is refused: {self.where_the_message_is()}", "warning"
        return None

    def _queue(self, stride: str) -> None:
        if self.running:
            self.cancel_run()
        if self._can_step():
            self.run.strides.append(stride)  # a deque: safe beside the worker's popleft
            self.driver.step(self.run)

    def action_step(self) -> None:
        """Run one line (presses that come faster than lines queue up)."""
        self._queue(LINE)

    def action_step_iteration(self) -> None:
        """Run up to the next time a loop comes round (one iteration), or to the end."""
        self._queue(ITERATION)

    def action_run(self) -> None:
        """Run or pause."""
        if not self.running and self.run is not None:
            self.run.strides.clear()
        super().action_run()

    def action_stop(self) -> None:
        """Stop the run at once: it ends as stopped by you (a new run starts from the top)."""
        run = self.run
        if run is None or run.ended:
            self.notify("nothing is running", timeout=2)
            return
        run.cancel()
        if not self.running:  # paused between two lines: a last stride ends it
            run.strides.clear()
            run.strides.append(TO_END)
            self.driver.step(run)

    def ended(self) -> bool:
        return self.run is not None and self.run.ended

    def progress(self) -> tuple[int, bool] | None:
        """How far the program on screen is: (statements run, ended), None: no run."""
        frame = self.frame
        return None if frame is None else (frame.moment.statements, frame.ended)

    def frame_of(self, run: ProgramStepper) -> LoopFrame:
        return run.frame()

    def stopped(self, frame: LoopFrame) -> bool:
        return frame.ended

    # -- drawing -------------------------------------------------------------------------------

    def show(self, frame: LoopFrame, single: bool = False) -> None:
        """Every panel from ``frame``."""
        self.frame = frame
        self._draw(frame)
        if frame.ended and self.run is not None and self._told is not self.run:
            self._told = self.run
            self.post_message(self.Finished(self, self.run, self._ran_text))

    def _draw(self, frame: LoopFrame | None) -> None:
        if frame is None:
            self._vars_lines = -1  # a new run: the panel may shrink
        self._vars_lines = _update(
            self.query_one("#loop-vars", Static), variables_text(frame), self._vars_lines
        )
        output = output_body(frame, self.refusal)
        if output != self._output:  # printing is rare: most lines leave the output as it was
            self._output = output
            self.query_one("#loop-output", Static).update(unwrap_quotes(output))
        losses = frame.moment.losses if frame is not None and frame.moment is not None else ()
        plot = self.query_one(LossPlot)
        if len(losses) != len(plot.series[1]) or (losses and losses[-1] != plot.series[1][-1]):
            plot.series = (list(range(1, len(losses) + 1)), list(losses))
        steps = self.query_one(SevenSteps)
        failed = error_line(frame)
        if frame is not None and frame.step is not None:
            ended_badly = frame.result is not None and frame.result.status != "finished"
            self.editor.mark(failed or frame.step.line, error=ended_badly)
        elif not self.refusal:
            self.editor.mark(0)
        phase = phase_of(frame)
        if phase:
            steps.current = phase
        steps.detail = self._detail(frame)
        self.show_status()

    def _detail(self, frame: LoopFrame | None) -> str:
        if self.refusal:
            return "refused"
        result = frame.result if frame is not None else None
        if frame is not None and frame.failure:
            return "could not start"
        if result is None:
            return ""
        return {"finished": "the end", "error": "error", "refused": "refused"}.get(
            result.status, "stopped"
        )

    def show_status(self) -> None:
        speed = self.SPEEDS[self.speed_index]
        rate = f"{speed} lines/s" if speed else "max"
        frame = self.frame
        if self.running:
            state = "running"
        elif frame is not None and frame.ended:
            state = "ended"
        else:
            state = "paused" if frame is not None and frame.step is not None else "ready"
        line = self.with_page_cue(status_text(frame, state, rate), self._detail(frame))
        status = plain(line, one_line=True)
        self.query_one("#loop-status", Static).update(status, layout=False)
