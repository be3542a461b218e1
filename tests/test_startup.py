"""Start-up: what runs before the first paint, and the lessons that arrive just after it."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from ui_support import lessons_loaded, screen_text

from gradtui.cli import app_arguments
from gradtui.cli.parser import build_parser
from gradtui.curriculum import loader
from gradtui.curriculum.progress import ProgressStore
from gradtui.ui.app import GradApp
from gradtui.ui.screens.home import HomeScreen

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "data" / "lessons_broken"
SIZE = (120, 40)


def test_the_home_screen_needs_neither_the_lesson_loader_nor_the_command_parsers():
    code = (
        "import sys\n"
        "from gradtui.cli import app_arguments\n"
        "from gradtui.ui.app import GradApp\n"
        "app_arguments([])\n"
        "late = ('gradtui.curriculum.loader', 'gradtui.engine.training.playground',\n"
        "        'gradtui.cli.parser', 'gradtui.cli.runs', 'torch')\n"
        "print(sorted(m for m in late if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "argv",
    [[], ["--lessons", "mine"], ["--lessons", "a", "--lessons", "b/c d"]],
)
def test_app_arguments_are_what_the_full_parser_makes_of_them(argv):
    assert app_arguments(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["sandbox"],
        ["lesson", "2"],
        ["--lessons"],
        ["--lessons", "-h"],
        ["--lessons=mine"],
        ["--less", "mine"],
        ["--lessons", "mine", "lessons"],
    ],
)
def test_anything_but_lessons_folders_goes_to_the_full_parser(argv):
    assert app_arguments(argv) is None


async def test_home_says_lessons_are_loading_until_they_are_then_lists_them(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path / "progress.json")
    store.mark_solved("first-gradient", 0)
    store.set_current("first-gradient")
    release = threading.Event()
    real_load = loader.load_lessons

    def held(dirs):
        release.wait(timeout=20)
        return real_load(dirs)

    monkeypatch.setattr(loader, "load_lessons", held)
    app = GradApp(store=store, load_torch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "loading lessons…" in text and "The seven steps" not in text
        assert "Sandbox: free play" in text
        await pilot.press("enter")  # nothing is highlighted: enter opens nothing yet
        await pilot.pause(0.1)
        assert isinstance(app.screen, HomeScreen)
        release.set()
        await lessons_loaded(pilot)
        text = screen_text(app)
        assert "loading lessons" not in text
        assert "1. The seven steps" in text
        assert "1/2  2. Your first gradient  ← you were here" in text
        menu = app.screen.query_one("#menu")
        assert menu.get_option_at_index(menu.highlighted).id == "lesson:first-gradient"


async def test_bad_lesson_files_are_still_reported_once_the_lessons_load(tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    app = GradApp(lesson_dirs=[str(BROKEN)], store=store, load_torch=False)
    async with app.run_test(size=SIZE) as pilot:
        await lessons_loaded(pilot)
        notes = [(n.title, n.message) for n in app._notifications]
        skipped = [message for title, message in notes if title == "lesson file skipped"]
        assert any("bad-toml.md:9: bad TOML" in message for message in skipped)
        assert len(skipped) == 5  # the first five of them, as before
        assert "good" in [lesson.id for lesson in app.lessons]


async def test_a_lesson_asked_for_at_start_is_the_first_screen(tmp_path):
    from gradtui.ui.screens.lesson import LessonScreen

    app = GradApp(lesson="3", store=ProgressStore(tmp_path / "p.json"), load_torch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.lessons_loaded  # read before the first paint: the lesson needs them
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.order == 3
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen)
        assert "1. The seven steps" in screen_text(app)
