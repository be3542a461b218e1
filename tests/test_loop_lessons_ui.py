"""Each code lesson solved as a learner would: type over the blanks, run with F5, see ✓."""

from __future__ import annotations

import pytest
from loop_support import blanks_filled, ended, fill_blank, retype_lines, view
from ui_support import ready, screen_text, wait_for

from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.schema import CODE
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.task_panel import TaskStatus

SIZE = (120, 40)
CODE_LESSONS = [
    lesson
    for lesson in load_lessons([shipped_lessons_dir()])[0]
    if any(task.is_code for task in lesson.tasks)
]


def test_the_code_lessons_are_16_to_21():
    assert [lesson.order for lesson in CODE_LESSONS] == [16, 17, 18, 19, 20, 21]


@pytest.mark.parametrize("lesson", CODE_LESSONS, ids=lambda lesson: lesson.id)
async def test_a_code_lesson_is_solved_by_typing_its_blanks(lesson, tmp_path):
    task = lesson.tasks[0]
    fills = blanks_filled(task.setup[CODE], task.solution[CODE])
    assert fills, "the first task of a code lesson has blanks to fill"
    store = ProgressStore(tmp_path / "progress.json")
    app = GradApp(lesson=str(lesson.order), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        loop = view(app)
        assert app.focused is loop.editor  # a code task starts in its editor
        await pilot.press("f5")  # the starter is refused: the blank is named
        await wait_for(pilot, lambda: "fill in the blank" in screen_text(app))
        status = app.screen.query_one(TaskStatus)
        assert not status.solved
        for text in fills:
            await fill_blank(pilot, text)
        await retype_lines(pilot, task.solution[CODE])  # lesson 19 also replaces two lines
        assert loop.text == task.solution[CODE]
        await pilot.press("f3", "f3", "f3", "f3", "f3")  # full speed
        await pilot.press("f5")
        await ended(pilot)
        await wait_for(pilot, lambda: status.solved, timeout=60)
        assert "too little room" not in screen_text(app)  # 120×40 draws the loss plot
        assert store.is_solved(lesson.id, 0)
        assert store.inputs(lesson.id, 0)[CODE] == task.solution[CODE]  # the code is kept


async def test_the_task_says_escape_comes_first_while_the_editor_has_the_keys(tmp_path):
    from gradtui.ui.widgets.task_panel import TaskPanel

    app = GradApp(lesson="16", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        panel = app.screen.query_one(TaskPanel)
        assert view(app).editor is app.focused  # h would be typed into the code
        assert panel.border_subtitle == "esc, then h: hint (3 left)"
        await pilot.press("escape")
        await wait_for(pilot, lambda: panel.border_subtitle == "h: hint (3 left)")
        await pilot.press("h")  # a key again
        await wait_for(pilot, lambda: panel.border_subtitle == "h: hint (2 left)")


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_a_code_task_shows_the_keys_that_act_in_its_editor_and_out_of_it(tmp_path):
    app = GradApp(lesson="16", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        loop = view(app)
        assert app.focused is loop.editor
        shown = footer(app)
        assert "f5 Run/Pause" in shown and "f6 Line" in shown and "esc Leave editor" in shown
        assert "h Hint" not in shown and "s Step" not in shown  # letters go to the editor
        await pilot.press("h")
        assert loop.text.startswith("h")  # typed, not a hint
        await pilot.press("backspace", "escape")
        await wait_for(pilot, lambda: "h Hint" in footer(app))
        assert "f6 Line" in footer(app) and "esc List" in footer(app)
        await pilot.press("h")
        await wait_for(pilot, lambda: "Step 2 and 3 in one" in screen_text(app))
        assert not loop.text.startswith("h")


async def test_a_task_without_code_shows_no_loop_keys(tmp_path):
    app = GradApp(lesson="6", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        shown = footer(app)
        assert "s Step" in shown and "f6 Line" not in shown and "f3f2" not in shown
        assert "f1 Help" in shown
