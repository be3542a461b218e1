"""A code lesson at 80×24 and 120×40: the goal, ten lines of code or more, and the variables
and output after a run, each in view or one key away, with the key on screen."""

from __future__ import annotations

from loop_support import ended, fill_blank, loop_app, loop_ready, view
from ui_support import ready, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.schema import CODE
from gradtui.ui.app import GradApp
from gradtui.ui.screens.solution import SolutionScreen
from gradtui.ui.widgets.task_panel import TaskPanel, TaskStatus


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


def keys_shown(app) -> str:
    """The Footer's keys, left of the palette's."""
    row = footer(app)
    assert row.endswith("▏^p palette")
    return row.split("▏")[0].rstrip()


def lesson_app(lesson: str, tmp_path) -> GradApp:
    return GradApp(lesson=lesson, store=ProgressStore(tmp_path / "progress.json"))


def shown(app, selector: str) -> bool:
    """True when the widget is laid out on screen (not hidden, not squeezed to nothing)."""
    widget = app.screen.query_one(selector)
    return widget.display and widget.region.height > 0 and widget.region.width > 0


async def test_at_80x24_the_goal_the_code_and_the_panels_are_each_in_view(tmp_path):
    app = lesson_app("17", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        loop = view(app)
        text = screen_text(app)
        assert "Task 1/6  Write the update the obvious way" in text
        assert "run: meet torch's error." in text  # the whole goal
        assert not shown(app, "#prose")  # a code task on a narrow terminal: the task first
        assert loop.editor.scrollable_content_region.height >= 12  # lines of code in view
        assert "ctrl+o: variables · output" in text  # the panels: one key away, and said so
        assert "f12 Prose" in footer(app)
        assert keys_shown(app).endswith("^o Panels")  # no letter of a key that did not fit
        await pilot.press("escape")  # out of the editor, which is all there is on its page
        assert app.focused is None and "esc List" in footer(app)
        await pilot.press("f5")  # the starter's blank is refused
        await wait_for(pilot, lambda: "refused: ctrl+o shows why" in screen_text(app))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: shown(app, "#loop-vars-box"))
        text = screen_text(app)
        assert "─ variables ─" in text and "─ printed · errors ─" in text
        assert "fill in the blank '___' first" in text
        assert not shown(app, "#loop-editor") and app.focused is None  # letters are keys
        assert keys_shown(app).endswith("^o Code")
        assert "h: hint (2 left)" in text  # the lesson's letters, on the task's border
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.focused is loop.editor)
        assert shown(app, "#loop-editor") and not shown(app, "#loop-vars-box")
        await fill_blank(pilot, "x -= x.grad * lr")
        await pilot.press("f3", "f3", "f3", "f3", "f3", "f5")
        await ended(pilot)
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: status.solved, timeout=60)
        await pilot.press("ctrl+o")  # the values torch holds at the error
        await wait_for(pilot, lambda: "x = tensor(3., requires_grad=True)" in screen_text(app))
        assert "RuntimeError" in screen_text(app)


