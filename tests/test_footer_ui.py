"""The Footer: the screen's keys in one row drawn by one widget, that lays nothing out.

Textual's Footer rebuilt every key (a widget each, mounted and styled, the screen laid out
again to measure them) whenever the screen's bindings may have changed: each focus change,
several times a frame while a screen opens; a quarter of the app's time in the tests.
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


def style_at(bar: FittedFooter, x: int):
    """The style the Footer draws column ``x`` of its row in."""
    for segment in bar.render_line(0):
        if x < len(segment.text):
            return segment.style
        x -= len(segment.text)
    raise IndexError(x)


async def test_new_keys_are_drawn_without_laying_the_screen_out(monkeypatch):
    """A field takes the focus: the keys become F-keys, the row is drawn again, and the
    screen is not laid out again for it (nor for moving on between fields)."""
    from textual.screen import Screen

    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.screen.set_focus(None)
        await wait_for(pilot, lambda: "s Step" in footer(app))
        layouts = []
        real = Screen._refresh_layout

        def counted(screen, *args, **kwargs):
            layouts.append(screen)
            return real(screen, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        app.screen.set_focus(app.screen.query_one("#fn"))  # a field's keys: F-keys for letters
        await wait_for(pilot, lambda: "f6 Step" in footer(app))
        shown = footer(app)
        for field in ("#start", "#lr", "#fn"):
            app.screen.set_focus(app.screen.query_one(field))
            await pilot.pause()
            await pilot.pause()
        assert footer(app) == shown
        assert layouts == []


async def test_a_click_on_a_key_presses_it_and_the_pointer_shows_what_it_does():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.screen.set_focus(None)
        await wait_for(pilot, lambda: "s Step" in footer(app))
        bar = app.screen.query_one(FittedFooter)
        row = footer(app)
        step = row.index("s Step")
        assert bar.key_at(step + 3).key == "s"  # the key's words are the key's too
        assert bar.key_at(step + len("s Step")) is None  # the blank between keys is not
        plain = style_at(bar, step)
        await pilot.hover(FittedFooter, offset=(step + 2, 0))  # the key lights up under it
        await wait_for(pilot, lambda: style_at(bar, step).bgcolor != plain.bgcolor)
        assert style_at(bar, step + len("s Step") + 1) == plain  # the next key: not lit
        await pilot.click(FittedFooter, offset=(step + 2, 0))
        view = app.screen.query_one(PlaygroundView)
        await wait_for(pilot, lambda: view.snapshot is not None and view.snapshot.step == 1)
        palette = row.index("^p palette")
        await pilot.click(FittedFooter, offset=(palette, 0))
        await wait_for(pilot, lambda: "palette" in type(app.screen).__name__.lower())


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
