"""A lesson: the prose beside the playground, the task's goal with a live ✗/✓, hints, solution."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Header, Input, Select, TextArea

from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.schema import ANSWER, CODE, Lesson
from gradtui.safe_text import clean
from gradtui.ui.key_commands import binding_commands
from gradtui.ui.screens.confirm import ConfirmScreen
from gradtui.ui.screens.playground_screen import LOOP_ONLY_KEYS, PlaygroundScreen
from gradtui.ui.screens.task_checking import TaskCheckingScreen
from gradtui.ui.widgets.fitted_footer import FittedFooter
from gradtui.ui.widgets.images_view import ImagesView
from gradtui.ui.widgets.loop_view import LoopView
from gradtui.ui.widgets.playground_view import PlaygroundView
from gradtui.ui.widgets.prose import Prose
from gradtui.ui.widgets.task_panel import TaskPanel

# A lesson's playground keeps its panels side by side (compact, all in view) down to this
# many columns; below, they stack and scroll as in a narrow sandbox.
COMPACT_BELOW = 60
# Below this many columns a code task opens with the prose hidden (F12 or z shows it): the
# editor and its panels need the width. The learner's own choice then holds from task to task.
PROSE_BESIDE_CODE = 100
# Below this many rows a code task's panel shows one hint at a time (h: the others), so that
# ten lines of code stay in view.
ONE_HINT_BELOW = 32


TASK = Binding.Group("Task", compact=True)
LESSON = Binding.Group("Lesson", compact=True)

# The playground keys a lesson lists in the command palette (with its own and a code task's).
RUN_ACTIONS = frozenset(
    {"playground('step')", "playground('run')", "playground('reset')", "playground('toggle_log')"}
)


class LessonScreen(TaskCheckingScreen):
    """One lesson; ``n``/``p`` move between lessons, ``t``/``T`` between its tasks."""

    AUTO_FOCUS = ""  # nothing focused (None would mean the app's "*"): the keys work at once
    CSS_PATH = [
        "../widgets/playground_view.tcss",
        "../widgets/images_view.tcss",
        "../widgets/loop_view.tcss",
        "lesson.tcss",
    ]
    BINDINGS = [
        # The run keys first: at 80 columns the Footer shows what fits, from the left.
        *[
            b if b.description in ("Step", "Run/Pause") else replace(b, show=False)
            for b in PlaygroundScreen.KEYS
        ],
        Binding("f12,z", "toggle_prose", "Prose"),  # works in the editor too (F12)
        *LOOP_ONLY_KEYS,  # a code task's loop playground (off for the other playgrounds)
        Binding("a", "answer", "Answer"),
        Binding("h", "hint", "Hint"),
        Binding("v", "solution", "Solution"),
        Binding("t", "task(1)", "Next task", group=TASK),
        Binding("T", "task(-1)", "Prev task", group=TASK),
        Binding("n", "lesson(1)", "Next lesson", group=LESSON),
        Binding("p", "lesson(-1)", "Prev lesson", group=LESSON),
        Binding("x", "reset_task", "Reset task"),
        Binding("escape", "back", "List"),
    ]

    # What acts while a code task's editor has the focus: its F-keys and F12 (the prose).
    EDITING_ACTIONS = frozenset({"loop", "toggle_prose"})

    def __init__(
        self,
        lessons: list[Lesson],
        index: int,
        store: ProgressStore,
        task: int = -1,
        prose: bool | None = None,
    ):
        """``prose``: the learner's choice to show (True) or hide the prose, kept from the
        screen before; None: shown, unless a code task is on a narrow terminal."""
        super().__init__()
        self.prose_choice = prose
        self.lessons = lessons
        self.index = index
        self.store = store
        self.lesson = lessons[index]
        if task < 0:  # resume at the first unsolved task
            unsolved = [
                i for i in range(len(self.lesson.tasks)) if not store.is_solved(self.lesson.id, i)
            ]
            task = unsolved[0] if unsolved else 0
        self.task_index = task
        self._timer = None
        self._result = None
        # What was saved for this task, checked once: values its fields refuse are dropped.
        self._restored = store.task_inputs(self.lesson.id, task, self.task)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lesson"):
            with VerticalScroll(id="prose"):
                yield Prose(self.lesson.body)
            with Vertical(id="work"):
                yield self._task_panel()
                yield self._new_playground_view()
        yield FittedFooter()

    def _new_playground_view(self) -> PlaygroundView | ImagesView | LoopView:
        """The sandbox's playground, the image classifier's for a task in mode images, or the
        loop playground with the learner's code for a code task.

        (Not ``_playground_view``: that is ``PlaygroundScreen``'s lookup of the mounted one,
        which c, f and o work on.)"""
        if self.task.is_code:
            code = self._restored.get(CODE, self.task.start_answer)
            return LoopView(code, self.task.inputs, id="playground")
        playground = self._playground()
        view = ImagesView if playground.mode == "images" else PlaygroundView
        widget = view(playground, self._fields(), id="playground")
        widget.live_changes = False  # the run on screen is always the one the check judges
        if isinstance(widget, PlaygroundView):  # beside the prose: every panel in view
            widget.narrow_below = COMPACT_BELOW
            widget.add_class("compact")
        if isinstance(widget, PlaygroundView) and playground.max_steps:
            widget.pace(playground.max_steps)
        return widget

    def _playground(self):
        return self.task.playground({k: v for k, v in self._restored.items() if k != ANSWER})

    def _task_panel(self) -> TaskPanel:
        panel = TaskPanel(
            self.task,
            self.task_index + 1,
            len(self.lesson.tasks),
            clean(self._restored.get(ANSWER, ""), one_line=True),  # the progress file's text
            id="task",
        )
        panel.hints_shown = self.store.hints_used(self.lesson.id, self.task_index)
        panel.solution_shown = self.store.is_solved(self.lesson.id, self.task_index)
        return panel

    def on_resize(self) -> None:
        self._place_prose()
        for panel in self.query(TaskPanel).results(TaskPanel):  # a short terminal: one hint
            panel.one_hint = panel.compact and self.size.height < ONE_HINT_BELOW

    def _place_prose(self) -> None:
        shown = self.prose_choice
        if shown is None:
            shown = not (self.task.is_code and self.size.width < PROSE_BESIDE_CODE)
        # (A key can come while the screen is being replaced: then there is nothing to place.)
        for pane in self.query("#lesson"):
            pane.set_class(not shown, "no-prose")

    def _focus_moved(self, focused: Widget | None) -> None:
        """The task panel's key cues say when the editor has the keys (escape first)."""
        for panel in self.query(TaskPanel).results(TaskPanel):
            panel.in_editor = isinstance(focused, TextArea)

    @property
    def focus_chain(self) -> list[Widget]:
        """Tab reaches the task's fields (its inputs, its answer, the code) before the panes
        that only scroll (the prose, the autograd panel): in the screen's order, three Tabs
        went by the scrolling panes before the one field of lesson 2."""
        chain = super().focus_chain
        fields = [w for w in chain if isinstance(w, Input | TextArea | Select | Checkbox)]
        return fields + [w for w in chain if w not in fields]

    @property
    def prose_shown(self) -> bool:
        """True when the lesson's prose is on screen beside the task."""
        return not any(pane.has_class("no-prose") for pane in self.query("#lesson"))

    def action_toggle_prose(self) -> None:
        """Show or hide the lesson's prose: hidden, the task has the whole width."""
        self.prose_choice = not self.prose_shown
        self._place_prose()

    def on_mount(self) -> None:
        self._place_prose()
        self.sub_title = f"lesson {self.lesson.order}: {clean(self.lesson.title, one_line=True)}"
        self.store.set_current(self.lesson.id)
        # A code task starts in its editor (its keys there are F-keys, shown in the Footer);
        # any other task starts with nothing focused, so the keys the prose names work at once.
        editors = self.query("#loop-editor")
        if editors:
            self.set_focus(editors.first())
            self.watch(self, "focused", self._focus_moved)
        self.watch(self.app, "torch_ready", lambda ready: ready and self._check(), init=True)

    # -- actions -----------------------------------------------------------------------------

    def commands(self) -> Iterable[SystemCommand]:
        """Command palette entries for the lesson's keys that are on now (a code task's run
        keys among them): the same words as the help, the key in brackets. Of the playground's
        keys, the run's own (the views have their entries in ``playground_commands``)."""
        views = {b.action for b in PlaygroundScreen.KEYS} - RUN_ACTIONS
        keys = [
            b
            for b in self.BINDINGS
            if isinstance(b, Binding) and b.key != "escape" and b.action not in views
        ]
        yield from binding_commands(self, keys)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``a`` is there only for a task with a typed answer."""
        if action == "answer":
            return bool(self.query("#answer"))
        return super().check_action(action, parameters)

    def action_answer(self) -> None:
        """Into the answer field (letters are then the answer, not keys; enter leaves)."""
        field = self.query_one("#answer", Input)
        if field.disabled:
            self.notify("solved: x resets the task to answer it again", timeout=3)
        else:
            self.set_focus(field)

    def on_key(self, event: events.Key) -> None:
        """A digit or a point typed outside any field starts the typed answer."""
        if event.character is None or event.character not in "0123456789.":
            return
        fields = list(self.query("#answer").results(Input))
        if fields and not fields[0].disabled and not isinstance(self.focused, Input):
            event.stop()
            self.set_focus(fields[0])
            fields[0].insert_text_at_cursor(event.character)

    def action_hint(self) -> None:
        panel = self.query_one(TaskPanel)
        if panel.hints_shown >= len(self.task.hints):
            if panel.show_hints_again():
                return
            self.notify("no more hints: press v to see the solution", timeout=3)
            return
        panel.hints_shown = self.store.use_hint(self.lesson.id, self.task_index)
        panel.hint_on_view = 0  # the new one

    def action_solution(self) -> None:
        """The reference solution, once asked (or once solved); a code task's program opens
        in its own view, over the lesson."""
        if self.query_one(TaskPanel).solution_shown:
            self._open_code_solution()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one(TaskPanel).solution_shown = True
                self._open_code_solution()

        self.app.push_screen(ConfirmScreen("Show the reference solution for this task?"), answered)

    def _open_code_solution(self) -> None:
        if self.task.is_code:
            from gradtui.ui.screens.solution import SolutionScreen

            title = f"task {self.task_index + 1}/{len(self.lesson.tasks)}"
            self.app.push_screen(SolutionScreen(title, str(self.task.solution[CODE])))

    def action_task(self, delta: int) -> None:
        new = self.task_index + delta
        if not 0 <= new < len(self.lesson.tasks):
            self.notify("no more tasks in this lesson: n for the next lesson", timeout=3)
            return
        self._switch(self.index, new)

    def action_lesson(self, delta: int) -> None:
        new = self.index + delta
        if not 0 <= new < len(self.lessons):
            self.notify("that was the last lesson" if delta > 0 else "this is the first lesson")
            return
        self._switch(new, 0)

    def action_reset_task(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.store.reset_task(self.lesson.id, self.task_index)
                self._switch(self.index, self.task_index)

        self.app.push_screen(ConfirmScreen("Reset this task: your inputs, hints and ✓?"), answered)

    def _switch(self, index: int, task: int) -> None:
        screen = LessonScreen(self.lessons, index, self.store, task, self.prose_choice)
        self.app.switch_screen(screen)
