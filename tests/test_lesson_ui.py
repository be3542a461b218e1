"""Lesson mode driven by typing: solve lesson 2, see ✓, progress saved, restart resumes."""

from __future__ import annotations

import json

from ui_support import lessons_loaded, ready, screen_text, type_into, wait_for

from gradtui.curriculum.checks import CheckResult
from gradtui.curriculum.progress import ProgressStore
from gradtui.ui.app import GradApp
from gradtui.ui.screens.lesson import LessonScreen
from gradtui.ui.widgets.task_panel import TaskStatus

SIZE = (120, 40)


async def set_start(pilot, text: str) -> None:
    await type_into(pilot, "start", text)


async def test_complete_lesson_two_by_typing_and_resume(tmp_path):
    path = tmp_path / "progress.json"
    app = GradApp(lesson="2", store=ProgressStore(path))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: status.detail != "checking…")
        assert not status.solved
        assert "✗ not yet" in screen_text(app)
        await pilot.press("h")
        await pilot.pause(0.1)
        assert "hint 1:" in screen_text(app)
        await set_start(pilot, "5.")  # task 1: y prints as tensor(25., ...)
        await wait_for(pilot, lambda: app.screen.query_one(TaskStatus).solved)
        assert "✓ solved" in screen_text(app)
        assert "reference solution" in screen_text(app)
        await pilot.press("t")
        await ready(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.task_index == 1
        await set_start(pilot, "-2.")  # task 2: the x where the grad is -4
        await wait_for(pilot, lambda: app.screen.query_one(TaskStatus).solved)
    saved = json.loads(path.read_text())
    assert saved["current"] == "first-gradient"
    assert ProgressStore(path).solved_count("first-gradient") == 2

    app = GradApp(store=ProgressStore(path))
    async with app.run_test(size=SIZE) as pilot:
        await lessons_loaded(pilot)
        text = screen_text(app)
        assert "✓  2. Your first gradient  ← you were here" in text


async def test_tab_reaches_the_tasks_field_before_the_panes_that_scroll(tmp_path):
    app = GradApp(lesson="2", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.focused is None  # the prose's keys (s, space) work at once
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "start"
        await pilot.press("end", "backspace", "backspace", "5", "enter")  # y = tensor(25., ...)
        await wait_for(pilot, lambda: app.screen.query_one(TaskStatus).solved)
        assert app.focused is None  # enter left the field
        await pilot.press("tab", "tab", "tab")  # the field, then the panes: the lesson's text,
        assert app.focused is not None and app.focused.id == "left"  # the autograd panel


async def test_a_check_that_crashes_is_reported_and_the_app_keeps_running(tmp_path, monkeypatch):
    import gradtui.ui.screens.task_checking as checking

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(checking, "evaluate", broken)
    app = GradApp(lesson="2", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: "could not run" in status.detail)
        assert "KeyError" in screen_text(app)
        await pilot.press("s")  # still alive: the playground steps
        await pilot.pause(0.2)
        assert app.is_running and isinstance(app.screen, LessonScreen)


async def test_lr_keys_count_as_typing_the_lr_where_the_task_lets_you(tmp_path):
    path = tmp_path / "progress.json"
    app = GradApp(lesson="6", store=ProgressStore(path))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: status.detail != "checking…")
        assert not status.solved  # lr 0.0001 crawls
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        await pilot.press("space")  # the run of lr 0.1, on screen
        await wait_for(pilot, lambda: app.screen.query_one(TaskStatus).solved)
        saved = json.loads(path.read_text("utf-8"))
        assert "0.1" in json.dumps(saved)


async def test_lr_keys_leave_a_fixed_learning_rate_alone(tmp_path):
    app = GradApp(lesson="8", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)  # task 1: only max_steps is editable, lr stays 1e-5
        view = app.screen.query_one("PlaygroundView")
        await pilot.press("right_square_bracket")
        await pilot.pause(0.2)
        assert view.playground.lr == 1e-5


async def test_a_typed_answer_starts_with_a_and_enter_leaves_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # were e to export, the script lands here
    app = GradApp(lesson="1", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.focused is None  # the keys the prose names work from the start
        assert "a Answer" in screen_text(app)
        await pilot.press("a", "t", "e")  # letters of an answer, not "next task" and "export"
        await pilot.pause(0.1)
        assert isinstance(app.screen, LessonScreen) and app.screen.task_index == 0
        assert app.screen.query_one("#answer").value == "te"
        await pilot.press("enter", "h")  # enter leaves the field: h is a hint again
        await pilot.pause(0.1)
        assert app.screen.query_one("#answer").value == "te"
        assert "hint 1:" in screen_text(app)


async def test_the_key_a_task_names_works_as_the_lesson_opens(tmp_path):
    from gradtui.ui.screens.graph import GraphScreen

    app = GradApp(lesson="11", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("g")  # "Press g to see the graph"
        await wait_for(pilot, lambda: isinstance(app.screen, GraphScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen))
        assert app.screen.query_one("#answer").value == ""


async def test_a_solved_answer_is_kept_from_stray_keys(tmp_path):
    store = ProgressStore(tmp_path / "progress.json")
    app = GradApp(lesson="11", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("2")  # a digit starts the answer
        await wait_for(pilot, lambda: app.screen.query_one(TaskStatus).solved)
        answer = app.screen.query_one("#answer")
        assert answer.value == "2" and answer.disabled and app.focused is None
        await pilot.press("3", "a")  # neither reaches the solved answer
        await pilot.pause(0.1)
        assert answer.value == "2" and app.screen.query_one(TaskStatus).solved
        await pilot.press("t")  # the toast's "t for the next task" works
        await wait_for(pilot, lambda: app.screen.task_index == 1)
    assert store.task_inputs("computation-graph", 0, app.lessons[10].tasks[0])["answer"] == "2"


async def test_a_digit_starts_the_answer_and_stays_in_it(tmp_path):
    app = GradApp(lesson="15", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.task_index == 1)
        await ready(pilot)
        await pilot.press("0", ".", "7", "9", "enter")
        assert app.screen.query_one("#answer").value == "0.79"
        await wait_for(pilot, lambda: app.screen.query_one(TaskStatus).solved)


async def test_space_runs_after_a_click_on_the_checkbox(tmp_path):
    app = GradApp(lesson="7", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")  # task 2
        await wait_for(pilot, lambda: app.screen.task_index == 1)
        await ready(pilot)
        view = app.screen.query_one("#playground")
        await pilot.click("#zero_grad")  # task 2: turn zeroing back on
        await wait_for(pilot, lambda: view.playground.zero_grad)
        assert app.focused is app.screen.query_one("#zero_grad")
        await pilot.press("space")  # runs: it does not toggle the box back
        await wait_for(pilot, lambda: app.screen.query_one(TaskStatus).solved)
        assert view.playground.zero_grad


async def test_escape_from_a_lesson_opened_over_the_sandbox_goes_to_the_list(tmp_path):
    from gradtui.ui.screens.home import HomeScreen

    app = GradApp(store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")  # the sandbox
        await ready(pilot)
        app.open_lesson("12")  # as the command palette does
        await pilot.pause(0.2)
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen)


async def test_escape_leaves_a_field_before_it_leaves_the_lesson(tmp_path):
    app = GradApp(lesson="1", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("a")
        assert app.focused is app.screen.query_one("#answer")
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert isinstance(app.screen, LessonScreen) and app.focused is None
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, LessonScreen)


async def test_a_check_that_ends_after_the_learner_moved_on_is_quietly_dropped(tmp_path):
    app = GradApp(lesson="2", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        old = app.screen
        await pilot.press("n")  # lesson 3 replaces lesson 2 while its check may still run
        await wait_for(pilot, lambda: app.screen is not old)
        old._checked(old.task_index, CheckResult(False, "late"))  # as its worker would
        await pilot.pause(0.1)
        assert app.is_running and app.screen.lesson.order == 3


async def test_a_check_that_ends_while_its_task_panel_is_gone_is_dropped(tmp_path):
    """A check's result can arrive while the screen has no task panel (the task being
    replaced, or the app closing): the result is dropped, the app stays up."""
    from gradtui.curriculum.checks import CheckResult
    from gradtui.ui.widgets.task_panel import TaskPanel

    app = GradApp(lesson="2", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = app.screen
        await screen.query_one(TaskPanel).remove()
        screen._checked(screen.task_index, CheckResult(True, "late"))  # as its worker would
        await pilot.pause()
        assert app.is_running and app.return_code is None
