"""A lesson: the prose beside the playground, the task's goal with a live ✗/✓, hints, solution."""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Input
from textual.worker import get_current_worker

from gradtui.curriculum.checks import CheckCancelled, CheckResult, evaluate
from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.schema import ANSWER, CODE, Lesson
from gradtui.safe_text import clean
from gradtui.ui.screens.confirm import ConfirmScreen
from gradtui.ui.screens.playground_screen import LOOP_ONLY_KEYS, PlaygroundScreen
from gradtui.ui.widgets.images_view import ImagesView
from gradtui.ui.widgets.loop_view import LoopView
from gradtui.ui.widgets.playground_view import PlaygroundView
from gradtui.ui.widgets.prose import Prose
from gradtui.ui.widgets.settings_form import SettingsForm
from gradtui.ui.widgets.task_panel import TaskPanel, TaskStatus

CHECK_DELAY = 0.3


TASK = Binding.Group("Task", compact=True)
LESSON = Binding.Group("Lesson", compact=True)


class LessonScreen(PlaygroundScreen):
    """One lesson; ``n``/``p`` move between lessons, ``t``/``T`` between its tasks."""

    CSS_PATH = [
        "../widgets/playground_view.tcss",
        "../widgets/images_view.tcss",
        "../widgets/loop_view.tcss",
        "lesson.tcss",
    ]
    BINDINGS = [
        Binding("h", "hint", "Hint"),
        Binding("v", "solution", "Solution"),
        Binding("t", "task(1)", "Next task", group=TASK),
        Binding("T", "task(-1)", "Prev task", group=TASK),
        Binding("n", "lesson(1)", "Next lesson", group=LESSON),
        Binding("p", "lesson(-1)", "Prev lesson", group=LESSON),
        Binding("x", "reset_task", "Reset task"),
        Binding("escape", "back", "List"),
        *[
            b if b.description in ("Step", "Run/Pause") else replace(b, show=False)
            for b in PlaygroundScreen.KEYS
        ],
        *LOOP_ONLY_KEYS,  # a code task's loop playground (off for the other playgrounds)
    ]

    def __init__(self, lessons: list[Lesson], index: int, store: ProgressStore, task: int = -1):
        super().__init__()
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
        self._timer: Timer | None = None
        # What was saved for this task, checked once: values its fields refuse are dropped.
        self._restored = store.task_inputs(self.lesson.id, task, self.task)

    @property
    def task(self):
        return self.lesson.tasks[self.task_index]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lesson"):
            with VerticalScroll(id="prose"):
                yield Prose(self.lesson.body)
            with Vertical(id="work"):
                yield self._task_panel()
                yield self._new_playground_view()
        yield Footer(compact=True)

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
        return view(playground, self._fields(), id="playground")

    def _fields(self) -> tuple[str, ...]:
        return tuple(f for f in self.task.editable if f != ANSWER)

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

    def on_mount(self) -> None:
        self.sub_title = f"lesson {self.lesson.order}: {clean(self.lesson.title, one_line=True)}"
        self.store.set_current(self.lesson.id)
        # A typed-answer task starts in its field, so letters are the answer, not shortcuts.
        answers = self.query("#answer") or self.query("#loop-editor")
        self.set_focus(answers.first() if answers else None)
        self.watch(self.app, "torch_ready", lambda ready: ready and self._check(), init=True)

    # -- checking ----------------------------------------------------------------------------

    @on(SettingsForm.Changed)
    def _changed(self, event: SettingsForm.Changed) -> None:
        if event.errors:
            return
        inputs = {f: getattr(event.playground, f) for f in self._fields()}
        inputs.update(self._answer())
        self.store.set_inputs(self.lesson.id, self.task_index, inputs)
        self._schedule()

    @on(Input.Changed, "#answer")
    def _answered(self, event: Input.Changed) -> None:
        self.store.set_inputs(self.lesson.id, self.task_index, {ANSWER: event.value})
        self._schedule()

    @on(Input.Submitted, "#answer")
    def _answer_submitted(self) -> None:
        self.set_focus(None)  # enter leaves the field: the keys work again

    def _answer(self) -> dict[str, str]:
        fields = list(self.query("#answer").results(Input))
        return {ANSWER: fields[0].value} if fields else {}

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(CHECK_DELAY, self._check)

    def _check(self) -> None:
        if not self.app.torch_ready:
            return
        if self.task.is_code:  # judged when a run of the code ends: see _code_run_ended
            self._code_waiting()
            return
        view = self.query_one("#playground")
        self._run_check(self.task_index, view.playground, self._answer().get(ANSWER, ""))

    # -- a code task: the check judges the run on screen, when it ends ----------------------

    def on_loop_view_code_changed(self, event: LoopView.CodeChanged) -> None:
        self.store.set_inputs(self.lesson.id, self.task_index, {CODE: event.text})
        self._code_waiting()

    def on_loop_view_finished(self, event: LoopView.Finished) -> None:
        if event.stepper is None:
            self._checked(self.task_index, CheckResult(False, event.refusal.splitlines()[-1]))
        else:
            self._judge_run(self.task_index, event.stepper, event.text)

    def _code_waiting(self) -> None:
        if not self.store.is_solved(self.lesson.id, self.task_index):
            for status in self.query(TaskStatus).results(TaskStatus):
                status.detail = "run your code to the end (F5): the check reads what it leaves"

    @work(thread=True, exclusive=True, group="check")
    def _judge_run(self, task_index: int, stepper, text: str) -> None:
        from gradtui.curriculum.program_check import judge

        worker = get_current_worker()
        params = self.lesson.tasks[task_index].check.params
        if stepper.result is None:  # the run could not begin (its data is missing)
            result = CheckResult(False, stepper.failure or "the run did not end")
        else:
            try:  # a reference program to compare with stops with the worker
                result = judge(
                    params, stepper.run, stepper.result, text, lambda: worker.is_cancelled
                )
            except CheckCancelled:
                return
            except Exception as err:  # a bug in a check must not end the app: say it instead
                result = CheckResult(
                    False, f"the check could not run ({type(err).__name__}: {err})"
                )
        if not worker.is_cancelled:
            self.app.call_from_thread(self._checked, task_index, result)

    @work(thread=True, exclusive=True, group="check")
    def _run_check(self, task_index: int, playground, answer: str) -> None:
        worker = get_current_worker()
        check = self.lesson.tasks[task_index].check
        try:  # a newer check, leaving the lesson, or quitting stops it at its next step
            result = evaluate(check, playground, answer, lambda: worker.is_cancelled)
        except CheckCancelled:
            return
        except Exception as err:  # a bug in a check must not end the app: say it instead
            detail = f"the check could not run ({type(err).__name__}: {err})"
            self.app.call_from_thread(self.notify, detail, severity="error", timeout=8)
            result = CheckResult(False, detail)
        if not worker.is_cancelled:  # a newer check replaced this one
            self.app.call_from_thread(self._checked, task_index, result)

    def _checked(self, task_index: int, result: CheckResult) -> None:
        if task_index != self.task_index:
            return
        newly_solved = result.passed and not self.store.is_solved(self.lesson.id, task_index)
        if newly_solved:
            self.store.mark_solved(self.lesson.id, task_index)
        if not self.is_attached:  # the learner moved on (n, p, t) while the check ran
            return
        # The panel can be gone for a moment (the task being replaced, the app closing).
        for status in self.query(TaskStatus).results(TaskStatus):
            status.solved, status.detail = result.passed, result.detail
        if newly_solved:
            for panel in self.query(TaskPanel).results(TaskPanel):
                panel.solution_shown = True
            self.notify("Task solved! Press t for the next task, n for the next lesson.")

    # -- actions -----------------------------------------------------------------------------

    def action_hint(self) -> None:
        panel = self.query_one(TaskPanel)
        if panel.hints_shown >= len(self.task.hints):
            self.notify("no more hints: press v to see the solution", timeout=3)
            return
        panel.hints_shown = self.store.use_hint(self.lesson.id, self.task_index)

    def action_solution(self) -> None:
        if self.query_one(TaskPanel).solution_shown:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one(TaskPanel).solution_shown = True

        self.app.push_screen(ConfirmScreen("Show the reference solution for this task?"), answered)

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
        self.app.switch_screen(LessonScreen(self.lessons, index, self.store, task))
