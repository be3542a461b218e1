"""Checking a lesson's task while the learner works at it.

A change of the settings or the answer is checked after a short pause, in a thread worker
(a newer check, leaving the task or quitting stops the older one); a code task is judged when
a run of the learner's code ends. The ✓/✗ shows once the learner can see what the check saw:
a check that runs the playground waits until the run on screen has got as far.
"""

from __future__ import annotations

from textual import on, work
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from gradtui.curriculum.checks import CheckCancelled, CheckResult, evaluate
from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.schema import ANSWER, CODE, Lesson, Task
from gradtui.ui.screens.playground_screen import PlaygroundScreen
from gradtui.ui.widgets.images_view import ImagesView
from gradtui.ui.widgets.loop_view import LoopView
from gradtui.ui.widgets.playground_view import PlaygroundView
from gradtui.ui.widgets.run_view import RunView, SteppedView
from gradtui.ui.widgets.settings_form import SettingsForm
from gradtui.ui.widgets.task_panel import TaskPanel, TaskStatus

CHECK_DELAY = 0.3  # seconds after the last change before it is checked


class TaskCheckingScreen(PlaygroundScreen):
    """A playground screen whose task's check judges what the learner does there (the
    lesson screen). The subclass sets ``lesson``, ``store`` and ``task_index``."""

    lesson: Lesson
    store: ProgressStore
    task_index: int
    _timer: Timer | None = None
    # The latest check's result and the settings it judged, shown once the run on screen
    # has got as far as the check's run (see _seen).
    _result: tuple[CheckResult, object] | None = None

    @property
    def task(self) -> Task:
        return self.lesson.tasks[self.task_index]

    def _fields(self) -> tuple[str, ...]:
        """The task's editable settings (its answer apart)."""
        return tuple(f for f in self.task.editable if f != ANSWER)

    @on(SettingsForm.Changed)
    def _changed(self, event: SettingsForm.Changed) -> None:
        if event.errors:
            return
        view = self.query_one("#playground")
        if isinstance(view, PlaygroundView) and event.playground.max_steps:
            view.pace(event.playground.max_steps)  # more steps typed: a faster run
        inputs = {f: getattr(event.playground, f) for f in self._fields()}
        inputs.update(self._answer())
        self.store.set_inputs(self.lesson.id, self.task_index, inputs)
        self._schedule()
        self._show_result()  # a verdict on the settings before is not one on these

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
            self.app.call_from_thread(self._checked, task_index, result, playground)

    def _checked(self, task_index: int, result: CheckResult, playground=None) -> None:
        if task_index != self.task_index:
            return
        self._result = (result, playground)
        self._show_result()

    def on_stepped_view_progress(self, message: SteppedView.Progress) -> None:
        """The run on screen moved on (the view has shown it): a verdict may now be seen."""
        self._show_result()

    def _seen(self, result: CheckResult, checked: object) -> bool:
        """True when the run on screen is the check's and has got as far as it read."""
        if result.steps is None:
            return True  # the check runs nothing the learner has to watch
        views = self.query("#playground").results(RunView)
        view = next(views, None)
        progress = view.progress() if view is not None else None
        if progress is None or view.playground != checked:
            return False
        step, stopped = progress
        return stopped or step >= result.steps

    def _show_result(self) -> None:
        """✓/✗ and what the check saw, once the learner can see it too."""
        if self._result is None:
            return
        result, checked = self._result
        # Once the learner moved on (n, p, t) while the check ran, only a check that runs
        # nothing to watch (a typed answer) still counts.
        seen = self._seen(result, checked) if self.is_attached else result.steps is None
        passed = result.passed and seen
        newly_solved = passed and not self.store.is_solved(self.lesson.id, self.task_index)
        if newly_solved:
            self.store.mark_solved(self.lesson.id, self.task_index)
        if not self.is_attached:
            return
        detail = result.detail if seen else self._run_it(result)
        if passed:  # what next, here rather than in a toast over the panels
            last = self.task_index == len(self.lesson.tasks) - 1
            detail += " · n: next lesson" if last else " · t: next task"
        # The panel can be gone for a moment (the task being replaced, the app closing).
        for status in self.query(TaskStatus).results(TaskStatus):
            status.solved, status.detail = passed, detail
        if passed:  # a solved answer stays as it is: no stray key changes it (x resets)
            for field in self.query("#answer").results(Input):
                field.disabled = True
        if newly_solved:
            for panel in self.query(TaskPanel).results(TaskPanel):
                panel.solution_shown = True

    def _run_it(self, result: CheckResult) -> str:
        """What to do to see the check's verdict: run these settings on screen."""
        unit = "epoch" if self.query(ImagesView) else "step"
        return f"run it to see the verdict: space runs, s steps (checked at {unit} {result.steps})"
