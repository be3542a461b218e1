"""Each parameter's value and grad at the current step."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from gradtui.engine.report import format_value


class ParamsTable(DataTable):
    """A row per parameter: its value now and the .grad at that value."""

    _shown: list[tuple[str, str, str]] | None = None

    def on_mount(self) -> None:
        self.cursor_type = "none"
        self.zebra_stripes = True
        self.add_column("param", key="param")
        self.add_column("value", key="value")
        self.add_column(".grad", key="grad")

    def show(self, params: dict[str, Any], grads: dict[str, Any]) -> None:
        """Show these values and grads (cells change in place when the names stay the same)."""
        rows = [
            (name, format_value(value, 6), format_value(grads.get(name), 6))
            for name, value in params.items()
        ]
        if rows == self._shown:
            return
        keys = [str(key.value) for key in self.rows]
        if keys == [name for name, *_ in rows]:  # during a run: no re-layout, just new digits
            for name, value, grad in rows:
                self.update_cell(name, "value", value, update_width=True)
                self.update_cell(name, "grad", grad, update_width=True)
        else:
            self.clear()
            for row in rows:
                self.add_row(*row, key=row[0])
        self._shown = rows
