"""Every use of plotext's and textual-plotext's private parts, in one place.

plotext 5 offers a figure only as one ANSI string (``build()``), which it assembles cell by
cell; ``PlotextPlot.render`` hands that to Rich to parse back into styled text, which Textual
converts again. Drawing a figure that way was the largest part of a frame during a run, so
``figure_strips`` takes plotext's own character and colour matrices and makes Textual strips
of them directly. That needs, from plotext 5.2/5.3 (pinned ``plotext>=5.2.8,<6``):

- ``Figure._set_size``, ``_set_sizes`` and ``_build_matrix``: the steps ``build()`` takes
  before it writes the string;
- ``Figure.monitor.matrix``: ``Rows``, ``marker``, ``fullground``, ``style``, ``background``;
- ``plotext._utility.colors_to_ansi``: the escape codes of one colour triple;

and from textual-plotext 1.0 ``PlotextPlot._get_plotext_theme_name`` (the theme it would use).
``tests/test_plotext_adapter.py`` checks that these strips equal ``PlotextPlot``'s own
rendering, cell by cell and style by style, so a change in either package shows up there
first. docs/plotext6.md says what moving to plotext 6 would take.
"""

from __future__ import annotations

from typing import Any

from plotext import _utility as plotext_utility
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot

_styles: dict[Any, Style] = {}
_console: Console | None = None


def figure_strips(widget: PlotextPlot, width: int, height: int) -> list[Strip]:
    """The widget's figure at ``width`` x ``height`` cells, one strip per row, top first.

    The same figure ``PlotextPlot.render`` would show; plotext's exceptions pass through.
    """
    plot = widget.plt
    plot.plotsize(width, height)
    plot._set_size(width, height)  # as PlotextPlot.render does (textual-plotext #5)
    plot.theme(widget._get_plotext_theme_name(widget.app.theme))
    plot._set_sizes()
    plot._build_matrix()
    return _matrix_strips(plot.monitor.matrix, width)


def figure_title(widget: PlotextPlot) -> str:
    """The title set with ``widget.plt.title(...)`` ("" for none)."""
    return widget.plt.monitor.title or ""


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


def _style(fullground: Any, style: Any, background: Any) -> Style:
    """The Rich style of one plotext colour triple (the same ANSI plotext would write)."""
    global _console
    key = repr((fullground, style, background))
    found = _styles.get(key)
    if found is None:
        if _console is None:
            _console = Console(color_system="truecolor", legacy_windows=False)
        ansi = plotext_utility.colors_to_ansi(fullground, style, background)
        text = Text.from_ansi(f"{ansi}x")
        found = text.get_style_at_offset(_console, 0) if text.spans else Style.null()
        _styles[key] = found
    return found
