"""Each parameter's value and grad at the current step."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable


def _fmt(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, list):
        inner = ", ".join(_fmt(v) for v in value[:6])
        return f"[{inner}{', …' if len(value) > 6 else ''}]"
    return f"{value:.6g}"


class ParamsTable(DataTable):
    """A row per parameter: name, value, .grad (before the update of the shown step)."""

    def on_mount(self) -> None:
        self.cursor_type = "none"
        self.zebra_stripes = True
        self.add_columns("param", "value", ".grad")

    def show(self, params: dict[str, Any], grads: dict[str, Any]) -> None:
        """Replace the rows with these values and grads."""
        self.clear()
        for name, value in params.items():
            self.add_row(name, _fmt(value), _fmt(grads.get(name)))
