"""Seconds per gradient against the number of parameters: backward() vs finite differences."""

from __future__ import annotations

import math

from textual.reactive import reactive

from gradtui.engine.autograd.finite_diff import TimingPoint
from gradtui.ui.widgets.safe_plot import SafePlot


class TimingPlot(SafePlot):
    """log10(seconds) against log10(parameters), on linear axes (plotext's log axis breaks)."""

    points: reactive[tuple[TimingPoint, ...]] = reactive((), always_update=True)
    note: reactive[str] = reactive("")

    def watch_points(self) -> None:
        self.replot()

    def watch_note(self) -> None:
        self.replot()

    def replot(self) -> None:
        """Rebuild the figure from ``points``."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        points = self.points
        if not points:
            plt.title(self.note or "no timings yet")
            self.refresh()
            return
        xs = [math.log10(p.n) for p in points]
        plt.plot(xs, [math.log10(p.backward) for p in points], marker="braille", label="backward()")
        measured = [p for p in points if not p.extrapolated]
        if measured:
            plt.plot(
                [math.log10(p.n) for p in measured],
                [math.log10(p.finite) for p in measured],
                marker="braille",
                label="finite differences",
            )
        guessed = [p for p in points if p.extrapolated]
        if guessed:
            plt.scatter(
                [math.log10(p.n) for p in guessed],
                [math.log10(p.finite) for p in guessed],
                marker="x",
                label="finite differences, scaled up from a sample",
            )
        ticks = list(range(0, 6))
        plt.xticks(ticks, [f"{10**t:,}" for t in ticks])
        plt.xlim(-0.2, 5.2)
        ys = [math.log10(v) for p in points for v in (p.backward, p.finite)]
        low, high = math.floor(min(ys)), math.ceil(max(ys))
        plt.yticks(list(range(low, high + 1)), [_duration(10.0**t) for t in range(low, high + 1)])
        plt.ylim(low, high)
        plt.xlabel("parameters (log scale)")
        plt.title(self.note or "seconds for one gradient")
        self.refresh()


def _duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:g} {unit}"
    return f"{seconds:g} s"
