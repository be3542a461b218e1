"""Keys that arrive together in a settings field all land, in the order they were pressed.

``pilot.press`` waits for the app to go idle after each key, which hides the problem: a
terminal hands the app many keys at once (a fast typist on a busy moment, tmux send-keys, a
paste). ``burst`` posts them the way the terminal driver does, all before the app handles one.
"""

from __future__ import annotations

from ui_support import burst, fields_applied, ready, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.playground_view import PlaygroundView

SIZE = (120, 40)


def values(app) -> dict[str, str]:
    return {name: app.screen.query_one(f"#{name}").value for name in ("fn", "start", "lr")}


async def focus(pilot, field: str | None) -> None:
    screen = pilot.app.screen
    screen.set_focus(screen.query_one(f"#{field}") if field else None)
    await pilot.pause()


async def settle(pilot) -> None:
    """Until every key of the burst is handled and the form's debounce has fired."""
    await fields_applied(pilot)


async def test_editing_keys_keep_their_place_among_typed_characters():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, "lr")
        burst(app, "end", "backspace", "0", "1", "backspace", "2", "5")
        await settle(pilot)
        assert values(app)["lr"] == "0.025"  # not 0.012: the backspace ate the 1, not the 5
        burst(app, "home", "delete", "left", "1", "end", "7")
        await settle(pilot)
        assert values(app)["lr"] == "1.0257"
        assert view(app).playground.lr == 1.0257


async def test_a_long_string_arrives_whole():
    fn = "0.5*x**4 - 3*x**3 + (x - 1.25)**2 / 7 + 11*x - 2*(x + 3)**2"
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, "fn")
        burst(app, "end", *["backspace"] * 4, *fn)
        await settle(pilot)
        assert values(app)["fn"] == fn
        assert view(app).playground.fn == fn


async def test_the_keys_after_tab_go_to_the_next_field():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, "fn")
        burst(app, "tab", "end", "backspace", "backspace", "5", "tab", "end", "1")
        await settle(pilot)
        assert values(app) == {"fn": "x**2", "start": "5", "lr": "0.11"}


async def test_tab_into_a_field_from_no_focus_keeps_the_keys_typed_after_it():
    # before: the keys after tab went to the screen, where + changes the speed
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, None)
        speed = view(app).speed_index
        burst(app, "tab", "tab", "tab", "end", "+", "x")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#fn")
        assert values(app)["fn"] == "x**2+x"
        assert view(app).speed_index == speed


async def test_the_keys_after_enter_are_the_screens_again():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await focus(pilot, "lr")
        burst(app, "end", "backspace", "backspace", "backspace", "0", ".", "2", "enter", "s")
        await wait_for(pilot, lambda: view(app).snapshot is not None and view(app).snapshot.step)
        await settle(pilot)
        assert values(app)["lr"] == "0.2"  # not 0.2s: s was the step key again
        assert app.focused is None
        assert view(app).snapshot.step == 1 and view(app).playground.lr == 0.2


def view(app: GradApp) -> PlaygroundView:
    return app.screen.query_one(PlaygroundView)


async def test_keys_that_arrive_together_in_the_code_editor_keep_their_order():
    """The editor's bound keys (arrows, backspace, shift+arrows) took effect after the
    characters typed behind them: ←←X⌫⌫Y at the end of ``yy = 2345`` gave ``yy = 45``."""
    from loop_support import loop_app, loop_ready, view

    app = loop_app("x = 1\nyy = 2345\nz = 3\n")
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        editor = view(app).editor
        editor.focus()
        await pilot.pause()
        burst(app, "down", "end", "left", "left", "X", "backspace", "backspace", "Y")
        await wait_for(pilot, lambda: "Y" in editor.text)
        await pilot.pause()
        assert editor.text.split("\n")[1] == "yy = 2Y45"
        burst(app, "home", "shift+right", "shift+right", "z", "enter", "tab", "w")
        await wait_for(pilot, lambda: "w" in editor.text)
        await pilot.pause()
        assert editor.text.split("\n")[1:3] == ["z", "    w = 2Y45"]
        assert app.focused is editor
