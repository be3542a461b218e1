"""Each parameter's value and grad at the current step."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from gradtui.engine.report import format_value


class ParamsTable(DataTable):
    """A row per parameter: its value now and the .grad at that value."""

    def on_mount(self) -> None:
        self.cursor_type = "none"
        self.zebra_stripes = True
        self.add_columns("param", "value", ".grad")

    def show(self, params: dict[str, Any], grads: dict[str, Any]) -> None:
        """Replace the rows with these values and grads."""
        self.clear()
        for name, value in params.items():
            self.add_row(name, format_value(value, 6), format_value(grads.get(name), 6))
