"""Loss per step, linear or log10 (plotted on a linear axis: plotext's log axis breaks).

The scale is shown honestly: the title names the first and the latest loss and the change
between them, and a loss that never goes below 0 is drawn on an axis from 0, so a crawl from
9 to 8.998 looks like the crawl it is, not a slide. log10 of a loss at or below 0 cannot be
drawn: the title says so instead.
"""

from __future__ import annotations

import math

from textual.reactive import reactive

from gradtui.engine.present.plotdata import thin_series
from gradtui.ui.widgets.safe_plot import SafePlot


def change_words(first: float, last: float) -> str:
    """``9 → 8.99828 (-0.0191%)``: where the loss started, where it is, the relative change."""
    text = f"{first:.6g} → {last:.6g}"
    if first != 0 and last != first:
        text += f" ({100 * (last - first) / abs(first):+.3g}%)"
    return text


class LossPlot(SafePlot):
    """Draws ``steps``/``losses``; ``log`` switches to log10(loss)."""

    MIN_ROWS = 7  # the title, 3 rows of data, the axis, its numbers and its name
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
        plt.xlabel("step")
        steps, losses = self.series
        pairs = [(s, v) for s, v in zip(steps, losses, strict=False) if math.isfinite(v)]
        toggle = f"(l: {'linear' if self.log else 'log10'})"
        if not pairs:
            plt.title(f"{'log10(loss)' if self.log else 'loss'}: no steps yet")
            self.refresh()
            return
        words = change_words(pairs[0][1], pairs[-1][1]) if len(pairs) > 1 else f"{pairs[0][1]:.6g}"
        if self.log:
            below = next(((s, v) for s, v in pairs if v <= 0), None)
            if below is not None:
                step, value = below
                plt.title(
                    f"log10 cannot be drawn: the loss is {value:.4g} at step {step}  {toggle}"
                )
                self.refresh()
                return
            pairs = [(s, math.log10(v)) for s, v in pairs]
        elif min(v for _, v in pairs) >= 0:
            plt.ylim(0, max(v for _, v in pairs) or 1)  # from 0: the change at its true size
        label = "log10(loss)" if self.log else "loss"
        xs, ys = zip(*pairs, strict=True)
        xs, ys = thin_series(xs, ys, max(self.size.width, 20))
        if len(xs) == 1:  # the starting loss alone: a dot, on an axis of steps from 0
            plt.scatter(xs, ys, marker="●", label=label)
            plt.xlim(0, 1)
        else:
            plt.plot(xs, ys, marker="braille", label=label)
        title = f"{label}: {words}"
        room = self.content_region.width - 2  # plotext leaves out a title that does not fit
        if len(title) + len(toggle) + 2 <= room:
            title += f"  {toggle}"
        plt.title(title if len(title) <= room else words)
        self.refresh()
