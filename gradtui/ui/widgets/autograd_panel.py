"""The seed's autograd steps as code lines with torch's own outputs beneath them."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class AutogradPanel(Static):
    """Shows ``lines`` [(code, output)] like a Python session; ``error`` after a failure."""

    # A layout pass re-renders the whole screen, so it is asked for only when the text's shape
    # (and so maybe the panel's height) changes, not for new digits while a run is going.
    lines: reactive[tuple[tuple[str, str], ...]] = reactive(tuple)
    error: reactive[str] = reactive("", layout=True)
    loading: reactive[bool] = reactive(True, layout=True)

    def watch_lines(
        self, old: tuple[tuple[str, str], ...], new: tuple[tuple[str, str], ...]
    ) -> None:
        if _shape(old) != _shape(new):
            self.refresh(layout=True)

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


def _shape(lines: tuple[tuple[str, str], ...]) -> list[tuple[int, list[int]]]:
    """The lengths of every line: the same shape wraps to the same height."""
    return [(len(code), [len(line) for line in output.split("\n")]) for code, output in lines]
