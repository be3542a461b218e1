"""The loop playground's editor: Python code with line numbers and colours, which marks the
line that just ran (and the line of an error) without moving the learner's cursor.

The colours come from Pygments (which Textual already uses), one line at a time, in the
editor theme's colours: Textual's own highlighting needs tree-sitter and its grammars, which
gradtui does not install.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pygments.lexers.python import PythonLexer
from pygments.token import Comment, Keyword, Name, Number, Operator, String
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

from gradtui.safe_text import clean_pasted

RUN_LINE = Style(bgcolor="#2f4f6f", bold=True)
ERROR_LINE = Style(bgcolor="#7a1f1f", bold=True)
THEME = "monokai"
# Pygments' token types, most specific first, to the names of a TextArea theme's styles.
TOKEN_STYLES = (
    (Comment, "comment"),
    (String, "string"),
    (Number, "number"),
    (Keyword.Constant, "boolean"),
    (Keyword.Namespace, "include"),
    (Keyword, "keyword"),
    (Operator.Word, "keyword.operator"),
    (Name.Function, "function"),
    (Name.Class, "class"),
    (Name.Decorator, "function"),
    (Name.Builtin.Pseudo, "variable.builtin"),
    (Name.Builtin, "function.call"),
)
_LEXER = PythonLexer(stripnl=False, ensurenl=False)


def _keys(binding: object) -> set[str]:
    key = getattr(binding, "key", "")
    return set(key.split(",")) if isinstance(key, str) else set()


def _style_name(token: Any) -> str | None:
    for kind, name in TOKEN_STYLES:
        if token in kind:
            return name
    return None


@lru_cache(maxsize=4096)
def line_spans(line: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, style name) of each coloured token of one line of Python."""
    spans = []
    for start, token, value in _LEXER.get_tokens_unprocessed(line):
        name = _style_name(token)
        if name is not None and value:
            spans.append((start, start + len(value), name))
    return tuple(spans)


class LoopEditor(TextArea, inherit_bindings=False):
    """Python code with line numbers; ``mark(line, error)`` highlights one line (1-based).

    TextArea's f6 (select line) and f7 (select all: ctrl+a's neighbour) are left out: the
    playgrounds' F-keys step and reset the run from the editor.
    """

    BINDINGS = [
        *(b for b in TextArea.BINDINGS if _keys(b) & {"f6", "f7"} == set()),
        # The whole program: its start and end, and selecting up to them (all of it, from
        # either end), as in other editors; TextArea has no key for these.
        Binding("ctrl+home", "cursor_document_start", show=False),
        Binding("ctrl+end", "cursor_document_end", show=False),
        Binding("ctrl+shift+home", "cursor_document_start(True)", show=False),
        Binding("ctrl+shift+end", "cursor_document_end(True)", show=False),
    ]
    DEFAULT_CSS = """
    LoopEditor { height: 1fr; }
    """

    def __init__(self, text: str = "", *, id: str | None = None):
        super().__init__(
            text,
            soft_wrap=True,  # long lines (and comments) are never cut
            tab_behavior="indent",
            show_line_numbers=True,
            theme=THEME,
            id=id,
        )
        theme = TextAreaTheme.get_builtin_theme(THEME)
        self._syntax_styles = theme.syntax_styles if theme is not None else {}
        self.indent_type = "spaces"
        self.indent_width = 4
        self.marked = 0  # the line highlighted (1-based), 0 for none
        self.marked_error = False

    def on_mount(self) -> None:
        self.move_cursor((0, 0))

    async def _on_key(self, event: events.Key) -> None:
        """escape is left to the screen's binding, which leaves the editor (TextArea would
        move the focus on to the next widget: none when the panels are hidden, a panel
        otherwise)."""
        if event.key == "escape":
            event.prevent_default()  # not TextArea's own handler; the key goes on up

    def action_cursor_document_start(self, select: bool = False) -> None:
        """To the start of the program (``select``: selecting up to it)."""
        self.move_cursor((0, 0), select=select)

    def action_cursor_document_end(self, select: bool = False) -> None:
        """To the end of the program (``select``: selecting up to it)."""
        self.move_cursor(self.document.end, select=select)

    def _on_paste(self, event: events.Paste) -> None:
        """Pasted text goes in without control characters (a terminal would act on them)."""
        event.prevent_default()
        if not self.read_only:
            result = self.replace(clean_pasted(event.text), *self.selection)
            self.move_cursor(result.end_location)

    def mark(self, line: int, error: bool = False) -> None:
        """Highlight ``line`` (1-based; 0 clears), red for an error, and scroll to it."""
        if (line, error) == (self.marked, self.marked_error):
            return
        before = self.marked
        self.marked, self.marked_error = line, error
        self._line_cache.clear()  # its keys know nothing of the mark
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        row = self._row(line) if line > 0 else 0
        if line > 0 and not top <= row < top + max(1, height):
            self.scroll_to(y=max(0, row - height // 3), animate=False)
            self.refresh()
            return
        # Only the lines whose mark changed are drawn again (a step is one of many).
        self.refresh(*(self._rows(n, top) for n in {before, line} if 0 < n <= self.line_count))

    def _row(self, line: int) -> int:
        """The screen row (in the document, soft wrapping counted) where ``line`` starts."""
        return self.wrapped_document.location_to_offset((line - 1, 0)).y

    def _rows(self, line: int, top: int) -> Region:
        """The rows ``line`` takes on screen, from the editor's top."""
        wraps = len(self.wrapped_document.get_offsets(line - 1))
        return Region(0, self._row(line) - top, self.size.width, wraps + 1)

    @property
    def line_count(self) -> int:
        """The number of lines of code."""
        return self.document.line_count

    def get_line(self, line_index: int) -> Text:
        """The line as Textual draws it, with the run's (or the error's) highlight."""
        line = super().get_line(line_index)
        styles = self._syntax_styles
        for start, end, name in line_spans(line.plain):
            if (style := styles.get(name)) is not None:
                line.stylize(style, start, end)
        if self.marked and line_index == self.marked - 1:
            line.stylize(ERROR_LINE if self.marked_error else RUN_LINE)
        return line
