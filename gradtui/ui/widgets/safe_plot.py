"""A plotext plot drawn straight into Textual strips, that never takes the app down.

The strips come from ``plotext_adapter`` (the one module that touches plotext's internals).
When plotext fails, the plot shows a one-line note naming the error, and the traceback goes
to Textual's log (``textual console``, or the file named by ``TEXTUAL_LOG``), once per error.
"""

from __future__ import annotations

import textwrap
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import log
from textual.geometry import Size
from textual.strip import Strip
from textual_plotext import PlotextPlot

from gradtui.safe_text import clean
from gradtui.ui.widgets.plotext_adapter import figure_strips, figure_title

FAILED = "(this plot cannot be drawn: {error})"
SHORT = "(too little room to draw the plot: a taller window shows it)"


def failure_note(error: BaseException) -> str:
    """The note shown in place of a plot that plotext could not draw (one clean line)."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return FAILED.format(error=clean(text[:200], one_line=True))


class SafePlot(PlotextPlot):
    """``PlotextPlot`` rendered line by line; a note instead when plotext fails.

    plotext raises from inside the build on numbers out of its range, such as a curve around
    x = -1e30 whose loss overflowed; a crash there would stop the whole app.
    """

    # Fewer rows than this leave no room for the data between the title and the axes (plotext
    # then draws a scale of one row, upside down at five): the title and a note instead.
    MIN_ROWS: ClassVar[int] = 0
    # Words shown instead of a figure when there is nothing to plot, wrapped to the width
    # (plotext leaves out a title wider than the plot: a narrow panel would show no word).
    message: str | None = None
    _strips: list[Strip] | None = None
    _strips_size: Size | None = None
    _failure: str | None = None  # the last failure logged, so a run does not log every frame

    def refresh(self, *regions: Any, **kwargs: Any) -> Any:
        self._strips = None  # the figure changed (or was resized, or re-themed)
        return super().refresh(*regions, **kwargs)

    def render_line(self, y: int) -> Strip:
        size = self.content_region.size
        if self._strips is None or self._strips_size != size:
            self._strips, self._strips_size = self._build(size), size
        return self._strips[y] if y < len(self._strips) else Strip.blank(size.width)

    def _build(self, size: Size) -> list[Strip]:
        width, height = size
        if width <= 0 or height <= 0:
            return []
        if self.message is not None:
            lines = textwrap.wrap(clean(self.message, one_line=True), width)
            lines += [""] * (height - len(lines))
            style = self.rich_style  # the panel's own colours, as the figure's canvas
            return [Strip([Segment(line.ljust(width), style)]) for line in lines[:height]]
        if height < self.MIN_ROWS:
            title = figure_title(self)
            lines = [(title[:width], Style(bold=True))] if title else []
            lines += [(line, Style(dim=True)) for line in textwrap.wrap(SHORT, width)]
            return [Strip([Segment(text, style)]) for text, style in lines[:height]]
        try:
            strips = figure_strips(self, width, height)
        except Exception as error:  # plotext's own failures are never worth a crash
            note = failure_note(error)
            if note != self._failure:
                self._failure = note
                # textual's logger, not self.log: a plot's own `log` may be a reactive (LossPlot)
                log.error(f"{type(self).__name__}: {note}\n{_traceback(error)}")
            return [Strip([Segment(note[:width], Style(dim=True))])]
        self._failure = None
        return strips


def _traceback(error: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(error))
