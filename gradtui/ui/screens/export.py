"""The exported script, as saved and copied: plain PyTorch that reproduces the run."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from gradtui.safe_text import plain
from gradtui.ui.widgets.fitted_footer import FittedFooter


class ExportScreen(Screen):
    """Shows ``script`` and where it went; escape goes back."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    ExportScreen #export-where { height: auto; padding: 0 1; }
    ExportScreen VerticalScroll { height: 1fr; border: round $accent; }
    """

    def __init__(self, script: str, where: str):
        super().__init__()
        self.script = script
        self.where = where

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain(self.where), id="export-where")  # a folder name may hold "["
        with VerticalScroll(id="export-script"):
            yield Static(Syntax(self.script, "python", line_numbers=True, word_wrap=False))
        yield FittedFooter()

    def on_mount(self) -> None:
        self.sub_title = "export"
        self.query_one("#export-script").border_title = "plain PyTorch: the seven steps"
        self.query_one("#export-script").focus()
