"""Every lesson solved from its opening screen by what a learner types and presses: each
task's reference solution typed into its fields (or picked, or clicked), the run started
with space where the check judges a run, and the ✓ awaited on screen.
"""

from __future__ import annotations

import pytest
from ui_support import ready, screen_text, type_into, type_keys, wait_for

from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.schema import ANSWER
from gradtui.ui.app import GradApp
from gradtui.ui.screens.lesson import LessonScreen
from gradtui.ui.widgets.settings_form import DTYPES, field_text
from gradtui.ui.widgets.task_panel import TaskStatus

SIZE = (120, 40)
# Lessons 1-15; the code lessons (16-21) are solved by typing code in their editor in
# tests/test_loop_lessons_ui.py.
LESSONS = [
    lesson
    for lesson in load_lessons([shipped_lessons_dir()])[0]
    if not any(task.is_code for task in lesson.tasks)
]


async def type_answer(pilot, text: str) -> None:
    await pilot.press("a")  # the answer field opens and takes the focus
    await type_keys(pilot, *text, "enter")


async def pick_dtype(pilot, value: str) -> None:
    """Open the dtype list with a click and move to ``value`` with the arrow keys."""
    select = pilot.app.screen.query_one("#dtype")
    values = [v for _, v in DTYPES]
    moves = values.index(value) - values.index(select.value)
    await pilot.click("#dtype")
    await pilot.press(*(["down"] * moves if moves > 0 else ["up"] * -moves), "enter")


async def solve(pilot, task) -> None:
    screen = pilot.app.screen
    view = screen.query_one("#playground")
    for name, value in task.solution.items():
        if name == ANSWER:
            await type_answer(pilot, str(value))
        elif name == "dtype":
            await pick_dtype(pilot, value)
        elif name == "zero_grad":
            if view.playground.zero_grad != value:
                await pilot.click("#zero_grad")
        else:
            text = value if isinstance(value, str) else field_text(task.solution_playground(), name)
            await type_into(pilot, name, text)
    status = screen.query_one(TaskStatus)
    if ANSWER not in task.solution:  # the settings typed: wait for their check
        solved = task.solution_playground()
        await wait_for(pilot, lambda: view.playground == solved)
        await wait_for(
            pilot, lambda: screen._result is not None and screen._result[1] == view.playground
        )
        if not status.solved:
            assert "run it to see the verdict" in status.detail
            await pilot.press("space")  # the run the check judges, on screen
    await wait_for(pilot, lambda: status.solved, timeout=60)
    assert "✓ solved" in screen_text(pilot.app)


@pytest.mark.parametrize("lesson", LESSONS, ids=[f"lesson{lesson.order}" for lesson in LESSONS])
async def test_every_task_solved_by_keys(lesson, tmp_path):
    store = ProgressStore(tmp_path / "progress.json")
    app = GradApp(lesson=str(lesson.order), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for index, task in enumerate(lesson.tasks):
            if index:
                await pilot.press("t")
                await wait_for(pilot, lambda i=index: app.screen.task_index == i)
                await ready(pilot)
            assert isinstance(app.screen, LessonScreen) and app.focused is None
            await solve(pilot, task)
    assert store.solved_count(lesson.id) == len(lesson.tasks)
