"""Loss per step, linear or log10 (plotted on a linear axis: plotext's log axis breaks)."""

from __future__ import annotations

import math

from textual.reactive import reactive

from gradtui.engine.present.plotdata import thin_series
from gradtui.ui.widgets.safe_plot import SafePlot


class LossPlot(SafePlot):
    """Draws ``steps``/``losses``; ``log`` switches to log10(loss)."""

    log: reactive[bool] = reactive(False)
    series: reactive[tuple[list[int], list[float]]] = reactive(([], []), always_update=True)

    def watch_log(self) -> None:
        self.replot()

    def watch_series(self) -> None:
        self.replot()

    def replot(self) -> None:
        """Rebuild the figure (a full redraw: callers throttle)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        steps, losses = self.series
        pairs = [(s, v) for s, v in zip(steps, losses, strict=False) if math.isfinite(v)]
        if self.log:
            pairs = [(s, math.log10(v)) for s, v in pairs if v > 0]
        title = "log10(loss)" if self.log else "loss"
        if pairs:
            xs, ys = zip(*pairs, strict=True)
            xs, ys = thin_series(xs, ys, max(self.size.width, 20))
            if len(xs) == 1:  # the starting loss alone: a dot, on an axis of steps from 0
                plt.scatter(xs, ys, marker="●", label=title)
                plt.xlim(0, 1)
            else:
                plt.plot(xs, ys, marker="braille", label=title)
            plt.title(f"{title} per step   (l: {'linear' if self.log else 'log10'})")
        else:
            plt.title(f"{title}: no steps yet")
        plt.xlabel("step")
        self.refresh()
