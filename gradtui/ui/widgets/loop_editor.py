"""The loop playground's editor: a code editor with line numbers that marks the line that
just ran (and the line of an error), without moving the learner's cursor."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import TextArea

RUN_LINE = Style(bgcolor="#2f4f6f", bold=True)
ERROR_LINE = Style(bgcolor="#7a1f1f", bold=True)


def _keys(binding: object) -> set[str]:
    key = getattr(binding, "key", "")
    return set(key.split(",")) if isinstance(key, str) else set()


def python_language(editor: TextArea) -> str | None:
    """'python' when this Textual can highlight it (tree-sitter and its Python grammar are
    installed), else None: plain text."""
    return "python" if "python" in editor.available_languages else None


class LoopEditor(TextArea, inherit_bindings=False):
    """Python code with line numbers; ``mark(line, error)`` highlights one line (1-based).

    TextArea's f6 (select line) and f7 (select all: ctrl+a's neighbour) are left out: the
    playgrounds' F-keys step and reset the run from the editor.
    """

    BINDINGS = [b for b in TextArea.BINDINGS if _keys(b) & {"f6", "f7"} == set()]
    DEFAULT_CSS = """
    LoopEditor { height: 1fr; }
    """

    def __init__(self, text: str = "", *, id: str | None = None):
        super().__init__(
            text,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            theme="monokai",
            id=id,
        )
        self.indent_type = "spaces"
        self.indent_width = 4
        self.marked = 0  # the line highlighted (1-based), 0 for none
        self.marked_error = False

    def on_mount(self) -> None:
        self.language = python_language(self)
        self.move_cursor((0, 0))

    def mark(self, line: int, error: bool = False) -> None:
        """Highlight ``line`` (1-based; 0 clears), red for an error, and scroll to it."""
        if (line, error) == (self.marked, self.marked_error):
            return
        self.marked, self.marked_error = line, error
        self._line_cache.clear()
        self.refresh()
        if line > 0:
            top, height = int(self.scroll_y), self.scrollable_content_region.height
            if not top <= line - 1 < top + max(1, height):
                self.scroll_to(y=max(0, line - 1 - height // 3), animate=False)

    def get_line(self, line_index: int) -> Text:
        """The line as Textual draws it, with the run's (or the error's) highlight."""
        line = super().get_line(line_index)
        if self.marked and line_index == self.marked - 1:
            line.stylize(ERROR_LINE if self.marked_error else RUN_LINE)
        return line
