"""The learning-rate explorer: the current problem run with several learning rates at once."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from gradtui.engine.expr.values import format_value
from gradtui.engine.training.loop import STOP_WORDS
from gradtui.engine.training.lrcompare import (
    LABEL_RULES,
    LrRun,
    compare_lrs,
    compare_steps,
    default_lrs,
    parse_lrs,
)
from gradtui.engine.training.playground import Playground
from gradtui.safe_text import plain
from gradtui.ui.delivery import deliver
from gradtui.ui.widgets.compare_plot import MARKERS, ComparePlot
from gradtui.ui.widgets.fitted_footer import FittedFooter


class LrCompareScreen(Screen):
    """Type learning rates (comma-separated); each runs from the same start, then is labelled."""

    AUTO_FOCUS = "#lrs"  # the list of learning rates is what one edits here
    CSS_PATH = "lr_compare.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f5", "rerun", "Run again"),
    ]

    def __init__(self, playground: Playground):
        super().__init__()
        self.playground = playground
        self.runs: list[LrRun] = []
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lr-row"):
            yield Label("learning rates", id="lrs-label")
            lrs = ", ".join(f"{lr:g}" for lr in default_lrs(self.playground.lr))
            yield Input(lrs, id="lrs", placeholder="e.g. 0.001, 0.01, 0.1, 1", compact=True)
        yield Static("", id="lrs-error")
        yield ComparePlot(id="compare-plot")
        yield Static("", id="compare-table")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.sub_title = "compare learning rates"
        steps = compare_steps(self.playground)
        what = "fit" if self.playground.mode == "fit" else f"f = {self.playground.fn}"
        self.query_one("#compare-plot").border_title = plain(
            f"{what}, from start {self.playground.start}, {steps} steps each", one_line=True
        )
        self.query_one("#compare-table").border_title = "legend and labels"
        self.action_rerun()

    @on(Input.Submitted, "#lrs")
    def _submitted(self) -> None:
        self.action_rerun()

    def action_rerun(self) -> None:
        """Parse the learning rates and run them all (in a thread)."""
        text = self.query_one("#lrs", Input).value
        try:
            lrs = parse_lrs(text)
        except ValueError as err:
            self._show_error(str(err))
            return
        self._show_error("")
        self.query_one(ComparePlot).runs = []
        self._compare(lrs)

    def _show_error(self, message: str) -> None:
        self.error = message
        box = self.query_one("#lrs-error", Static)
        box.update(plain(message))  # it quotes what was typed: never markup
        box.display = bool(message)

    @work(thread=True, exclusive=True, group="compare")
    def _compare(self, lrs: list[float]) -> None:
        try:
            runs = compare_lrs(self.playground, lrs)
        except (ValueError, TypeError, RuntimeError, ArithmeticError) as err:
            self.app.call_from_thread(
                deliver, self, self._show_error, f"cannot run this playground: {err}"
            )
            return
        self.app.call_from_thread(deliver, self, self._show, runs)

    def _show(self, runs: list[LrRun]) -> None:
        self.runs = runs
        self.query_one(ComparePlot).runs = runs
        rows = [f"   {'lr':<10} {'label':<10} {'first loss':>12} {'last loss':>12}  stop (steps)"]
        for i, run in enumerate(runs):
            rows.append(
                f"{MARKERS[i % len(MARKERS)]}  {run.lr:<10g} {run.label:<10} "
                f"{format_value(run.first_loss):>12} "
                f"{format_value(run.stop.loss):>12}  {STOP_WORDS[run.stop.reason]} "
                f"({run.stop.steps})"
            )
        rows.append("")
        rows.append("rule, first that fits: " + "; ".join(f"{k}: {v}" for k, v in RULE_ORDER))
        self.query_one("#compare-table", Static).update("\n".join(rows))


RULE_ORDER = [(k, LABEL_RULES[k]) for k in ("diverging", "bouncy", "too small", "good")]
