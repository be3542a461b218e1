"""The classifier's training on one chart: the loss of every mini-batch, the test accuracy
after each epoch, and the pixel-similarity baseline to beat (all between 0 and 1)."""

from __future__ import annotations

import math

from textual.reactive import reactive

from gradtui.engine.present.plotdata import thin_series
from gradtui.ui.widgets.safe_plot import SafePlot

MAX_POINTS = 120  # plotext's build time grows with the points; the chart is ~50 cells wide


class TrainingPlot(SafePlot):
    """``losses`` as (epoch position, loss) pairs, ``accuracies`` as (epoch, accuracy);
    ``log`` shows log10(loss) alone."""

    losses: reactive[tuple[list[float], list[float]]] = reactive(([], []), always_update=True)
    accuracies: reactive[tuple[list[int], list[float]]] = reactive(([], []), always_update=True)
    baseline: reactive[float | None] = reactive(None)
    log: reactive[bool] = reactive(False)

    def watch_losses(self) -> None:
        self.replot()

    def watch_baseline(self) -> None:
        self.replot()

    def watch_log(self) -> None:
        self.replot()

    def replot(self) -> None:
        """Rebuild the figure (a full redraw: callers throttle)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        xs, losses = thin_series(*self.losses, MAX_POINTS // 2)
        epochs, accuracies = self.accuracies
        end = max([1.0, *xs[-1:], *epochs[-1:]])
        if self.log:
            pairs = [(x, math.log10(v)) for x, v in zip(xs, losses, strict=False) if v > 0]
            if pairs:
                px, py = zip(*pairs, strict=True)
                plt.plot(list(px), list(py), marker="braille")
            plt.title("log10(loss) per mini-batch   (l: linear)")
        else:
            if self.baseline is not None:
                plt.plot([0, end], [self.baseline] * 2, marker="-")
            if xs:
                plt.plot(list(xs), list(losses), marker="braille")
            if epochs:
                plt.plot(list(epochs), list(accuracies), marker="●")
            plt.ylim(0, 1)
            plt.title("loss · test accuracy ● · baseline --")
        plt.xlabel("epoch")
        self.refresh()
