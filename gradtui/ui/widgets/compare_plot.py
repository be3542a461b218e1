"""The learning-rate explorer's plot: every run's loss per step, overlaid."""

from __future__ import annotations

from textual.reactive import reactive

from gradtui.engine.training.lrcompare import LrRun, curves
from gradtui.ui.widgets.safe_plot import SafePlot

# plotext colour per label, so a glance at the plot matches the table
LABEL_COLORS = {"too small": "blue", "good": "green", "bouncy": "orange", "diverging": "red"}
MARKERS = ("•", "+", "x", "o", "*", "#")  # tell the curves apart without colour


class ComparePlot(SafePlot):
    """Every run's loss per step on one plot, with a legend."""

    runs: reactive[list[LrRun]] = reactive(list, always_update=True)

    def watch_runs(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if not self.runs:
            plt.title("running…")
            self.refresh()
            return
        log, lines = curves(self.runs)
        # No plotext legend: it hides the curves' start. The table below is the legend.
        for i, (run, curve) in enumerate(zip(self.runs, lines, strict=True)):
            if curve.steps:
                plt.plot(
                    curve.steps,
                    curve.values,
                    marker=MARKERS[i % len(MARKERS)],
                    color=LABEL_COLORS[run.label],
                )
        plt.title(("log10(loss)" if log else "loss") + " per step, one curve per learning rate")
        plt.xlabel("step")
        self.refresh()
