"""Each parameter's value and ``.grad`` at the step on screen: cheap to redraw, never cut.

The numbers are the snapshot's (Python numbers from torch's ``tolist()``), written with 6
significant digits as ``engine.expr.values.format_value`` writes them; a vector shows its first
items and ``…``. ``arrange`` lays them out for a width, whole numbers only: three columns
(``param  value  .grad``), then without the ``param`` label; when those do not fit, fewer
significant digits (5, 4, 3); then each parameter on two lines (``a = …`` over
``a.grad = …``). The panel's subtitle says when digits were dropped or lines stacked, and
"too narrow" when nothing fits. A number never shows cut.

``ParamsTable`` draws the arranged lines straight into strips (one segment a line), kept
until the numbers or the size change: a frame of a run costs a few string formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gradtui.safe_text import clean

DIGITS = (6, 5, 4, 3)  # significant digits, most first
VECTOR_ITEMS = 6  # a vector shows at most this many items, then "…"
LABELS = ("param", "value", ".grad")
GAP = "  "  # between columns (and one blank before the first)
# The layouts tried, best first: columns with the "param" label, then without it, at each
# number of digits; then stacked. Each is (stacked, digits, label).
CANDIDATES = (
    *((False, d, label) for d in DIGITS for label in (True, False)),
    *((True, d, False) for d in DIGITS),
)

Row = tuple[str, Any, Any]  # name, value, grad (a number, a list of them, or None)


@dataclass(frozen=True)
class Layout:
    """Lines that fit a width: ``(text, kind)`` with kind ``header``, ``even`` or ``odd``.

    ``rank`` is the index of its kind in ``CANDIDATES`` (-1: nothing fits); ``widths`` are
    the columns' text widths (columns only).
    """

    lines: tuple[tuple[str, str], ...]
    rank: int = 0
    widths: tuple[int, ...] = ()

    @property
    def digits(self) -> int:
        """Significant digits of the numbers shown."""
        return CANDIDATES[self.rank][1] if self.rank >= 0 else 0

    @property
    def stacked(self) -> bool:
        """True when each parameter takes two lines (``a = …`` over ``a.grad = …``)."""
        return self.rank >= 0 and CANDIDATES[self.rank][0]

    @property
    def notes(self) -> tuple[str, ...]:
        """What the panel's subtitle says about the layout, longest first ("" for the full
        one): the panel shows the longest that fits its border."""
        if self.rank < 0:
            return ("too narrow for the numbers", "too narrow: widen", "too narrow")
        digits = self.digits
        if self.stacked:
            return (
                f"stacked to fit, {digits} significant digits",
                f"stacked, {digits} significant digits",
                f"stacked, {digits} digits",
                f"{digits} digits",
            )
        if digits < DIGITS[0]:
            return (
                f"{digits} significant digits to fit",
                f"{digits} digits to fit",
                f"{digits} digits",
            )
        return ("",)


def number(value: Any, digits: int) -> str:
    """``value`` with ``digits`` significant digits, as ``format_value`` writes 6 of them.

    With fewer digits a big number is written whole when that is shorter than its exponent
    form (``-23140``, not ``-2.314e+04``): it is the same rounding.
    """
    if value is None:
        return "None"
    if isinstance(value, list):
        return vector(value, digits, 10**6) or ""
    text = f"{value:.{digits}g}"
    if digits < DIGITS[0] and "e+" in text:
        whole = f"{float(text):.0f}"
        return whole if len(whole) <= len(text) else text
    return text


def vector(values: list[Any], digits: int, width: int) -> str | None:
    """As many items as fit ``width`` (at most ``VECTOR_ITEMS``), then ``…``; None if none."""
    items = [number(v, digits) for v in values[:VECTOR_ITEMS]]
    for count in range(len(items), 0, -1):
        more = ", …" if len(values) > count else ""
        text = f"[{', '.join(items[:count])}{more}]"
        if cell_len(text) <= width:
            return text
    return "[]" if not values and width >= 2 else None


def cell(value: Any, digits: int, width: int) -> str | None:
    """``value`` written to fit ``width`` cells, or None when it cannot be without cutting."""
    if isinstance(value, list):
        return vector(value, digits, width)
    text = number(value, digits)
    return text if cell_len(text) <= width else None


def _narrowest(value: Any, digits: int) -> int:
    """The fewest cells ``value`` can take whole (a vector: its first item and ``…``)."""
    full = number(value, digits)
    if isinstance(value, list) and len(value) > 1:
        return min(cell_len(full), cell_len(f"[{number(value[0], digits)}, …]"))
    return cell_len(full)


def arrange(rows: Sequence[Row], width: int, floor: Layout | None = None) -> Layout:
    """The lines of ``rows`` in ``width`` cells: the first of ``CANDIDATES`` that fits.

    ``floor`` (the layout on screen during a run) keeps columns from narrowing and digits
    from coming back, so the numbers do not jump about from frame to frame.
    """
    if not rows:
        return Layout(((_line(LABELS, _label_widths(True), width), "header"),))
    start = floor.rank if floor is not None and floor.rank >= 0 else 0
    for rank in range(start, len(CANDIDATES)):
        stacked, digits, label = CANDIDATES[rank]
        if stacked:
            layout = _stacked(rows, digits, width)
        else:
            keep = floor.widths if floor is not None and floor.rank == rank else None
            layout = _columns(rows, digits, label, width, keep) if keep else None
            layout = layout or _columns(rows, digits, label, width, None)
        if layout is not None:
            return replace(layout, rank=rank)
    names = (set_cell_size(" " + name, width) for name, *_ in rows)
    return Layout(tuple((text, _kind(i)) for i, text in enumerate(names)), rank=-1)


def _kind(index: int) -> str:
    """Zebra stripes, as a DataTable draws them: the first row (index 0, even) striped."""
    return "odd" if index % 2 else "even"


def _label_widths(label: bool) -> list[int]:
    return [cell_len(text) if label or i else 0 for i, text in enumerate(LABELS)]


def _columns(
    rows: Sequence[Row], digits: int, label: bool, width: int, floor: tuple[int, ...] | None
) -> Layout | None:
    """Three columns, or None when they do not fit. A vector's column takes what is left."""
    least = _label_widths(label)
    most = list(least)
    for name, *values in rows:
        least[0] = most[0] = max(least[0], cell_len(name))
        for i, value in enumerate(values, 1):
            least[i] = max(least[i], _narrowest(value, digits))
            most[i] = max(most[i], cell_len(number(value, digits)))
    if floor is not None:
        least = [max(a, b) for a, b in zip(least, floor, strict=True)]
        most = [max(a, b) for a, b in zip(most, floor, strict=True)]
    spare = width - sum(least) - len(GAP) * len(LABELS) + 1
    if spare < 0:
        return None
    widths = list(least)
    for i, share in ((1, spare // 2), (2, spare - spare // 2), (1, spare)):
        grow = min(share, spare, most[i] - widths[i])  # vectors share what is left
        widths[i] += grow
        spare -= grow
    labels = LABELS if label else ("", *LABELS[1:])
    lines = [(_line(labels, widths, width), "header")]
    for index, (name, *values) in enumerate(rows):
        texts = [cell(value, digits, widths[i]) for i, value in enumerate(values, 1)]
        if None in texts:
            return None
        lines.append((_line([name, *texts], widths, width), _kind(index)))
    return Layout(tuple(lines), widths=tuple(widths))


def _stacked(rows: Sequence[Row], digits: int, width: int) -> Layout | None:
    """``a = value`` over ``a.grad = grad`` for each parameter, or None if they do not fit."""
    labels = [(name, f"{name}.grad") for name, *_ in rows]
    label_width = max(cell_len(text) for pair in labels for text in pair)
    room = width - 1 - label_width - len(" = ")
    lines = []
    for index, ((_, value, grad), pair) in enumerate(zip(rows, labels, strict=True)):
        for label, item in zip(pair, (value, grad), strict=True):
            text = cell(item, digits, room) if room > 0 else None
            if text is None:
                return None
            line = " " + set_cell_size(label, label_width) + " = " + text
            lines.append((set_cell_size(line, width), _kind(index)))
    return Layout(tuple(lines))


def _line(texts: Sequence[str], widths: Sequence[int], width: int) -> str:
    """One blank, then the columns ``GAP`` apart, padded (or cut: only blanks) to ``width``."""
    cells = [set_cell_size(text, w) for text, w in zip(texts, widths, strict=True)]
    return set_cell_size(" " + GAP.join(cells), width)


class ParamsTable(ScrollView, can_focus=False):
    """A row per parameter: its value now and the ``.grad`` at that value, as torch holds it.

    Plain text only (a parameter's name comes from what the learner typed). It scrolls when
    there are more lines than fit; it can take focus only then.
    """

    COMPONENT_CLASSES = {"params-table--header", "params-table--even"}
    DEFAULT_CSS = """
    ParamsTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .params-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .params-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .params-table--even { background: $surface-lighten-1 50%; }
        &:dark > .params-table--even { background: $surface-darken-1 40%; }
    }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.rows: tuple[Row, ...] = ()
        self.arranged: Layout = arrange((), 0)
        self._live = False
        self._row_styles: dict[str, Style] | None = None
        self._strips: list[Strip] | None = None

    def show(self, params: dict[str, Any], grads: dict[str, Any], shrink: bool = True) -> None:
        """Show these values and grads. ``shrink=False`` (while a run goes) keeps columns from
        narrowing and digits from coming back: the numbers stay put from frame to frame."""
        rows = tuple((_name(name), value, grads.get(name)) for name, value in params.items())
        if rows == self.rows and shrink != self._live:
            return
        self.rows, self._live = rows, not shrink
        self._arrange()

    def on_resize(self, event: Resize) -> None:
        self._arrange()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_styles = self._strips = None

    def _arrange(self) -> None:
        width, height = self.content_size
        if width <= 0:  # not laid out yet: on_resize arranges
            return
        floor = self.arranged if self._live and self.rows else None
        layout = arrange(self.rows, width, floor)
        if len(layout.lines) > height > 0:  # a scrollbar takes a column
            width = max(0, width - self.styles.scrollbar_size_vertical)
            layout = arrange(self.rows, width, floor)
        room = self.outer_size.width - 6  # the border's corners, a dash and a blank a side
        note = next((text for text in layout.notes if len(text) <= room), layout.notes[-1])
        if self.border_subtitle != note:
            self.border_subtitle = note
        if layout == self.arranged:
            return
        self.arranged, self._strips = layout, None
        self.can_focus = len(layout.lines) > height
        size = Size(width, len(layout.lines))
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._make_strips()
        y += self.scroll_offset.y
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _make_strips(self) -> list[Strip]:
        if self._row_styles is None:
            base = self.rich_style
            self._row_styles = {
                "header": base + self.get_component_styles("params-table--header").rich_style,
                "even": base + self.get_component_styles("params-table--even").rich_style,
                "odd": base,
            }
        styles = self._row_styles
        lines = self.arranged.lines
        return [Strip([Segment(text, styles[kind])], cell_len(text)) for text, kind in lines]


def _name(name: str) -> str:
    """A parameter's name as a cell shows it: one line, no control characters (names are
    identifiers today; the table must not depend on where they were checked)."""
    return clean(name, one_line=True)
