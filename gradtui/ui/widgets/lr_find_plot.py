"""lr_find's plot: the smoothed loss against log10(lr), the suggestion marked."""

from __future__ import annotations

import math

from textual.reactive import reactive

from gradtui.engine.training.lrfind import LrFindResult
from gradtui.ui.widgets.safe_plot import SafePlot


class LrFindPlot(SafePlot):
    """The smoothed loss against log10(lr), the suggestion marked."""

    result: reactive[LrFindResult | None] = reactive(None, always_update=True)

    def watch_result(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        result = self.result
        if result is None:
            plt.title("sweeping…")
            self.refresh()
            return
        xs, ys = result.plotted()
        pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(y)]
        if pairs:
            plt.plot([p[0] for p in pairs], [p[1] for p in pairs], marker="braille")
        if result.suggestion is not None and result.suggestion_index is not None:
            point = result.smoothed[result.suggestion_index]
            plt.scatter([math.log10(result.suggestion)], [point], marker="●", color="red")
        plt.title(
            "smoothed loss vs log10(lr); ● the suggestion "
            "(as fastai: first 10% and last 5 points not drawn)"
        )
        plt.xlabel("log10(lr)")
        self.refresh()
