"""Snapshots of the learning-rate explorer, lr_find and the optimizers view (120x40)."""

from __future__ import annotations

from ui_support import ready, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp

SIZE = (120, 40)


def _opened(key: str, done):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: done(pilot.app.screen))
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False  # a blinking cursor would make the snapshot flaky
        await pilot.pause(0.3)

    return run_before


def test_compare_learning_rates(snap_compare):
    opened = _opened("c", lambda s: getattr(s, "runs", None))
    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=opened)


def test_lr_find_on_the_roller_coaster(snap_compare):
    opened = _opened("f", lambda s: getattr(s, "result", None) is not None)
    app = GradApp(sandbox=Playground().switch_mode("fit"))
    assert snap_compare(app, terminal_size=SIZE, run_before=opened)


def test_optimizers_on_the_valley(snap_compare):
    async def valley(pilot):
        await _opened("o", lambda s: getattr(s, "paths", None))(pilot)
        screen = pilot.app.screen
        screen.query_one("#surface").value = "valley"
        await wait_for(pilot, lambda: screen.paths and screen.paths[0].xs[0] == -4.5)
        await pilot.pause(0.3)

    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=valley)
