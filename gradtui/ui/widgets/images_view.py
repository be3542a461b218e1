"""The pullover-vs-dress playground: the two mean images, the weights as a picture, the loss
per mini-batch, the test accuracy per epoch and the seven steps, live.

The data loads and the model trains in thread workers; a run posts ``TrainProgress``
messages at most ``REDRAWS_PER_SECOND`` times a second, and the panels redraw on a timer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Static
from textual.worker import get_current_worker

from gradtui.engine.playground import Playground
from gradtui.safe_text import plain
from gradtui.ui.delivery import deliver
from gradtui.ui.messages import SettingsChanged, TrainProgress
from gradtui.ui.widgets.pixel_image import PixelImage
from gradtui.ui.widgets.playground_controls import PlaygroundControls
from gradtui.ui.widgets.settings_form import SettingsForm
from gradtui.ui.widgets.seven_steps import SevenSteps
from gradtui.ui.widgets.training_plot import TrainingPlot

REDRAWS_PER_SECOND = 5
SPEEDS = (2, 10, 50, 200, 0)  # mini-batches per second; 0 = as fast as possible
DEFAULT_SPEED = 4
PHASES = ("predict", "loss", "gradient", "step", "repeat")
NARROW = 66  # columns below which the panels stack


class ImagesView(PlaygroundControls, Vertical):
    """Train the linear pullover-vs-dress classifier of ``playground`` (mode ``images``)."""

    running: reactive[bool] = reactive(False)
    SPEEDS = SPEEDS
    NARROW = NARROW
    speed_index: reactive[int] = reactive(DEFAULT_SPEED)

    def __init__(
        self,
        playground: Playground,
        editable: Iterable[str] | None = None,
        *,
        id: str | None = None,
    ):
        super().__init__(id=id)
        self.playground = playground
        self.editable = tuple(editable) if editable is not None else ("lr", "epochs")
        self.data: Any = None
        self.baseline: Any = None
        self.trainer: Any = None
        self.ended: Any = None
        self.problem = ""  # why there is nothing to train (no data, bad lr...)
        self.steps: list[float] = []  # in epochs: 1.5 is halfway through epoch 2
        self.losses: list[float] = []
        self.epochs: list[int] = []
        self.accuracies: list[float] = []
        self.latest: Any = None  # the last BatchRecord
        self.weights: Any = None
        self._records: Any = None  # the trainer's generator
        self._lock = threading.Lock()  # one thread at a time advances the generator
        self._wake = threading.Event()
        self._dirty = False

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
        self.set_interval(1 / REDRAWS_PER_SECOND, self._redraw)
        self.watch(self.app, "torch_ready", self._on_torch, init=True)
        self._show_status()

    # -- data --------------------------------------------------------------------------------

    def _on_torch(self, ready: bool) -> None:
        if ready and self.data is None and not self.problem:
            self._load()

    @work(thread=True, exclusive=True, group="images-data")
    def _load(self) -> None:
        from gradtui.engine.classifier import pixel_similarity
        from gradtui.engine.fashion import DataNotFound, load_pullover_dress
        from gradtui.engine.idx import IdxError

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
        self._show_status()

    @property
    def settled(self) -> bool:
        """True once the data is loaded (or known missing) and the panels show the latest."""
        return (self.trainer is not None or bool(self.problem)) and not (
            self._dirty or self.running
        )

    # -- state -------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to step 1: fresh random weights, plots cleared."""
        self._cancel_run()
        with self._lock:
            if self._records is not None:
                self._records.close()
            self._records = None
            self.trainer = self.ended = self.latest = None
        self.steps, self.losses, self.epochs, self.accuracies = [], [], [], []
        steps = self.query_one(SevenSteps)
        steps.current, steps.detail = "init", ""
        if self.data is not None:
            from gradtui.engine.classifier import LinearTrainer

            pg = self.playground
            try:
                self.trainer = LinearTrainer(self.data, lr=pg.lr, epochs=pg.epochs, seed=pg.seed)
                self.problem = ""
            except ValueError as err:
                self.problem = str(err)
            if self.trainer is not None:
                self._records = self.trainer.run()
                self.weights = self.trainer.learned_image()
        self._dirty = True
        self._show_status()

    @on(SettingsChanged)
    def _settings_changed(self, event: SettingsChanged) -> None:
        if not event.errors:
            self._apply(event.playground)

    def _apply(self, new: Playground) -> None:
        old, self.playground = self.playground, new
        if old.with_(lr=new.lr) == new and self.trainer is not None:
            self.trainer.lr = new.lr  # the next step uses it
            self._show_status()
        else:
            self.reset()

    # -- actions (the playground keys) -------------------------------------------------------

    def action_step(self) -> None:
        """One mini-batch: predict, loss, gradients, step."""
        if self.running:
            self._cancel_run()
        if self._can_step():
            self._run_worker(single=True)

    def action_toggle_log(self) -> None:
        plot = self.query_one(TrainingPlot)
        plot.log = not plot.log

    def _can_step(self) -> bool:
        if self.trainer is None:
            message = self.problem.splitlines()[0] if self.problem else "the data is loading…"
            self.notify(message, severity="warning", timeout=3)
            return False
        if self.ended is not None:
            self.notify(f"stopped ({self.ended.reason}); press r to reset", timeout=2)
            return False
        return True

    def _cancel_run(self) -> None:
        self.workers.cancel_group(self, "images-run")
        self._wake.set()
        self.running = False

    # -- the run worker ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="images-run")
    def _run_worker(self, single: bool) -> None:
        from gradtui.engine.classifier import BatchRecord, TrainEnd

        worker = get_current_worker()
        trainer, records = self.trainer, self._records
        if trainer is None or records is None:
            return
        self._wake.clear()
        batch: list[Any] = []
        posted = time.monotonic()
        while not worker.is_cancelled:
            with self._lock:
                if records is not self._records:
                    return  # reset meanwhile
                item = next(records, None)
                weights = trainer.learned_image()
            if item is None:
                return
            batch.append(item)
            done = isinstance(item, TrainEnd) or (single and isinstance(item, BatchRecord))
            now = time.monotonic()
            if done or self.delay >= 0.05 or now - posted >= 1 / REDRAWS_PER_SECOND:
                self.post_message(TrainProgress(batch, weights, single, trainer))
                batch, posted = [], now
            if done:
                return
            if self.delay and isinstance(item, BatchRecord) and self._wake.wait(self.delay):
                return
            time.sleep(0)  # let the event loop take the GIL between mini-batches

    def on_train_progress(self, message: TrainProgress) -> None:
        from gradtui.engine.classifier import BatchRecord, EpochRecord, TrainEnd

        if message.trainer is not self.trainer:
            return  # from a run that was reset meanwhile
        for item in message.results:
            if isinstance(item, BatchRecord):
                self.steps.append(item.epoch - 1 + item.batch / item.batches)
                self.losses.append(item.loss)
                self.latest = item
            elif isinstance(item, EpochRecord):
                self.epochs.append(item.epoch)
                self.accuracies.append(item.accuracy)
            elif isinstance(item, TrainEnd):
                self._ended(item)
        self.weights = message.weights
        self._dirty = True
        steps = self.query_one(SevenSteps)
        if self.ended is None:
            if message.single or self.delay >= 0.2:
                self._animate_phases(0.6 if message.single else self.delay)
            else:
                steps.current = "repeat"
        self._show_status()

    def _ended(self, end: Any) -> None:
        self.ended = end
        self.running = False
        steps = self.query_one(SevenSteps)
        steps.current, steps.detail = "stop", end.message

    def _animate_phases(self, total: float) -> None:
        each = total / len(PHASES)
        for i, phase in enumerate(PHASES):
            self.set_timer(each * i + 0.001, lambda p=phase: self._phase(p))

    def _phase(self, phase: str) -> None:
        if self.ended is None:
            self.query_one(SevenSteps).current = phase

    # -- drawing -----------------------------------------------------------------------------

    def _redraw(self) -> None:
        """Push the latest state into the panels (at most REDRAWS_PER_SECOND times a second)."""
        if not self._dirty:
            return
        self._dirty = False
        self.query_one("#weights-image", PixelImage).pixels = self.weights
        plot = self.query_one(TrainingPlot)
        plot.accuracies = (list(self.epochs), list(self.accuracies))
        plot.losses = (list(self.steps), list(self.losses))

    def _show_status(self) -> None:
        status = self.query_one("#images-status", Static)
        if self.problem:
            first = self.problem.splitlines()[0]
            shown = first if self.trainer is None and self.data is None else self.problem
            status.update(plain(shown))
            return
        if self.data is None:
            status.update("loading Fashion-MNIST…")
            return
        speed = SPEEDS[self.speed_index]
        rate = f"{speed}/s" if speed else "max"
        state = "running" if self.running else ("stopped" if self.ended else "paused")
        pg = self.playground
        lines = [f"{state} · lr {pg.lr:g} · speed {rate}"]
        if self.latest is not None:
            r = self.latest
            lines.append(f"epoch {r.epoch}/{pg.epochs} · batch {r.batch}/{r.batches}")
            lines.append(f"loss {r.loss:.4f}")
        else:
            lines.append(f"{len(self.data.train_x):,} images to learn from")
            lines.append("space: train · s: one batch")
        accuracy = f"{self.accuracies[-1]:.4f}" if self.accuracies else "-"
        lines.append(f"test acc. {accuracy} (pixels {self.baseline.accuracy:.4f})")
        if self.ended is not None:
            lines.append(self.ended.message)
        status.update(plain("\n".join(lines)))  # the stop message may quote an error
