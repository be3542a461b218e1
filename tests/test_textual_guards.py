"""The crashes random keys found, each on its own: Textual's parser on key sequences it cannot
read, its command palette closed while typing, its header on a screen closed as it opened, and
our dialog answered twice."""

from __future__ import annotations

import gc
import weakref

from random_keys import HOSTILE
from rich.style import Style
from textual import events
from textual._styles_cache import StylesCache
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.color import Color
from textual.command import CommandPalette
from textual.screen import Screen
from textual.style import Style as TextualStyle
from textual.widgets import Button, Header, Input, OptionList
from ui_support import lessons_loaded, wait_for

from gradtui.ui.app import GradApp
from gradtui.ui.screens.confirm import ConfirmScreen
from gradtui.ui.screens.home import HomeScreen
from gradtui.ui.textual_guards import guard_input, guard_option_click, guard_textual

UNREADABLE = ["\x1b[999999999999;1H", "\x1b[1:2;1u", "\x1b[1;2;99999999999u", "\x1b[65;1;1114112u"]


def parse(text: str) -> list:
    parser = XTermParser()
    return [*parser.feed(text), *parser.feed("")]


def test_key_sequences_the_parser_cannot_read_are_dropped():
    assert set(UNREADABLE) <= set(HOSTILE)  # the random keys send them too
    guard_input()
    for sequence in UNREADABLE:
        keys = parse(sequence + "a")
        assert [k.key for k in keys if isinstance(k, events.Key)] == ["a"], sequence
    # what it can read is read as before
    assert [k.key for k in parse("\x1b[97;5u\x1b[A")] == ["ctrl+a", "up"]


def test_the_app_installs_both_guards():
    GradApp(load_torch=False)
    for sequence in UNREADABLE:
        parse(sequence)  # raises without the guard: the driver would end the app
    # on the class: every palette is guarded, the theme picker too
    assert getattr(CommandPalette._gather_commands, "_gradtui_guard", False)


class Titled(Screen):
    """A screen with a header, that names itself when mounted, as each of ours does."""

    def compose(self):
        yield Header()

    def on_mount(self) -> None:
        self.sub_title = "a view"


async def test_a_screen_closed_as_it_opens_keeps_the_app_up():
    """A view opened and closed by two keys that arrive together: the header's title watcher
    (and our screens' on_mount) ran after the widgets were removed (NoMatches: HeaderTitle,
    #playground) and ended the app."""
    app = GradApp(load_torch=False)
    async with app.run_test() as pilot:
        await lessons_loaded(pilot)
        for _ in range(5):
            app.push_screen(Titled())
            app.pop_screen()
            await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.return_code is None
        app.push_screen(Titled())  # and a header that stays still shows its title
        await wait_for(pilot, lambda: app.screen.query(Header))
        header = app.screen.query_one(Header)
        await wait_for(pilot, lambda: "gradtui — a view" in str(header.format_title()))


async def test_a_closed_palette_starts_no_search(monkeypatch):
    """Typing queues its keys on the palette's field; escape closes the palette before they
    are handled, and each then started a search on the palette being removed. When such a
    search ended after the palette's list was gone, it failed (NoMatches: CommandList) and
    the worker's error ended the app."""
    started = []
    search = CommandPalette._gather_commands

    def gather(palette, value):
        started.append((value, palette.is_active))
        return search(palette, value)

    monkeypatch.setattr(CommandPalette, "_gather_commands", gather)
    app = GradApp(load_torch=False)
    async with app.run_test() as pilot:
        await lessons_loaded(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await wait_for(pilot, lambda: started)  # its first search, on opening
        palette = app.screen
        palette.post_message(Input.Changed(palette.query_one(Input), "sand"))  # typed...
        palette._action_escape()  # ...and escape, handled first
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(pilot, lambda: not palette.is_attached)  # its queued keys are handled
        await pilot.pause()
        assert started == [("", True)]  # the palette's first search only
        assert app.is_running and app.return_code is None


async def test_a_dialog_answered_twice_closes_once():
    """Two answers on their way at once (a key's binding and a button's queued ``Pressed``
    run in different tasks): the second ``dismiss`` popped the screen below, here the last
    one (ScreenStackError)."""
    app = GradApp(load_torch=False)
    answers = []
    async with app.run_test() as pilot:
        await lessons_loaded(pilot)
        app.push_screen(ConfirmScreen("Sure?"), answers.append)
        await wait_for(pilot, lambda: app.screen.query("#no"))
        dialog = app.screen
        no = dialog.query_one("#no", Button)
        app.call_later(dialog.action_answer, True)  # y
        app.call_later(dialog.on_button_pressed, Button.Pressed(no))  # and a click on No
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()  # the second answer, queued, is handled too
        assert answers == [True] and len(app.screen_stack) == 1
        assert app.is_running and app.return_code is None


async def test_a_key_that_arrives_after_the_last_screen_closed_is_dropped():
    """Random keys: a key queued behind the one that quits met an empty screen stack."""
    app = GradApp()
    async with app.run_test() as pilot:
        await pilot.pause()
    assert not app.screen_stack
    await app.on_event(events.Key("x", "x"))  # raised ScreenStackError


async def test_a_click_on_an_option_that_has_gone_is_dropped():
    """Random clicks on the command palette: a click read its option's number from the frame
    on screen after the palette's search had cut the list down (IndexError in
    ``OptionList._on_click``), which ended the app."""
    guard_option_click()
    chosen = []

    class Options(App):
        def compose(self):
            yield OptionList("one", "two")

        def on_option_list_option_selected(self, event) -> None:
            chosen.append(event.option_index)

    app = Options()
    async with app.run_test() as pilot:
        options = app.query_one(OptionList)

        def click(option: int) -> events.Click:
            meta = Style(meta={"option": option})
            return events.Click(options, 1, option, 0, 0, 1, False, False, False, style=meta)

        options.post_message(click(7))  # the list was longer when the frame was drawn
        options.post_message(click(1))  # a click on an option that is there still works
        await wait_for(pilot, lambda: chosen)
        assert chosen == [1] and app.is_running and app.return_code is None


def test_a_widgets_drawing_cache_is_freed_with_it():
    """A widget's drawing cache (its last lines) goes when the widget goes: Textual's cache of
    two styles per pair of colours kept the last 1,024 of them alive, with every line they
    drew (about 250,000 objects after a few dozen apps)."""
    guard_textual()
    cache = StylesCache()
    cache.get_inner_outer(Color(10, 20, 30), Color(200, 100, 0, 0.5))
    freed = weakref.ref(cache)
    del cache
    gc.collect()
    assert freed() is None


def test_the_drawing_caches_styles_are_textuals():
    guard_textual()
    base, background = Color(10, 20, 30), Color(200, 100, 0, 0.5)
    inner, outer = StylesCache().get_inner_outer(base, background)
    assert inner == TextualStyle(background=base + background)
    assert outer == TextualStyle(background=base)
