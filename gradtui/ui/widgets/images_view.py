"""The pullover-vs-dress playground: the two mean images, the weights as a picture, the loss
per mini-batch, the test accuracy per epoch and the seven steps, live.

The data loads in a thread worker; the model trains in the run driver's (``RunView``), which
posts a ``TrainingSnapshot`` at most ``FRAMES_PER_SECOND`` times a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.widgets import Static

from gradtui.engine.training.playground import Playground
from gradtui.safe_text import plain
from gradtui.ui.delivery import deliver
from gradtui.ui.widgets.pixel_image import PixelImage
from gradtui.ui.widgets.run_view import RunView
from gradtui.ui.widgets.settings_form import SettingsForm
from gradtui.ui.widgets.seven_steps import SevenSteps
from gradtui.ui.widgets.training_plot import TrainingPlot

PHASES = ("predict", "loss", "gradient", "step", "repeat")


class ImagesView(RunView):
    """Train the linear pullover-vs-dress classifier of ``playground`` (mode ``images``)."""

    SPEEDS: ClassVar[tuple[int, ...]] = (2, 10, 50, 200, 0)  # mini-batches a second
    NARROW: ClassVar[int] = 66
    FRAMES_PER_SECOND: ClassVar[int] = 5
    YIELD_EACH_STEP: ClassVar[bool] = True
    speed_index: reactive[int] = reactive(4)

    def __init__(
        self,
        playground: Playground,
        editable: Iterable[str] | None = None,
        *,
        id: str | None = None,
    ):
        super().__init__(playground, editable if editable is not None else ("lr", "epochs"), id=id)
        self.data: Any = None
        self.baseline: Any = None
        self.problem = ""  # why there is nothing to train (no data, bad lr...)

    def compose(self) -> ComposeResult:
        with Horizontal(id="images-top"):
            with Vertical(id="images-left"):
                yield SettingsForm(self.playground, self.editable, id="images-settings")
                yield Static("", id="images-status")
            yield PixelImage(id="mean-pullover")
            yield PixelImage(id="mean-dress")
        with Horizontal(id="images-middle"):
            yield PixelImage(id="weights-image")
            yield TrainingPlot(id="images-plot")
        yield Static("", id="images-missing")
        yield SevenSteps(id="images-steps")

    def on_mount(self) -> None:
        titles = {
            "#images-left": "settings · run",
            "#mean-pullover": "pullover",
            "#mean-dress": "dress",
            "#weights-image": "learned: w - w(init)",
            "#images-plot": "training",
            "#images-steps": "the seven steps",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        weights = self.query_one("#weights-image", PixelImage)
        weights.signed = True
        weights.border_subtitle = "blue pullover, red dress"
        for image in self.query(PixelImage):
            image.note = "loading…"
        self.watch(self.app, "torch_ready", self._on_torch, init=True)
        self.show_status()

    # -- data --------------------------------------------------------------------------------

    def _on_torch(self, ready: bool) -> None:
        if ready and self.data is None and not self.problem:
            self._load()

    @work(thread=True, exclusive=True, group="images-data")
    def _load(self) -> None:
        from gradtui.engine.training.classifier import pixel_similarity
        from gradtui.io.fashion import DataNotFound, load_pullover_dress
        from gradtui.io.idx import IdxError

        try:
            data = load_pullover_dress()
            baseline = pixel_similarity(data)
        except (DataNotFound, IdxError) as err:
            self.app.call_from_thread(deliver, self, self._no_data, str(err))
            return
        self.app.call_from_thread(deliver, self, self._loaded, data, baseline)

    def _loaded(self, data: Any, baseline: Any) -> None:
        self.data, self.baseline = data, baseline
        self.query_one("#mean-pullover", PixelImage).pixels = baseline.mean_pullover
        self.query_one("#mean-dress", PixelImage).pixels = baseline.mean_dress
        self.query_one(TrainingPlot).baseline = baseline.accuracy
        self.reset()

    def _no_data(self, message: str) -> None:
        self.problem = message
        for image in self.query(PixelImage):
            image.note = "no data"
        self.query_one("#images-middle").display = False
        missing = self.query_one("#images-missing", Static)
        missing.update(plain(message))  # it quotes paths and servers
        missing.display = True
        self.show_status()

    @property
    def settled(self) -> bool:
        """True once the data is loaded (or known missing) and the panels show the latest."""
        return super().settled or (bool(self.problem) and self.run is None)

    # -- the run -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to step 1: fresh random weights, plots cleared."""
        from gradtui.engine.training.classifier import LinearTrainer, TrainingRun

        self.cancel_run()
        with self.driver.lock:
            if self.run is not None:
                self.run.close()
            self.run = self.frame = None
        steps = self.query_one(SevenSteps)
        steps.current, steps.detail = "init", ""
        if self.data is not None:
            pg = self.playground
            try:
                trainer = LinearTrainer(self.data, lr=pg.lr, epochs=pg.epochs, seed=pg.seed)
            except ValueError as err:
                self.problem = str(err)
            else:
                self.problem = ""
                self.run = TrainingRun(trainer)
                self.show(self.driver.snapshot_frame(self.run))
        self.show_status()

    def apply(self, new: Playground) -> None:
        old, self.playground = self.playground, new
        if old.with_(lr=new.lr) == new and self.live_changes and self.run is not None:
            with self.driver.lock:
                self.run.trainer.lr = new.lr  # the next step uses it
            self.show_status()
        else:
            self.reset()

    def why_not_step(self) -> tuple[str, SeverityLevel] | None:
        if self.run is None:
            message = self.problem.splitlines()[0] if self.problem else "the data is loading…"
            return message, "warning"
        if self.run.ended is not None:
            return f"stopped ({self.run.ended.reason}); press r to reset", "information"
        return None

    def ended(self) -> bool:
        return self.run is not None and self.run.ended is not None

    def progress(self) -> tuple[int, bool] | None:
        frame = self.frame
        if self.run is None or frame is None:
            return None
        return (max(frame.epochs, default=0), frame.end is not None)

    def action_toggle_log(self) -> None:
        plot = self.query_one(TrainingPlot)
        plot.log = not plot.log

    def frame_of(self, run: Any) -> Any:
        return run.snapshot()

    def stopped(self, frame: Any) -> bool:
        return frame.end is not None

    # -- drawing -------------------------------------------------------------------------------

    def show(self, frame: Any, single: bool = False) -> None:
        """The weights, the plot, the seven steps and the status from one snapshot."""
        self.frame = frame
        self.query_one("#weights-image", PixelImage).pixels = frame.weights
        plot = self.query_one(TrainingPlot)
        plot.accuracies = (list(frame.epochs), list(frame.accuracies))
        plot.losses = (list(frame.steps), list(frame.losses))
        steps = self.query_one(SevenSteps)
        if frame.end is not None:
            steps.current, steps.detail = "stop", frame.end.message
        elif frame.latest is None:
            steps.current, steps.detail = "init", ""
        elif single or (self.running and self.delay >= 0.2):
            self._animate_phases(0.6 if single else self.delay)
        else:
            steps.current = "repeat"
        self.show_status()

    def _animate_phases(self, total: float) -> None:
        each = total / len(PHASES)
        for i, phase in enumerate(PHASES):
            self.set_timer(each * i + 0.001, lambda p=phase: self._phase(p))

    def _phase(self, phase: str) -> None:
        if self.frame is not None and self.frame.end is None:
            self.query_one(SevenSteps).current = phase

    def show_status(self) -> None:
        status = self.query_one("#images-status", Static)
        if self.problem:
            first = self.problem.splitlines()[0]
            shown = first if self.run is None and self.data is None else self.problem
            status.update(plain(shown))
            return
        if self.data is None:
            status.update("loading Fashion-MNIST…")
            return
        speed = self.SPEEDS[self.speed_index]
        rate = f"{speed}/s" if speed else "max"
        frame = self.frame
        ended = frame.end if frame is not None else None
        state = "running" if self.running else ("stopped" if ended else "paused")
        pg = self.playground
        lines = [f"{state} · lr {pg.lr:g} · speed {rate}"]
        if frame is not None and frame.latest is not None:
            r = frame.latest
            lines.append(f"epoch {r.epoch}/{pg.epochs} · batch {r.batch}/{r.batches}")
            lines.append(f"loss {r.loss:.4f}")
        else:
            lines.append(f"{len(self.data.train_x):,} images to learn from")
            lines.append("space: train · s: one batch")
        accuracies = frame.accuracies if frame is not None else ()
        accuracy = f"{accuracies[-1]:.4f}" if accuracies else "-"
        lines.append(f"test acc. {accuracy} (pixels {self.baseline.accuracy:.4f})")
        if ended is not None:
            lines.append(ended.message)
        status.update(plain("\n".join(lines)))  # the stop message may quote an error
