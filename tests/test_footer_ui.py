"""The Footer builds its keys when what it shows changes, not at every change of focus.

Textual's Footer rebuilds every key (a widget each, mounted and styled) whenever the screen's
bindings may have changed: each focus change, several times a frame while a screen opens. As
the sandbox opened that was eleven rebuilds, half of its start-up; every Tab between two
settings fields was another.
"""

from __future__ import annotations

from ui_support import ready, screen_text, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.fitted_footer import FittedFooter
from gradtui.ui.widgets.playground_view import PlaygroundView

SIZE = (120, 40)


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_moving_between_fields_keeps_the_footer_as_built():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.screen.set_focus(None)
        await wait_for(pilot, lambda: "s Step" in footer(app))
        app.screen.set_focus(app.screen.query_one("#fn"))  # a field's keys: F-keys for letters
        await wait_for(pilot, lambda: "f6 Step" in footer(app))
        bar = app.screen.query_one(FittedFooter)
        keys = list(bar.children)
        shown = footer(app)
        for field in ("#start", "#lr", "#fn"):
            app.screen.set_focus(app.screen.query_one(field))
            await pilot.pause()
            await pilot.pause()
        assert list(bar.children) == keys  # the same widgets: nothing rebuilt
        assert footer(app) == shown


async def test_the_footer_follows_a_change_of_keys():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.screen.set_focus(None)
        assert "esc Home" in footer(app) and "esc Live" not in footer(app)
        await pilot.press("s")
        view = app.screen.query_one(PlaygroundView)
        await wait_for(pilot, lambda: view.snapshot is not None and view.snapshot.step == 1)
        await pilot.press("b")  # replay: escape goes back to the live run, the Footer says so
        await wait_for(pilot, lambda: "esc Live" in footer(app))
        assert "esc Home" not in footer(app)
