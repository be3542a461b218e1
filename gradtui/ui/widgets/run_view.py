"""What every playground that runs the seven steps shares: the keys' actions, the speed and
the run driver.

A ``SteppedView`` holds ``run`` (what the driver steps, or None when there is nothing to run)
and ``frame`` (what its panels show now, made from one snapshot of the run). The driver steps
the run in a thread and posts ``SteppedView.Progress`` with each new frame; the view shows
it. Subclasses say how to make a run and a frame, and how to show it. A ``RunView`` also
holds ``playground``, the settings its form edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import on
from textual.containers import Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive

from gradtui.engine.training.playground import Playground, scale_lr
from gradtui.ui.run_driver import RunDriver
from gradtui.ui.widgets.settings_form import SettingsForm


class SteppedView(Vertical):
    """A view whose run steps in a thread worker, driven by the playground keys: run, pause,
    step, reset, speed. ``RunView`` adds the settings of a ``Playground``; the loop playground
    (``LoopView``) steps a learner's program instead."""

    SPEEDS: ClassVar[tuple[int, ...]] = (1, 10, 0)  # steps a second; 0 = as fast as it goes
    NARROW: ClassVar[int] = 100  # columns below which the panels stack
    FRAMES_PER_SECOND: ClassVar[int] = 20  # at most this many frames reach the screen
    YIELD_EACH_STEP: ClassVar[bool] = False  # hand the GIL over after every step

    running: reactive[bool] = reactive(False)
    speed_index: reactive[int] = reactive(0)
    # False (a lesson): every change of the settings starts a fresh run, so the run on screen
    # is always the one its settings make, the run a lesson's check judges.
    live_changes: bool = True
    # Columns below which the panels stack (None: the class's NARROW); a lesson, whose
    # playground shares the screen with the prose, keeps them side by side down to fewer.
    narrow_below: int | None = None

    class Progress(Message):
        """A new frame of ``run`` from the run's thread (``single``: a single step's)."""

        def __init__(self, frame: Any, run: Any, single: bool):
            super().__init__()
            self.frame, self.run, self.single = frame, run, single

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.run: Any = None
        self.frame: Any = None
        self.driver = RunDriver(self, group=f"run-{type(self).__name__}")

    # -- what a subclass provides ------------------------------------------------------------

    def reset(self) -> None:
        """Back to step 1: a fresh run from ``playground``."""
        raise NotImplementedError

    def why_not_step(self) -> tuple[str, SeverityLevel] | None:
        """Why no step can be taken now, and the notice's severity (None: it can)."""
        raise NotImplementedError

    def frame_of(self, run: Any) -> Any:
        """What the panels show for ``run`` now (called in the run's thread, or while idle)."""
        raise NotImplementedError

    def show(self, frame: Any, single: bool = False) -> None:
        """Show ``frame`` in every panel."""
        raise NotImplementedError

    def show_status(self) -> None:
        """Redraw the status line (the speed or the state changed)."""
        raise NotImplementedError

    def stopped(self, frame: Any) -> bool:
        """True when ``frame`` shows the end of its run."""
        raise NotImplementedError

    def ended(self) -> bool:
        """True when the live run has stopped (a run key then starts it again)."""
        raise NotImplementedError

    def progress(self) -> tuple[int, bool] | None:
        """How far the live run on screen is: (step, or epochs done; stopped), None: no run."""
        raise NotImplementedError

    # -- shared --------------------------------------------------------------------------------

    @property
    def delay(self) -> float:
        """Seconds between steps at the chosen speed (0: as fast as possible)."""
        speed = self.SPEEDS[self.speed_index]
        return 1.0 / speed if speed else 0.0

    @property
    def settled(self) -> bool:
        """True when nothing is stepping and the panels show the run's latest frame."""
        return self.frame is not None and not self.running and not self.driver.busy

    def on_resize(self) -> None:
        narrow = self.size.width < (self.NARROW if self.narrow_below is None else self.narrow_below)
        self.set_class(narrow, "narrow")

    def cancel_run(self) -> None:
        """Pause: the worker stops after the step it is in."""
        self.driver.cancel()
        self.running = False

    def on_stepped_view_progress(self, message: SteppedView.Progress) -> None:
        latest = self.driver.taken(message.frame)
        if message.run is not self.run or not latest:
            return  # from a run reset meanwhile, or an older frame than the latest posted
        if self.stopped(message.frame):
            self.running = False
        self.show(message.frame, message.single)

    def action_run(self) -> None:
        """Run or pause."""
        if self.running:
            self.cancel_run()
        else:
            if self.ended():  # the run is over: run it again from the start, and say so
                self.reset()
                self.notify("the run had stopped: running it again from the start", timeout=2)
            if self._can_step():
                self.running = True
                self.driver.start(self.run)
        self.show_status()

    def action_step(self) -> None:
        """One step (presses that come faster than steps queue up)."""
        if self.running:
            self.cancel_run()
        if self._can_step():
            self.driver.step(self.run)

    def action_reset(self) -> None:
        self.reset()

    def action_faster(self) -> None:
        self.speed_index = min(self.speed_index + 1, len(self.SPEEDS) - 1)
        self.show_status()

    def action_slower(self) -> None:
        self.speed_index = max(self.speed_index - 1, 0)
        self.show_status()

    def _can_step(self) -> bool:
        problem = self.why_not_step()
        if problem is not None:
            message, severity = problem
            self.notify(message, severity=severity, timeout=2, markup=False)
        return problem is None


class RunView(SteppedView):
    """A playground of the seven steps on a ``Playground``: its settings form drives it."""

    def __init__(
        self,
        playground: Playground,
        editable: Iterable[str] | None = None,
        *,
        id: str | None = None,
    ):
        super().__init__(id=id)
        self.playground = playground
        self.editable: tuple[str, ...] | None = tuple(editable) if editable is not None else None

    def apply(self, new: Playground) -> None:
        """Use the settings ``new`` (a live change or a fresh run)."""
        raise NotImplementedError

    def set_playground(self, playground: Playground) -> None:
        """Show and use ``playground`` (the form follows)."""
        self.query_one(SettingsForm).set_playground(playground)
        self.apply(playground)

    @on(SettingsForm.Changed)
    def _settings_changed(self, event: SettingsForm.Changed) -> None:
        """The form's inputs parsed. With errors the form shows them and the last good state
        stays; the same settings again (a select announcing its value as the form mounts, a
        field submitted unchanged) leave the run as it is: applying them would start it over,
        and a run started meanwhile (space as the lesson opened) would stop at once."""
        if event.errors or (event.playground == self.playground and self.run is not None):
            return
        self.apply(event.playground)

    def action_lr_times(self, factor: float) -> None:
        """Multiply the learning rate, where the learner may change it.

        The form shows it and posts it as if the number had been typed: the run follows, and
        a lesson saves the input and checks again.
        """
        if self.editable is not None and "lr" not in self.editable:
            self.notify("this task keeps the learning rate fixed", timeout=2)
            return
        lr = scale_lr(self.playground.lr, factor)
        self.use_lr(lr)
        self.notify(f"learning rate {lr:g}", timeout=1.5)

    def use_lr(self, lr: float) -> None:
        """Set the learning rate as if it had been typed (the lr keys and lr_find's ``a``)."""
        form = self.query_one(SettingsForm)
        form.set_playground(self.playground.with_(lr=lr))
        form.apply()
