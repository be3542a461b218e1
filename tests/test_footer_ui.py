"""The Footer builds its keys when what it shows changes, not at every change of focus.

Textual's Footer rebuilds every key (a widget each, mounted and styled) whenever the screen's
bindings may have changed: each focus change, several times a frame while a screen opens. As
the sandbox opened that was eleven rebuilds, half of its start-up; every Tab between two
settings fields was another.
"""

from __future__ import annotations

from ui_support import ready, screen_text, type_keys, wait_for

from gradtui.curriculum.progress import ProgressStore
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


async def test_keys_that_change_under_the_palette_still_fit(tmp_path):
    """Chosen from the palette, ctrl+o's page changes the lesson's keys while the palette is
    on top: the keys are built there but laid out only once the lesson is back, and were then
    left unfitted ('f8 Iteratio' cut at the edge)."""
    app = GradApp(lesson="17", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        palette = app.screen
        await wait_for(pilot, lambda: palette.has_class("-ready"))
        await type_keys(pilot, *"panels")
        await wait_for(pilot, lambda: "Panels" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#loop-vars-box").display)
        await wait_for(pilot, lambda: "^o Code" in footer(app))
        await pilot.pause()
        keys = footer(app).split("▏")[0].rstrip()
        assert keys.endswith("^o Code"), keys  # no letters of a key that did not fit
