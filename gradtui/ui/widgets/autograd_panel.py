"""The seed's autograd steps as code lines with torch's own outputs beneath them."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class AutogradPanel(Static):
    """Shows ``lines`` [(code, output)] like a Python session; ``error`` after a failure."""

    lines: reactive[tuple[tuple[str, str], ...]] = reactive(tuple, layout=True)
    error: reactive[str] = reactive("", layout=True)
    loading: reactive[bool] = reactive(True, layout=True)

    def render(self) -> Text:
        if self.loading:
            return Text("loading torch…", style="italic")
        text = Text(overflow="fold")
        for code, output in self.lines:
            text.append(">>> ", style="dim")
            text.append(code + "\n", style="bold")
            if output:
                text.append(output + "\n")
        if self.error:
            text.append(self.error, style="bold red")
        return text
