"""Code blocks and tables in a lesson's prose, every character shown in a narrow pane.

Textual's ``MarkdownFence`` draws a long line on one row and scrolls it sideways, with no
scrollbar and no key to do it: the end of a line (often the very call being taught,
``.requires_grad_()``) was simply not there. Here a line wider than the pane goes on in the
rows below it, each marked ``↪``. Textual's table shrank its columns unevenly and cut words
short (``zero…``, ``x.gr…``); here the columns share the width as Rich shares a table's, and
a word wider than its column folds onto the next row of its cell.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static
from textual.widgets._markdown import (
    MarkdownBlock,
    MarkdownFence,
    MarkdownTable,
    MarkdownTableContent,
)

CONTINUATION = "↪ "
# Where a line may be cut when it must be: after a space, a comma, an opening bracket or an
# operator, or before the dot of an attribute (x.grad): what comes next reads as the same
# expression going on. A cut that would leave only a few characters for the next row is
# passed over for an earlier one.
BREAK_AFTER = " ,([{=+-*/"
SHORTEST_REST = 4


def _soft_cuts(line: str, start: int, end: int) -> list[int]:
    cuts = [i + 1 for i in range(start, end) if line[i] in BREAK_AFTER and _splits(line, i + 1)]
    cuts += [
        i
        for i in range(start + 1, end + 1)
        if i < len(line) - 1 and line[i] == "." and (line[i + 1].isalpha() or line[i + 1] == "_")
    ]
    return sorted(c for c in cuts if start < c <= end)


def _splits(line: str, cut: int) -> bool:
    """False where a cut would split one token: ``**``, ``-=``, ``==``, or ``1e-5``."""
    before, after = line[cut - 1], line[cut : cut + 1]
    if before in "*/=+-" and after and after in "*/=":
        return False
    number = line[max(0, cut - 3) : cut - 1]
    return not (before in "+-" and len(number) == 2 and number[0].isdigit() and number[1] in "eE")


def wrap_points(line: str, width: int, indent: int) -> list[int]:
    """Where to cut ``line`` (character offsets) so that the first row fits ``width`` cells
    and each later one fits ``width - indent``: at the last soft cut (see ``BREAK_AFTER``) in
    the second half of the row, else at the width."""
    cuts: list[int] = []
    start, room = 0, max(1, width)
    while cell_len(line[start:]) > room:
        end, used = start, 0
        while end < len(line) and used + cell_len(line[end]) <= room:
            used += cell_len(line[end])
            end += 1
        end = max(end, start + 1)
        soft = _soft_cuts(line, start + room // 2, end)
        roomy = [c for c in soft if len(line) - c >= SHORTEST_REST]
        cut = (roomy or soft or [end])[-1]
        cuts.append(cut)
        start, room = cut, max(1, width - indent)
    return cuts


def wrap_code(code: Content, width: int) -> list[Content]:
    """The rows of ``code`` at ``width`` cells: a long line is cut (``wrap_points``) and each
    row after its first starts with the line's indentation and a dim ``↪``."""
    rows: list[Content] = []
    for line in code.split("\n", allow_blank=True):
        text = line.plain
        lead = text[: len(text) - len(text.lstrip(" "))]
        prefix = lead + CONTINUATION
        if cell_len(prefix) > width // 2:
            prefix = CONTINUATION
        pieces = line.divide(wrap_points(text, width, cell_len(prefix)))
        rows.append(pieces[0])
        marker = Content.assemble(prefix.removesuffix(CONTINUATION), (CONTINUATION, "dim"))
        rows.extend(marker + piece for piece in pieces[1:])
    return rows


