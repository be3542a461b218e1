"""Each parameter's value and grad at the current step."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from gradtui.engine.report import format_value

NUMBER_WIDTH = 12  # the widest number format_value writes (6 significant digits, float32)


class ParamsTable(DataTable):
    """A row per parameter: its value now and the .grad at that value."""

    _shown: list[tuple[str, str, str]] | None = None
    _padded = False  # a run widened a column with spaces: the next full update trims them

    def on_mount(self) -> None:
        self.cursor_type = "none"
        self.zebra_stripes = True
        self.add_column("param", key="param")
        self.add_column("value", key="value")
        self.add_column(".grad", key="grad")

    def show(self, params: dict[str, Any], grads: dict[str, Any], shrink: bool = True) -> None:
        """Show these values and grads (cells change in place when the names stay the same).

        ``shrink=False`` (while a run goes) lets columns grow but never narrow.
        """
        rows = [
            (name, format_value(value, 6), format_value(grads.get(name), 6))
            for name, value in params.items()
        ]
        if rows == self._shown and not (shrink and self._padded):
            return
        keys = [str(key.value) for key in self.rows]
        if keys == [name for name, *_ in rows]:  # during a run: new digits in place
            for name, value, grad in rows:
                self._update(name, "value", value, shrink)
                self._update(name, "grad", grad, shrink)
        else:
            self.clear()
            for row in rows:
                self.add_row(*row, key=row[0])
        self._shown = rows
        if shrink:
            self._padded = False

    def _update(self, row: str, column: str, text: str, shrink: bool) -> None:
        # A new width means a layout pass of the whole screen: during a run, digits that come
        # and go (1.5, 1.25, 1.125) would ask for one each time.
        wider = cell_len(text) > self.columns[ColumnKey(column)].content_width
        if wider and not shrink:  # grow once to what any number takes: -1.23457e-05
            text = text.ljust(NUMBER_WIDTH)
            self._padded = True
        self.update_cell(row, column, text, update_width=shrink or wider)
