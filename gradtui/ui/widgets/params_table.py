"""Each parameter's value and grad at the current step."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.widgets import DataTable

from gradtui.engine.report import format_value

NUMBER_WIDTH = 12  # the widest number format_value writes (6 significant digits, float32)
COLUMNS = (("param", "param"), ("value", "value"), (".grad", "grad"))


class ParamsTable(DataTable):
    """A row per parameter: its value now and the .grad at that value.

    The columns have widths set here rather than measured by the table: its own measuring
    happens later, when idle, and a row drawn in between stayed cut to the old width.
    """

    _shown: list[tuple[str, str, str]] | None = None
    _widths: tuple[int, ...] = ()

    def on_mount(self) -> None:
        self.cursor_type = "none"
        self.zebra_stripes = True
        self._build([], tuple(cell_len(label) for label, _ in COLUMNS))

    def show(self, params: dict[str, Any], grads: dict[str, Any], shrink: bool = True) -> None:
        """Show these values and grads (cells change in place when the names stay the same).

        ``shrink=False`` (while a run goes) lets columns grow but never narrow: a new width
        means a layout pass of the whole screen, and digits come and go (1.5, 1.25, 1.125).
        """
        rows = [
            (name, format_value(value, 6), format_value(grads.get(name), 6))
            for name, value in params.items()
        ]
        fit = _fit(rows)
        if shrink:
            widths = fit
        else:  # a column that must grow grows at once to what any number takes
            widths = tuple(
                old if new <= old else max(new, NUMBER_WIDTH if i else new)
                for i, (old, new) in enumerate(zip(self._widths, fit, strict=True))
            )
        if rows == self._shown and widths == self._widths:
            return
        names = [str(key.value) for key in self.rows]
        if widths == self._widths and names == [name for name, *_ in rows]:
            for name, value, grad in rows:  # during a run: new digits in place
                self.update_cell(name, "value", value)
                self.update_cell(name, "grad", grad)
        else:
            self._build(rows, widths)
        self._shown = rows

    def _build(self, rows: list[tuple[str, str, str]], widths: tuple[int, ...]) -> None:
        self.clear(columns=True)
        for (label, key), width in zip(COLUMNS, widths, strict=True):
            self.add_column(label, key=key, width=width)
        for row in rows:
            self.add_row(*row, key=row[0])
        self._widths = widths


def _fit(rows: list[tuple[str, str, str]]) -> tuple[int, ...]:
    """Each column's width for these rows and its label."""
    return tuple(
        max([cell_len(label), *(cell_len(row[i]) for row in rows)])
        for i, (label, _) in enumerate(COLUMNS)
    )
