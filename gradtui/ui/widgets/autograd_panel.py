"""The seed's autograd steps as code lines with torch's own outputs beneath them."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class AutogradPanel(Static):
    """Shows ``lines`` [(code, output)] like a Python session; ``error`` after a failure."""

    # A layout pass re-renders the whole screen, so it is asked for only when the panel's
    # height changes, not for new digits while a run is going.
    lines: reactive[tuple[tuple[str, str], ...]] = reactive(tuple)
    error: reactive[str] = reactive("", layout=True)
    loading: reactive[bool] = reactive(True, layout=True)

    # While a run goes the panel may keep a blank last line rather than shrink and grow back.
    grow_only = False

    def watch_lines(
        self, old: tuple[tuple[str, str], ...], new: tuple[tuple[str, str], ...]
    ) -> None:
        height = self._height(new)
        if height > self.content_region.height or (
            not self.grow_only and height != self._height(old)
        ):
            self.refresh(layout=True)

    def _height(self, lines: tuple[tuple[str, str], ...]) -> int:
        """Rows the text of ``lines`` wraps to at the panel's width now."""
        width = self.content_region.width
        if width <= 0:
            return -1  # not laid out yet: the layout pass will measure it
        text = _text(lines, self.error)
        return len(text.wrap(self.app.console, width))

    def render(self) -> Text:
        if self.loading:
            return Text("loading torch…", style="italic")
        return _text(self.lines, self.error)


def _text(lines: tuple[tuple[str, str], ...], error: str) -> Text:
    text = Text(overflow="fold")
    for code, output in lines:
        text.append(">>> ", style="dim")
        text.append(code + "\n", style="bold")
        if output:
            text.append(output + "\n")
    if error:
        text.append(error, style="bold red")
    return text
