"""Snapshots of the key screens (regenerate with: pytest --snapshot-update)."""

from __future__ import annotations

from ui_support import ready, wait_for

from gradtui.engine.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.playground_view import PlaygroundView

SIZE = (120, 40)


def test_home(snap_compare):
    assert snap_compare(GradApp(), terminal_size=SIZE)


def test_sandbox_at_rest(snap_compare):
    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=ready)


def test_sandbox_after_ten_steps(snap_compare):
    async def ten_steps(pilot):
        await ready(pilot)
        view = pilot.app.screen.query_one(PlaygroundView)
        for n in range(1, 11):
            await pilot.press("s")
            await wait_for(pilot, lambda n=n: view.latest is not None and view.latest.step == n - 1)
        await pilot.pause(0.8)  # let the seven-steps highlight finish its pass
        await ready(pilot)

    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=ten_steps)


def test_help(snap_compare):
    async def open_help(pilot):
        await ready(pilot)
        await pilot.press("f1")
        await pilot.pause(0.3)

    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=open_help)
