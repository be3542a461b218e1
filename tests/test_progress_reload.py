"""The home list shows what another window on the same data folder saved, once the learner
comes back to it."""

from __future__ import annotations

from pathlib import Path

from ui_support import lessons_loaded, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.ui.app import GradApp
from gradtui.ui.screens.home import HomeScreen
from gradtui.ui.screens.sandbox import SandboxScreen


def test_reload_takes_in_another_windows_saves_and_keeps_this_ones(tmp_path: Path):
    path = tmp_path / "progress.json"
    mine, other = ProgressStore(path), ProgressStore(path)
    mine.set_current("roller-coaster")
    mine.set_theme("nord")
    other.mark_solved("first-gradient", 0)
    other.use_hint("first-gradient", 1)
    other.set_current("first-gradient")
    assert not mine.is_solved("first-gradient", 0)  # read at start only
    mine.set_inputs("roller-coaster", 0, {"lr": 0.5}, save=False)  # not on disk yet
    mine.reload()
    assert mine.is_solved("first-gradient", 0) and mine.hints_used("first-gradient", 1) == 1
    assert mine.inputs("roller-coaster", 0) == {"lr": 0.5}  # this window's change stays
    assert (mine.current, mine.theme) == ("roller-coaster", "nord")  # and its place
    assert mine.flush() and ProgressStore(path).inputs("roller-coaster", 0) == {"lr": 0.5}


def test_reload_leaves_a_corrupt_file_to_the_next_save(tmp_path: Path):
    path = tmp_path / "progress.json"
    mine = ProgressStore(path)
    mine.mark_solved("first-gradient", 0)
    path.write_text("{ not json")
    mine.reload()
    assert mine.is_solved("first-gradient", 0)
    assert path.read_text() == "{ not json"  # untouched until this window saves


async def test_the_home_list_shows_another_windows_solve_on_return(tmp_path: Path):
    path = tmp_path / "progress.json"
    app = GradApp(store=ProgressStore(path), load_torch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await lessons_loaded(pilot)
        assert "·  2. Your first gradient" in screen_text(app)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SandboxScreen))
        ProgressStore(path).mark_solved("first-gradient", 0)  # the other window
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(pilot, lambda: "1/2  2. Your first gradient" in screen_text(app))