class WrappedCode(Widget):
    """Highlighted code, folded to the widget's width (see ``wrap_code``)."""

    DEFAULT_CSS = """
    WrappedCode {
        width: 1fr;
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, code: Content, **kwargs) -> None:
        super().__init__(**kwargs)
        self.code = code

    def update(self, code: Content) -> None:
        """Show ``code`` instead."""
        self.code = code
        self.refresh(layout=True)

    def render(self) -> Content:
        return Content("\n").join(wrap_code(self.code, self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(wrap_code(self.code, width)) if width else 0

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width


class WrappedFence(MarkdownFence):
    """A fenced code block whose long lines fold (``↪``) instead of running off the pane."""

    DEFAULT_CSS = """
    WrappedFence {
        overflow: hidden hidden;
        & > WrappedCode {
            padding: 1 1;
        }
    }
    """

    @property
    def allow_horizontal_scroll(self) -> bool:
        return False

    def set_content(self, content: Content) -> None:
        self._content = content
        for code in self.query("#code-content").results(WrappedCode):
            code.update(content)

    def compose(self):
        yield WrappedCode(self._highlighted_code, id="code-content")


def column_widths(rows: list[list[str]], room: int) -> list[int] | None:
    """Text widths for a table's columns (``rows`` of cell texts, header first) in ``room``
    cells: every column's longest text if they all fit; else every column its longest word,
    and what is left shared among the columns that want more. None when even the longest
    words do not fit side by side."""
    count = max((len(row) for row in rows), default=0)
    columns = [[row[i] if i < len(row) else "" for row in rows] for i in range(count)]
    longest = [max(cell_len(text) for text in column) for column in columns]
    word = [
        max([cell_len(w) for text in column for w in text.split()] or [1]) for column in columns
    ]
    if sum(longest) <= room:
        return longest
    if sum(word) > room:
        return None
    more = _share(room - sum(word), [a - b for a, b in zip(longest, word, strict=True)])
    return [least + extra for least, extra in zip(word, more, strict=True)]


def _share(room: int, wants: list[int]) -> list[int]:
    """``room`` cells among columns that want ``wants``, smallest want first: each gets its
    want when that is at most twice an equal share of what is left, else the equal share."""
    given = [0] * len(wants)
    left = max(0, room)
    order = sorted(range(len(wants)), key=lambda i: wants[i])
    for place, i in enumerate(order):
        fair = left // (len(wants) - place)
        given[i] = min(wants[i], left) if wants[i] <= 2 * fair else fair
        left -= given[i]
    return given


def stacked(headers: list[Content], rows: list[list[Content]]) -> Content:
    """A table as one record per row, for a pane too narrow for its columns: a line per cell,
    ``header: cell``, the first in bold, a blank line between rows."""
    records = []
    for row in rows:
        lines = []
        for i, cell in enumerate(row):
            header = headers[i] if i < len(headers) else Content("")
            label = Content.assemble(header, ": ") if header.plain.strip() else Content("")
            line = Content.assemble(label.stylize("italic"), cell)
            lines.append(line.stylize("bold") if i == 0 else line)
        records.append(Content("\n").join(lines))
    return Content("\n\n").join(records)


class FittedTable(MarkdownTable):
    """A Markdown table whose columns share the pane's width (``column_widths``); where even
    the longest words do not fit side by side, the rows are shown as records (``stacked``)."""

    DEFAULT_CSS = """
    FittedTable {
        & > MarkdownTableContent > .cell, & > MarkdownTableContent > .header {
            text-overflow: fold;
        }
        & > .stacked {
            display: none;
            padding: 0 1;
            text-overflow: fold;
        }
        &.-stacked > MarkdownTableContent {
            display: none;
        }
        &.-stacked > .stacked {
            display: block;
        }
    }
    """

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static(stacked(self._headers, self._rows), classes="stacked")

    def on_resize(self) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """Size the grid's columns for the current width, or stack the rows."""
        count = len(self._headers)
        if not count:
            return
        texts = [[c.plain for c in self._headers], *[[c.plain for c in r] for r in self._rows]]
        # the keyline's two outer lines, one between columns, and each cell's padding of 1 + 1
        room = self.content_size.width - 2 - (count - 1) - 2 * count
        widths = column_widths(texts, room)
        self.set_class(widths is None, "-stacked")
        if widths is not None:
            for grid in self.query(MarkdownTableContent):
                grid.styles.grid_columns = " ".join(str(width + 2) for width in widths)


PROSE_BLOCKS: dict[str, type[MarkdownBlock]] = {
    "fence": WrappedFence,
    "code_block": WrappedFence,
    "table_open": FittedTable,
}
"""Markdown's block classes for code and tables, for a ``Markdown`` subclass's ``BLOCKS``
(the lesson's ``Prose``)."""
