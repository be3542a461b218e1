"""The sandbox: the playground full-screen, for free play."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import Header

from gradtui.engine.training.playground import Playground
from gradtui.io.csvdata import CsvData
from gradtui.ui.screens.playground_screen import PlaygroundScreen
from gradtui.ui.widgets.fitted_footer import FittedFooter
from gradtui.ui.widgets.playground_view import PlaygroundView


class SandboxScreen(PlaygroundScreen):
    """Any function or model, any start, lr and stopping rule."""

    CSS_PATH = "../widgets/playground_view.tcss"
    BINDINGS = [
        *PlaygroundScreen.KEYS,
        Binding("escape", "back", "Home"),
        Binding("m", "switch_mode", "Mode"),
        Binding("i", "import_data", "Import data", show=False),
        Binding("f9,w", "loop_playground", "Loop"),
    ]

    def __init__(self, playground: Playground | None = None):
        super().__init__()
        self._playground = playground or Playground()

    def compose(self) -> ComposeResult:
        yield Header()
        yield PlaygroundView(self._playground, id="playground")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.sub_title = "sandbox"
        self.set_focus(None)

    @property
    def view(self) -> PlaygroundView:
        return self.query_one(PlaygroundView)

    def action_switch_mode(self) -> None:
        """Between descending f(x) and fitting a model to data."""
        current = self.view.playground
        self.view.set_playground(
            current.switch_mode("fit" if current.mode == "descend" else "descend")
        )

    def action_loop_playground(self) -> None:
        """To the loop playground: write the training loop in PyTorch code."""
        from gradtui.ui.screens.loop import LoopScreen

        self.app.switch_screen(LoopScreen())

    def action_import_data(self) -> None:
        """Pick a CSV file and fit the model to it."""
        from gradtui.ui.screens.import_data import ImportDataScreen

        self.app.push_screen(ImportDataScreen(), self.use_data)

    def use_data(self, data: CsvData | None) -> None:
        """Fit mode on ``data`` (None: the picker was cancelled; nothing changes)."""
        if data is None:
            return
        current = self.view.playground.switch_mode("fit")
        self.view.set_playground(current.with_(data_csv=data.to_text()))
        loaded = f"{data.describe()} from {data.source}"
        self.notify(loaded, title="data loaded", timeout=4, markup=False)
        for note in data.notes:
            self.notify(note, severity="warning", timeout=8, markup=False)

    def action_example_data(self) -> None:
        """Back to the built-in example data (the roller coaster)."""
        self.view.set_playground(self.view.playground.with_(data_csv=""))

    def commands(self) -> Iterable[SystemCommand]:
        """Command palette entries for this screen's actions."""
        v = self.view
        yield SystemCommand("Step", "One pass of predict, loss, gradient, step", v.action_step)
        yield SystemCommand("Run / pause", "Keep stepping until a stop rule fires", v.action_run)
        yield SystemCommand("Reset", "Back to the starting weights (step 0)", v.action_reset)
        yield SystemCommand("Learning rate ×10", "Multiply lr by 10", lambda: v.action_lr_times(10))
        yield SystemCommand("Learning rate ÷10", "Divide lr by 10", lambda: v.action_lr_times(0.1))
        yield SystemCommand("Toggle log loss", "Plot log10(loss)", v.action_toggle_log)
        yield SystemCommand("Switch mode", "Descend f(x) / fit a model", self.action_switch_mode)
        yield SystemCommand(
            "Import data (CSV)", "Fit the model to your input,target rows", self.action_import_data
        )
        yield SystemCommand(
            "Use the example data", "Fit the roller coaster again", self.action_example_data
        )
        yield SystemCommand(
            "Loop playground",
            "Write the training loop in PyTorch code (F9)",
            self.action_loop_playground,
        )
