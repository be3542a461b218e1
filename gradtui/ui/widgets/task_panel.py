"""A lesson task: the goal, a live ✗/✓, hints revealed one at a time, the solution."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, Static

from gradtui.curriculum.schema import ANSWER, CODE, MAX_ANSWER, Task
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

    def __init__(self, task: Task, number: int, count: int, answer: str = "", **kwargs):
        super().__init__(**kwargs)
        self.lesson_task = task
        self.number = number
        self.count = count
        self.answer = answer

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
        yield Static(self._hints_text(), id="hints")
        yield Static(self._solution_text(), id="solution")

    def watch_hints_shown(self) -> None:
        self._update_hints()

    def watch_solution_shown(self) -> None:
        self._update_solution()

    def _hints_text(self) -> Content:
        hints = self.lesson_task.hints[: self.hints_shown]
        lines = [f"hint {i}: {h}" for i, h in enumerate(hints, 1)]
        left = len(self.lesson_task.hints) - len(hints)
        if left:
            lines.append(f"({left} hint{'s' if left > 1 else ''} left: press h)")
        return plain("\n".join(lines))

    def _solution_text(self) -> Content:
        if not self.solution_shown:
            return plain("")
        solution = self.lesson_task.solution
        if CODE in solution:  # a code task: the reference program, as it would be typed
            return plain("reference solution:\n" + str(solution[CODE]).strip("\n"))
        parts = [f"{k} = {v!r}" for k, v in solution.items()]
        return plain("reference solution: " + ", ".join(parts))

    def _update_hints(self) -> None:
        for widget in self.query("#hints").results(Static):
            widget.update(self._hints_text())

    def _update_solution(self) -> None:
        for widget in self.query("#solution").results(Static):
            widget.update(self._solution_text())
