"""A code task's reference program, over the lesson, read-only: the learner's own code and
panels stay as they were beneath it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from gradtui.safe_text import clean, plain
from gradtui.ui.widgets.loop_editor import LoopEditor


class SolutionScreen(ModalScreen[None]):
    """The reference solution of a code task, coloured as in the editor; escape or v closes."""

    BINDINGS = [Binding("escape,v,q", "app.pop_screen", "Close")]
    DEFAULT_CSS = """
    SolutionScreen { align: center middle; }
    SolutionScreen > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $success; background: $surface;
    }
    SolutionScreen LoopEditor, SolutionScreen LoopEditor:focus {
        height: auto; max-height: 36; border: none; padding: 0 1;
    }
    SolutionScreen #solution-note { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, title: str, code: str):
        super().__init__()
        self.title_text = clean(title, one_line=True)  # from the lesson file
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"reference solution · {self.title_text}"
            box.border_subtitle = "escape or v: back to your code"
            editor = LoopEditor(self.code.strip("\n"), id="solution-code")
            editor.read_only = True
            yield editor
            note = "read only: the lesson's program, which passes this task's check"
            yield Static(plain(note), id="solution-note")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()  # the arrows and the page keys scroll it
