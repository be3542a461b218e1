"""Progress through the real app: corrupt saved values, hostile keys, and the theme kept."""

from __future__ import annotations

import json

import pytest
from ui_support import lessons_loaded, ready, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore, default_path
from gradtui.curriculum.progress_data import shown
from gradtui.ui.app import GradApp
from gradtui.ui.screens.lesson import LessonScreen

SIZE = (120, 40)


def write_progress(path, lessons, **top) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "lessons": lessons, **top}), "utf-8")


def recorded(app) -> list[tuple[str, str, bool]]:
    """Every notification the app is asked for (title, message, markup), kept past its timeout."""
    said = []
    notify = app.notify

    def record(message, *, title="", markup=True, **kwargs):
        said.append((title, message, markup))
        notify(message, title=title, markup=markup, **kwargs)

    app.notify = record
    return said


@pytest.mark.parametrize(
    ("order", "lesson_id", "field", "value", "why"),
    [
        (6, "learning-rate", "lr", "abc", "lr must be a number from -1e10 to 1e10"),
        (6, "learning-rate", "lr", [0.1, 0.2], "a list, not a plain value"),
        (6, "learning-rate", "lr", {"a": [[{"b": None}]]}, "an object, not a plain value"),
        (6, "learning-rate", "lr", "9" * 100_000, "(try 0.001 to 1), not text"),
        (6, "learning-rate", "lr", True, "(try 0.001 to 1), not true/false"),
        (6, "learning-rate", "lr", 1e300, "(try 0.001 to 1), not 1e300"),
        (2, "first-gradient", "start", 5, "start must be text, not an integer"),
        (2, "first-gradient", "start", "1,2,[", "'[' is not a number"),
        (3, "many-numbers", "fn", "x" * 5000, "the limit is 1,000"),
        (3, "many-numbers", "fn", "__import__('os')", "'fn'"),
        (7, "zero-the-grad", "zero_grad", "no", "must be true or false"),
        (12, "autograd-vs-numbers", "dtype", "float8", "must be one of"),
        (9, "when-to-stop", "patience", -3, "'patience'"),
        (1, "seven-steps", "answer", 42, "a whole number, not text"),
        (1, "seven-steps", "answer", "\x1b]52;c;aGk=\x07", "control characters"),
    ],
)
async def test_a_saved_value_of_the_wrong_kind_is_dropped_and_the_lesson_opens(
    tmp_path, order, lesson_id, field, value, why
):
    path = tmp_path / "progress.json"
    write_progress(path, {lesson_id: {"inputs": {"0": {field: value}}}}, current=lesson_id)
    app = GradApp(lesson=str(order), store=ProgressStore(path))
    notes = recorded(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.order == order
        said = [m for title, m, markup in notes if f"'{field}'" in m and not markup]
        assert len(said) == 1 and why in said[0], notes
        assert f"lesson '{lesson_id}'" in said[0]
        task = app.screen.lesson.tasks[0]
        if field != "answer":  # the task starts as the lesson sets it up
            playground = app.screen.query_one("#playground").playground
            assert getattr(playground, field) == getattr(task.playground(), field)
        app.screen.set_focus(None)  # a typed-answer task starts in its field
        await pilot.press("t")  # and the learner goes on
        await ready(pilot)
        assert app.is_running and app.screen.task_index == 1
    saved = json.loads(path.read_text("utf-8"))["lessons"].get(lesson_id, {})
    assert saved.get("inputs", {}).get("0", {}).get(field) != value  # dropped on disk too


async def test_good_saved_values_are_still_restored(tmp_path):
    path = tmp_path / "progress.json"
    write_progress(path, {"learning-rate": {"inputs": {"0": {"lr": 0.25}}}})
    app = GradApp(lesson="6", store=ProgressStore(path))
    notes = recorded(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.screen.query_one("#playground").playground.lr == 0.25
        assert not [title for title, _, _ in notes if title == "progress"]


def toasts(app) -> str:
    """The notices on screen, their wrapped lines joined again."""
    lines = [line.split("▌", 1)[1].strip() for line in screen_text(app).splitlines() if "▌" in line]
    return " ".join(line for line in lines if line)


@pytest.mark.parametrize(
    "key",
    ["[bold", "[@click=app.screenshot('v.txt','DIR')]", "[/]", "[link=file:///etc]x", "x\x1b[2J"],
)
async def test_a_progress_key_with_markup_is_shown_literally_at_start(tmp_path, key):
    out = tmp_path / "DIR"
    out.mkdir()
    key = key.replace("DIR", "d")
    path = tmp_path / "progress.json"
    write_progress(path, {key: {"solved": "junk"}, "first-gradient": {"solved": [0]}})
    app = GradApp(store=ProgressStore(path), load_torch=False)
    notes = recorded(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await lessons_loaded(pilot)
        ((message, markup),) = [(m, markup) for title, m, markup in notes if title == "progress"]
        assert f"lesson {shown(key)}" in message and not markup and "\x1b" not in message
        await wait_for(pilot, lambda: f"lesson {shown(key)}" in toasts(app))
        assert "1/2  2. Your first gradient" in screen_text(app)  # the rest was kept
        await pilot.click("Toast")  # what a learner would click: it only closes the notice
        await pilot.pause(0.1)
        assert app.is_running
    assert list(out.iterdir()) == [] and list(tmp_path.glob("*.txt")) == []


async def test_the_chosen_theme_is_kept_for_the_next_start():
    app = GradApp(load_torch=False)  # on the data folder of GRADTUI_DATA_HOME
    async with app.run_test(size=SIZE) as pilot:
        await lessons_loaded(pilot)
        assert app.theme != "nord"
        await pilot.press("ctrl+p")
        await pilot.press(*"theme")
        await wait_for(pilot, lambda: "Change the current theme" in screen_text(app))
        await pilot.press("enter")
        await pilot.press(*"nord")
        await wait_for(pilot, lambda: "nord" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "nord")
        await pilot.pause(0.1)
    assert json.loads(default_path().read_text("utf-8"))["theme"] == "nord"

    app = GradApp(load_torch=False)
    async with app.run_test(size=SIZE) as pilot:
        await lessons_loaded(pilot)
        assert app.theme == "nord"
        app.theme = "gruvbox"  # any other way of choosing one is kept too
        await pilot.pause(0.1)
    app = GradApp(load_torch=False)
    async with app.run_test(size=SIZE) as pilot:
        await lessons_loaded(pilot)
        assert app.theme == "gruvbox"


@pytest.mark.parametrize("theme", ["no-such-theme", "[bold]x", 42])
async def test_an_unknown_saved_theme_is_ignored(theme):
    write_progress(default_path(), {"first-gradient": {"solved": [0]}}, theme=theme)
    app = GradApp(load_torch=False)
    default = app.theme
    async with app.run_test(size=SIZE) as pilot:
        await lessons_loaded(pilot)
        assert app.theme == default and app.is_running
        assert "1/2  2. Your first gradient" in screen_text(app)
