"""Every lesson's opening screen at 120×40 and 80×24 (regenerate with --snapshot-update, and
look at each: every code line of the prose in view must be whole)."""

from __future__ import annotations

import pytest
from ui_support import ready, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.run_view import RunView
from gradtui.ui.widgets.task_panel import TaskStatus

SIZES = {"120x40": (120, 40), "80x24": (80, 24)}


async def opened(pilot) -> None:
    """The lesson as it opens, once torch, the data, the check and the prose have settled."""
    await ready(pilot)
    await wait_for(pilot, lambda: all(v.settled for v in pilot.app.screen.query(RunView)))
    status = pilot.app.screen.query_one(TaskStatus)
    await wait_for(pilot, lambda: status.detail != "checking…")
    await pilot.wait_for_animation()
    await ready(pilot)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lesson", range(1, 16))
def test_lesson_opens(snap_compare, tmp_path, lesson, size):
    app = GradApp(lesson=str(lesson), store=ProgressStore(tmp_path / "progress.json"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=opened)


@pytest.mark.parametrize("size", SIZES)
def test_code_lesson_opens(snap_compare, tmp_path, size):
    """A code lesson: at 80×24 the task with its editor (the prose and panels a key away)."""

    async def opened_steady(pilot) -> None:
        pilot.app.screen.query_one("#loop-editor").cursor_blink = False  # else flaky
        await opened(pilot)

    app = GradApp(lesson="17", store=ProgressStore(tmp_path / "progress.json"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=opened_steady)


def test_code_lesson_panels_at_80x24(snap_compare, tmp_path):
    """ctrl+o after a run that was refused: the variables, the message, the loss, the steps."""

    async def refused_then_panels(pilot) -> None:
        await opened(pilot)
        await pilot.press("f5")
        status = pilot.app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: "fill in the blank" in status.detail)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#loop-vars-box").display)
        pilot.app.clear_notifications()  # the refusal's toast: gone after a while anyway
        await pilot.pause(0.3)

    app = GradApp(lesson="17", store=ProgressStore(tmp_path / "progress.json"))
    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=refused_then_panels)
