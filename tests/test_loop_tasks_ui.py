"""Every code task after a lesson's first, solved as a learner would: `t` to the task, the
code fixed key by key in the editor, F5, and the ✓ (the first tasks: test_loop_lessons_ui)."""

from __future__ import annotations

import pytest
from loop_support import edit_into, ended, view
from ui_support import ready, wait_for

from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.schema import CODE
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.task_panel import TaskStatus

SIZE = (120, 40)
LESSONS = {lesson.order: lesson for lesson in load_lessons([shipped_lessons_dir()])[0]}


def test_the_later_code_tasks_are_lesson_16s_second_and_lesson_17s_five():
    later = {
        order: len(lesson.tasks) - 1
        for order, lesson in LESSONS.items()
        if any(task.is_code for task in lesson.tasks) and len(lesson.tasks) > 1
    }
    assert later == {16: 1, 17: 5}
    assert all(task.is_code for order in later for task in LESSONS[order].tasks)


@pytest.mark.parametrize("order", [16, 17])
async def test_every_later_code_task_is_solved_by_keys(order, tmp_path):
    lesson = LESSONS[order]
    store = ProgressStore(tmp_path / "progress.json")
    app = GradApp(lesson=str(order), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for index in range(1, len(lesson.tasks)):
            task = lesson.tasks[index]
            before = view(app)
            await pilot.press("escape", "t")  # out of the editor; the next task
            await wait_for(pilot, lambda: bool(app.screen.query("#loop-editor")))
            await wait_for(pilot, lambda b=before: view(app) is not b)
            loop = view(app)
            assert f"Task {index + 1}/{len(lesson.tasks)}" in str(
                app.screen.query_one("#goal").render()
            )
            assert app.focused is loop.editor and loop.text == task.start_answer
            status = app.screen.query_one(TaskStatus)
            assert not status.solved
            await edit_into(pilot, task.solution[CODE])
            await pilot.press("f3", "f3", "f3", "f3", "f3")  # full speed
            await pilot.press("f5")
            await ended(pilot)
            await wait_for(pilot, lambda s=status: s.solved, timeout=60)
            assert store.is_solved(lesson.id, index)
            assert store.inputs(lesson.id, index)[CODE] == task.solution[CODE]
