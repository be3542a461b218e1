"""The lr_find sweep: smoothed loss against log10(lr), and the suggested learning rate."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from gradtui.engine.training.lrfind import (
    END_LR,
    MIN_RULE,
    NUM_IT,
    START_LR,
    VALLEY_RULE,
    LrFindResult,
    lr_find,
)
from gradtui.engine.training.playground import Playground
from gradtui.safe_text import plain
from gradtui.ui.delivery import deliver
from gradtui.ui.widgets.fitted_footer import FittedFooter
from gradtui.ui.widgets.lr_find_plot import LrFindPlot


class LrFindScreen(Screen[float | None]):
    """fastai's learning-rate finder on the current problem; ``a`` uses the suggestion."""

    CSS_PATH = "lr_find.tcss"
    BINDINGS = [
        Binding("escape", "dismiss_none", "Back"),
        Binding("a", "use", "Use suggested lr"),
    ]

    def __init__(self, playground: Playground, can_apply: bool = True):
        super().__init__()
        self.playground = playground
        self.can_apply = can_apply
        self.result: LrFindResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield LrFindPlot(id="lr-find-plot")
        yield Static("sweeping…", id="lr-find-text")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.sub_title = "lr_find"
        what = "fit" if self.playground.mode == "fit" else f"f = {self.playground.fn}"
        self.query_one("#lr-find-plot").border_title = plain(
            f"{what}: lr from {START_LR:g} to {END_LR:g}, {NUM_IT} steps at most", one_line=True
        )
        self.query_one("#lr-find-text").border_title = "suggestion"
        self._sweep()

    @work(thread=True, exclusive=True, group="lr-find")
    def _sweep(self) -> None:
        try:
            result = lr_find(self.playground.problem())
        except (ValueError, TypeError, RuntimeError, ArithmeticError) as err:
            self.app.call_from_thread(
                deliver, self, self._text, f"cannot sweep this playground: {err}"
            )
            return
        self.app.call_from_thread(deliver, self, self._show, result)

    def _text(self, text: str) -> None:
        self.query_one("#lr-find-text", Static).update(plain(text))  # errors quote settings

    def _show(self, result: LrFindResult) -> None:
        self.result = result
        self.query_one(LrFindPlot).result = result
        lines = [f"{len(result.lrs)} steps, one per lr, continuing from the start; "
                 f"{result.stopped}"]  # fmt: skip
        if result.suggestion is None:
            lines.append("no suggestion: too few points before it diverged")
        else:
            lines.append(f"suggested lr {result.suggestion:.3g}: {VALLEY_RULE}")
        if result.min_div10 is not None:
            lines.append(f"for comparison, {MIN_RULE}: {result.min_div10:.3g}")
        lines.append("a: use the suggested lr" if self.can_apply else "(this task's lr is fixed)")
        self._text("\n".join(lines))

    def action_use(self) -> None:
        """Go back and set the playground's learning rate to the suggestion."""
        if not self.can_apply:
            self.notify("this task does not let you change the learning rate", timeout=3)
        elif self.result is None or self.result.suggestion is None:
            self.notify("no suggestion yet", timeout=2)
        else:
            self.dismiss(float(f"{self.result.suggestion:.3g}"))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
