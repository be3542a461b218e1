"""A lesson's screen at 120×40 and 80×24: everything the task is about in view, a clean
Footer, and no toast over the panels."""

from __future__ import annotations

import pytest
from ui_support import ready, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.task_panel import TaskStatus

PANELS = ("settings · autograd", "function", "loss", "the seven steps", "parameters", "run")


async def test_at_120x40_the_task_the_prose_and_every_panel_are_in_view(tmp_path):
    app = GradApp(lesson="6", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "Task 1/2  From x = 3 on x**2" in text
        assert "Stepping with a learning rate" in text
        for title in PANELS:
            assert f"─ {title} ─" in text, title
        view = app.screen.query_one("#playground")
        assert view.max_scroll_y == 0  # nothing below the fold


@pytest.mark.parametrize("lesson", ["6", "11"])
async def test_at_80x24_the_footer_ends_clean(lesson, tmp_path):
    app = GradApp(lesson=lesson, store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert footer.startswith("s Step space Run/Pause")  # the run keys come first
        assert footer.endswith("▏^p palette")  # no letter of a cut-off key after it


async def test_a_solved_task_says_what_next_without_a_toast_over_the_panels(tmp_path):
    app = GradApp(lesson="1", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a", "5", "enter")
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: status.solved)
        assert status.detail.endswith("t: next task")
        assert not app._notifications
