"""A lesson task: the goal, a live ✗/✓, hints revealed one at a time, the solution."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, Static

from gradtui.curriculum.schema import ANSWER, MAX_ANSWER, Task
from gradtui.safe_text import clean, plain


class TaskStatus(Static):
    """✓ or ✗ with what the check saw."""

    solved: reactive[bool] = reactive(False, layout=True)
    detail: reactive[str] = reactive("checking…", layout=True)

    def render(self) -> Text:
        text = Text()
        if self.solved:
            text.append(" ✓ solved ", style="bold reverse green")
        else:
            text.append(" ✗ not yet ", style="bold reverse")
        text.append(f"  {clean(self.detail)}")  # it may quote the typed answer
        return text


class TaskPanel(Vertical):
    """Shows one task; the screen sets ``hints_shown`` and ``solution_shown``.

    The goal, hints and solution come from the lesson file: they are shown as plain text.
    """

    hints_shown: reactive[int] = reactive(0)
    solution_shown: reactive[bool] = reactive(False)
    # A compact panel on a short terminal shows one hint, this one (1-based; 0: the latest),
    # and h brings back the others in turn once none is left (see ``next_hint``).
    one_hint: reactive[bool] = reactive(False)
    hint_on_view: reactive[int] = reactive(0)
    # The code editor has the focus: h and v are typed there, escape first leaves it.
    in_editor: reactive[bool] = reactive(False)

    def __init__(self, task: Task, number: int, count: int, answer: str = "", **kwargs):
        super().__init__(**kwargs)
        self.lesson_task = task
        self.number = number
        self.count = count
        self.answer = answer

    def on_mount(self) -> None:
        self._update_hints()
        self._update_solution()

    @property
    def compact(self) -> bool:
        """A code task's panel is kept short, as its editor needs the rows: what hints are
        left is said on its border, and the reference program opens on request (v)."""
        return self.lesson_task.is_code

    def compose(self) -> ComposeResult:
        heading = Content.styled(f"Task {self.number}/{self.count}", "bold")
        yield Static(heading + "  " + plain(self.lesson_task.goal), id="goal")
        yield TaskStatus(id="task-status")
        if ANSWER in self.lesson_task.editable:
            yield Input(
                self.answer,
                placeholder="a (or a click): type your answer; enter: back to the keys",
                id="answer",
                max_length=MAX_ANSWER,
                compact=True,
                select_on_focus=False,  # a digit that starts the answer is not overtyped
            )
        yield Static(id="hints")
        yield Static(id="solution")

    def watch_hints_shown(self) -> None:
        self._update_hints()

    def watch_solution_shown(self) -> None:
        self._update_solution()

    def watch_one_hint(self) -> None:
        self._update_hints()

    def watch_hint_on_view(self) -> None:
        self._update_hints()

    def watch_in_editor(self) -> None:
        self._border_cues()

    def show_hints_again(self) -> bool:
        """With one hint on view and every hint seen: the next one, round again. False when
        there is nothing else to show."""
        if not (self.one_hint and self.hints_shown > 1):
            return False
        now = self.hint_on_view or self.hints_shown
        self.hint_on_view = now % self.hints_shown + 1
        return True

    def _hints_text(self) -> Content:
        hints = self.lesson_task.hints[: self.hints_shown]
        lines = [f"hint {i}: {h}" for i, h in enumerate(hints, 1)]
        if self.one_hint and hints:
            shown = min(self.hint_on_view or len(hints), len(hints))
            lines = [f"hint {shown}/{len(self.lesson_task.hints)}: {hints[shown - 1]}"]
        left = len(self.lesson_task.hints) - len(hints)
        if left and not self.compact:
            lines.append(f"({left} hint{'s' if left > 1 else ''} left: press h)")
        return plain("\n".join(lines))

    def _solution_text(self) -> Content:
        if not self.solution_shown:
            return plain("")
        solution = self.lesson_task.solution
        if self.compact:  # a program: in its own view, over the panel (v)
            return plain("")
        parts = [f"{k} = {v!r}" for k, v in solution.items()]
        return plain("reference solution: " + ", ".join(parts))

    def _border_cues(self) -> None:
        """On a compact panel's border: the hints left and the solution, with their keys."""
        if not self.compact:
            return
        left = len(self.lesson_task.hints) - min(self.hints_shown, len(self.lesson_task.hints))
        cues = [f"h: hint ({left} left)"] if left else []
        if not left and self.one_hint and self.hints_shown > 1:
            cues.append("h: the hints again")
        if self.solution_shown:
            cues.append("v: reference solution")
        first = "esc, then " if cues and self.in_editor else ""
        self.border_subtitle = first + " · ".join(cues)

    def _update_hints(self) -> None:
        self._border_cues()
        for widget in self.query("#hints").results(Static):
            text = self._hints_text()
            widget.update(text)
            widget.display = bool(text)  # no blank row for no hints

    def _update_solution(self) -> None:
        self._border_cues()
        for widget in self.query("#solution").results(Static):
            text = self._solution_text()
            widget.update(text)
            widget.display = bool(text)
