"""Autograd vs finite differences: the h table beside ``.grad``, and the timing plot.

The table is computed in a thread worker (a vector of many numbers costs thousands of
evaluations); the timings are measured live in another, one size at a time, cancellable
with ``t`` or by leaving the screen, and bounded by a time budget per size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from gradtui.engine.autograd.finite_diff import (
    COMPARED_DTYPES,
    HTable,
    TimingPoint,
    h_table,
    time_gradients,
)
from gradtui.engine.expr.values import format_value
from gradtui.engine.training.problem import Problem
from gradtui.engine.training.torch_errors import TorchError
from gradtui.ui.delivery import deliver
from gradtui.ui.widgets.fitted_footer import FittedFooter
from gradtui.ui.widgets.timing_plot import TimingPlot

BUDGET_PER_SIZE = 1.0  # seconds of finite differences per size before scaling up a sample


class FiniteDiffScreen(Screen):
    """Pushed over the playground with ``d``; escape goes back (and stops the timing)."""

    CSS_PATH = "finite_diff.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("t", "toggle_timing", "Time again / stop"),
    ]

    def __init__(self, problem: Problem, values: Mapping[str, Any], measure: bool = True):
        super().__init__()
        self.problem = problem
        self.values = dict(values)
        self.measure = measure
        self.table: HTable | None = None
        self.timing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="fd-body"):  # scrolls when the terminal is small
            with Vertical(id="fd-top"):
                yield Static("computing…", id="fd-grads")
                yield DataTable(id="fd-table", cursor_type="none", zebra_stripes=True)
            yield TimingPlot(id="fd-timing")
            yield Static("", id="fd-status")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.sub_title = "autograd vs finite differences"
        self.query_one("#fd-top").border_title = "(f(x+h) - f(x-h)) / 2h beside .grad"
        self.query_one("#fd-timing").border_title = "one backward() vs finite differences"
        table = self.query_one(DataTable)
        table.add_columns(
            "h", "float32 estimate", "float32 error", "float64 estimate", "float64 error"
        )
        self._compute_table()
        if self.measure:
            self.start_timing()
        else:
            self._status("t: measure the timings")

    # -- the h table -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="h-table")
    def _compute_table(self) -> None:
        try:
            table = h_table(self.problem, self.values)
        except (TorchError, ValueError, OverflowError, RuntimeError) as err:
            self.app.call_from_thread(deliver, self, self._table_failed, str(err))
            return
        self.app.call_from_thread(deliver, self, self._show_table, table)

    def _table_failed(self, message: str) -> None:
        self.query_one("#fd-grads", Static).update(Text(f"no table: {message}", style="bold red"))

    def _show_table(self, table: HTable) -> None:
        self.table = table
        at = ", ".join(f"{n} = {format_value(v)}" for n, v in self.values.items())
        grads = "   ".join(f"{d}: {table.grads[d]!r}" for d in COMPARED_DTYPES)
        head = Text()
        head.append(f"{table.first}.grad", style="bold")
        head.append(f" at {at}   {grads}\n")
        head.append(
            "error: the worst |estimate - .grad| over every number. Too big an h feels the "
            "curve bend; too small an h and rounding takes over.",
            style="italic",
        )
        self.query_one("#fd-grads", Static).update(head)
        best = {d: table.best(d).h for d in COMPARED_DTYPES}
        data = self.query_one(DataTable)
        data.clear()
        for row in table.rows:
            cells = [Text(f"{row.h:g}")]
            for d in COMPARED_DTYPES:
                style = "bold green" if row.h == best[d] else ""
                digits = 9 if d == "float32" else 16
                cells.append(Text(f"{row.estimates[d]:.{digits}g}", style=style))
                cells.append(Text(f"{row.errors[d]:.2e}", style=style))
            data.add_row(*cells)

    # -- timings -------------------------------------------------------------------------------

    def action_toggle_timing(self) -> None:
        if self.timing:
            self.workers.cancel_group(self, "timing")
            self.timing = False
            self._status("stopped: t to measure again")
        else:
            self.start_timing()

    def start_timing(self) -> None:
        """Measure again from 1 parameter, replacing the plot."""
        self.query_one(TimingPlot).points = ()
        self.timing = True
        self._status("measuring 1 parameter… (t: stop)")
        self._time()

    @work(thread=True, exclusive=True, group="timing")
    def _time(self) -> None:
        worker = get_current_worker()
        points: list[TimingPoint] = []
        for point in time_gradients(budget=BUDGET_PER_SIZE, cancelled=lambda: worker.is_cancelled):
            points.append(point)
            self.app.call_from_thread(deliver, self, self.show_points, tuple(points), False)
        if not worker.is_cancelled:
            self.app.call_from_thread(deliver, self, self.show_points, tuple(points), True)

    def show_points(self, points: tuple[TimingPoint, ...], done: bool) -> None:
        """Plot these points and say what they mean."""
        self.query_one(TimingPlot).points = points
        if not points:
            return
        last = points[-1]
        ratio = last.finite / last.backward
        line = (
            f"{last.n:,} parameters: backward() {last.backward * 1e3:.3g} ms, finite differences "
            f"{_seconds(last.finite)}{' (scaled up from a sample)' if last.extrapolated else ''}"
            f", ×{ratio:,.0f}"
        )
        if done:
            self.timing = False
            self._status(line + "   · t: measure again")
        else:
            self._status(line + "   · measuring the next size… (t: stop)")

    def _status(self, text: str) -> None:
        self.query_one("#fd-status", Static).update(text)


def _seconds(value: float) -> str:
    return f"{value * 1e3:.3g} ms" if value < 1 else f"{value:,.3g} s"
