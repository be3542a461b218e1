"""A plotext plot that never takes the app down when plotext cannot draw its data."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot


class SafePlot(PlotextPlot):
    """``PlotextPlot`` whose render falls back to a note when plotext fails.

    plotext raises from inside Textual's render (so the whole app would stop) on numbers
    out of its range, such as a curve around x = -1e30 whose loss overflowed.
    """

    def render(self) -> RenderResult:
        try:
            return super().render()
        except Exception:  # plotext's own failures are never worth a crash
            return Text("(this plot cannot be drawn: its numbers are out of range)", style="dim")
