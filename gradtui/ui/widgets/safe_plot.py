"""A plotext plot drawn straight into Textual strips, that never takes the app down.

``PlotextPlot.render`` asks plotext for its figure as one ANSI string (plotext builds it cell
by cell), which Rich then parses back into styled text and Textual converts again: three
passes over every cell, the largest part of a frame while a run goes. Here the cells of
plotext's own character and colour matrices become strips directly, with one style per
colour run, looked up in a cache.
"""

from __future__ import annotations

from typing import Any

from plotext import _utility as plotext_utility
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual_plotext import PlotextPlot

FAILED = "(this plot cannot be drawn: its numbers are out of range)"

_styles: dict[Any, Style] = {}


def _style(fullground: Any, style: Any, background: Any) -> Style:
    """The Rich style of one plotext colour triple (the same ANSI plotext would write)."""
    key = repr((fullground, style, background))
    found = _styles.get(key)
    if found is None:
        ansi = plotext_utility.colors_to_ansi(fullground, style, background)
        text = Text.from_ansi(f"{ansi}x")
        found = text.get_style_at_offset(_console(), 0) if text.spans else Style.null()
        _styles[key] = found
    return found


def _console():
    from rich.console import Console

    return Console(color_system="truecolor", legacy_windows=False)


class SafePlot(PlotextPlot):
    """``PlotextPlot`` rendered line by line; a note instead when plotext fails.

    plotext raises from inside the build on numbers out of its range, such as a curve around
    x = -1e30 whose loss overflowed; a crash there would stop the whole app.
    """

    _strips: list[Strip] | None = None
    _strips_size: Size | None = None

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
        plot = self._plot
        try:
            plot.plotsize(width, height)
            plot._set_size(width, height)  # as PlotextPlot.render does (textual-plotext #5)
            plot.theme(self._get_plotext_theme_name(self.app.theme))
            plot._set_sizes()
            plot._build_matrix()
            return _matrix_strips(plot.monitor.matrix, width)
        except Exception:  # plotext's own failures are never worth a crash
            return [Strip([Segment(FAILED[:width], Style(dim=True))])]


def _matrix_strips(matrix: Any, width: int) -> list[Strip]:
    """One strip per row of plotext's matrix, top row first (plotext stores rows bottom up)."""
    strips = []
    for row in reversed(matrix.Rows):
        markers = matrix.marker[row]
        fulls, styles, backs = matrix.fullground[row], matrix.style[row], matrix.background[row]
        segments = []
        start, cols = 0, len(markers)
        for col in range(1, cols + 1):
            if col == cols or (
                fulls[col] != fulls[start]
                or styles[col] != styles[start]
                or backs[col] != backs[start]
            ):
                style = _style(fulls[start], styles[start], backs[start])
                segments.append(Segment("".join(markers[start:col]), style))
                start = col
        strips.append(Strip(segments, cols).crop_extend(0, width, None))
    return strips