async def test_at_120x40_every_panel_and_ten_lines_of_code_are_in_view(tmp_path):
    app = lesson_app("20", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        loop = view(app)
        assert shown(app, "#prose") and not loop.cramped
        for selector in ("#loop-editor", "#loop-vars-box", "#loop-output-box", "#loop-loss"):
            assert shown(app, selector), selector
        assert loop.editor.scrollable_content_region.height >= 10
        assert "ctrl+o" not in screen_text(app)  # nothing to switch: no key shown


async def test_f12_and_z_hide_and_show_the_prose_and_the_choice_holds(tmp_path):
    app = lesson_app("17", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        loop = view(app)
        assert shown(app, "#prose") and app.focused is loop.editor
        await pilot.press("z")  # in the editor a letter is typed, not a key
        assert loop.text.startswith("z") and shown(app, "#prose")
        await pilot.press("backspace", "f12")  # an F-key acts from the editor
        await wait_for(pilot, lambda: not shown(app, "#prose"))
        assert app.focused is loop.editor and not loop.text.startswith("z")
        editor_width = loop.editor.region.width
        await pilot.press("escape", "t")  # the next task: still hidden
        await wait_for(pilot, lambda: view(app) is not loop)
        assert not shown(app, "#prose")
        assert view(app).editor.region.width == editor_width
        await pilot.press("escape", "z")
        await wait_for(pilot, lambda: shown(app, "#prose"))
        await pilot.press("n")  # and the next lesson, a code task with the prose shown
        await wait_for(pilot, lambda: "lesson 18" in app.screen.sub_title)
        assert shown(app, "#prose")


async def test_z_hides_the_prose_of_a_lesson_without_code(tmp_path):
    app = lesson_app("6", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert shown(app, "#prose")
        work = app.screen.query_one("#work").region.width
        await pilot.press("z")
        await wait_for(pilot, lambda: not shown(app, "#prose"))
        assert app.screen.query_one("#work").region.width > work


async def test_a_solved_code_task_keeps_the_code_in_view_and_shows_the_solution_on_v(tmp_path):
    app = lesson_app("17", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        loop = view(app)
        panel = app.screen.query_one(TaskPanel)
        rows = loop.editor.region.height, app.screen.query_one("#loop-vars-box").region.height
        await fill_blank(pilot, "x -= x.grad * lr")
        await pilot.press("f3", "f3", "f3", "f3", "f3", "f5")
        await ended(pilot)
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: status.solved and panel.solution_shown, timeout=60)
        await pilot.pause(0.2)
        after = loop.editor.region.height, app.screen.query_one("#loop-vars-box").region.height
        assert after == rows  # the solution squeezes neither the editor nor the panels
        assert "v: reference solution" in screen_text(app)
        assert "reference solution:" not in screen_text(app)
        await pilot.press("escape", "v")
        await wait_for(pilot, lambda: isinstance(app.screen, SolutionScreen))
        solution = app.screen.query_one("#solution-code")
        task = app.screen_stack[-2].task
        assert solution.text == task.solution[CODE].strip("\n") and solution.read_only
        await pilot.press("v")  # typed into a read-only view: it closes instead
        await wait_for(pilot, lambda: not isinstance(app.screen, SolutionScreen))
        assert view(app) is loop and app.focused is None


async def test_the_sandbox_loop_playground_at_80x24_pages_too():
    app = loop_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loop_ready(pilot)
        loop = view(app)
        assert loop.cramped and loop.editor.scrollable_content_region.height >= 15
        assert "^o Panels" in footer(app)
        await pilot.press("f3", "f3", "f3", "f3", "f3", "f5")
        await ended(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: "The program ran to its end" in screen_text(app))
        assert "x = tensor(" in screen_text(app) and "^o Code" in footer(app)


async def test_at_80x24_a_code_task_shows_one_hint_at_a_time(tmp_path):
    app = lesson_app("17", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        loop = view(app)
        hints = app.screen.task.hints
        assert len(hints) == 2
        await pilot.press("escape", "h", "h")
        await wait_for(pilot, lambda: "hint 2/2:" in screen_text(app))
        assert "hint 1/2:" not in screen_text(app)
        assert "h: the hints again" in screen_text(app)
        assert loop.editor.scrollable_content_region.height >= 10  # the code stays in view
        await pilot.press("h")  # the other one, in turn
        await wait_for(pilot, lambda: "hint 1/2:" in screen_text(app))
        assert "hint 2/2:" not in screen_text(app) and not app._notifications


async def test_at_120x40_a_code_task_shows_every_hint_seen(tmp_path):
    app = lesson_app("17", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "h", "h")
        await wait_for(pilot, lambda: "hint 2:" in screen_text(app))
        assert "hint 1:" in screen_text(app) and "h: " not in screen_text(app)
