"""Guards on five of Textual's own failures, each where it starts (docs/textual-input.md).

**The input parser.** Textual reads keys in its own input thread with ``XTermParser``; if the
parser raises, the driver ends the app (``App.panic``) and no key reaches it any more. The
parser's reading of Kitty-protocol key sequences (``ESC [ code ; modifiers ; text u``, and the
same shape ending in ``~ A-H P-S``) turns each number into a character with ``chr(int(...))``,
so a number out of Unicode's range, or a ``:`` where a plain number is expected, raises: one
such sequence (``ESC[999999999999;1H``, ``ESC[1:2;1u``, ``ESC[1;2;99999999999u``), typed,
pasted outside a bracketed paste, or sent by a terminal, ended the app. ``guard_input`` wraps
only that method: a sequence it cannot read becomes Textual's own "ignore" key, which the
parser already drops; everything else is read as before.

**The command palette.** Typing in the palette queues an ``Input.Changed`` message on it;
closing it (escape, enter) at once cancels its search and pops it, but the queued message is
still handled and starts a new search on a palette that is being removed. That search then
fails (``NoMatches: CommandList``) and the worker's error ends the app. ``guard_palette``
makes a palette start no search once it is no longer the screen on top: every palette, the
theme picker included.

**A screen closed as it opens.** Two keys that arrive together (a paste without bracketed
paste, key repeat) can open a view and close it before it has mounted: Textual removes its
widgets, then still runs the screen's ``on_mount``, its header's title watcher and the like,
and their queries for widgets that are gone fail with ``NoMatches``, which ends the app. Such a
query runs for a screen nobody will see again; ``closed_as_it_opened`` recognises it, and the
app logs it instead (``GradApp._handle_exception``).

**A click on an option that has just gone.** An ``OptionList`` (the command palette's list of
commands) reads which option a click hit from the frame on screen, then indexes its options
with it; when the list has been cut down meanwhile (the palette's search replaced the options
between the frame and the click), the index is past the end and the ``IndexError`` ended the
app. ``guard_option_click`` drops such a click: it hit nothing that is still there.

All four found with Textual 8.2.8 by the random-keys tests (tests/test_random_keys.py).

**Dead widgets' drawings kept alive.** Each widget draws through a ``StylesCache`` that keeps
its last lines (Textual ``Strip`` objects, seven small caches each). Its ``get_inner_outer``
(two styles for two colours) is cached with ``functools.lru_cache`` on a method, so the cache's
keys hold the ``StylesCache`` itself: the last 1,024 widgets to draw stay alive with their
lines long after their screen has closed, about 250,000 objects that every full collection
walks while holding the GIL (0.1-0.4 s each). ``guard_render_cache`` caches those styles on
the two colours alone. Found with Textual 8.2.8 by counting what outlives the tests' apps.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from textual import events
from textual._styles_cache import StylesCache
from textual._xterm_parser import XTermParser
from textual.color import Color
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.dom import DOMNode, NoScreen
from textual.keys import Keys
from textual.screen import Screen
from textual.style import Style
from textual.widgets import OptionList

if TYPE_CHECKING:
    from textual.app import App


def guard_textual() -> None:
    """Install the guards of the parser, the palette, option lists and drawing caches (once
    per process): call before the app reads any input. The other is the app's:
    ``closed_as_it_opened``."""
    guard_input()
    guard_palette()
    guard_option_click()
    guard_render_cache()


def guard_input() -> None:
    """Make the parser drop the key sequences it cannot read."""
    method = XTermParser._parse_extended_key
    if getattr(method, "_gradtui_guard", False):
        return

    @functools.wraps(method)
    def guarded(self: XTermParser, sequence: str) -> Any:
        try:
            return method(self, sequence)
        except (ValueError, OverflowError):  # chr() or int() of a number it cannot use
            return [events.Key(Keys.Ignore, sequence)]

    guarded._gradtui_guard = True  # type: ignore[attr-defined]
    XTermParser._parse_extended_key = guarded  # type: ignore[method-assign]


def guard_palette() -> None:
    """Make a command palette start no search once it has been closed."""
    method = CommandPalette._gather_commands
    if getattr(method, "_gradtui_guard", False):
        return

    @functools.wraps(method)
    def guarded(self: CommandPalette, search_value: str) -> Any:
        if self.is_active:  # not a search asked for by typing queued before it closed
            return method(self, search_value)
        return None

    guarded._gradtui_guard = True  # type: ignore[attr-defined]
    CommandPalette._gather_commands = guarded  # type: ignore[method-assign]


def guard_option_click() -> None:
    """Make an option list drop a click on an option it no longer has."""
    method = OptionList._on_click
    if getattr(method, "_gradtui_guard", False):
        return

    @functools.wraps(method)
    async def guarded(self: OptionList, event: events.Click) -> None:
        clicked = event.style.meta.get("option")
        if clicked is None or 0 <= clicked < self.option_count:
            await method(self, event)

    guarded._gradtui_guard = True  # type: ignore[attr-defined]
    OptionList._on_click = guarded  # type: ignore[method-assign]


def guard_render_cache() -> None:
    """Make widgets' drawing caches let go of the widgets that drew through them."""
    method = StylesCache.get_inner_outer
    if getattr(method, "_gradtui_guard", False):
        return

    @functools.lru_cache(1024)
    def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
        return method.__wrapped__(None, base_background, background)

    def guarded(self: StylesCache, base_background: Color, background: Color) -> Any:
        return inner_outer(base_background, background)

    guarded._gradtui_guard = True  # type: ignore[attr-defined]
    StylesCache.get_inner_outer = guarded  # type: ignore[method-assign]


def closed_as_it_opened(app: App, error: BaseException) -> bool:
    """Whether ``error`` is a query that found nothing because the screen it looked in has
    been closed meanwhile (its widgets are being removed): harmless, the screen is gone.

    The node queried is the ``self`` of the ``query_one`` that raised; a worker's failure is
    looked at through the error it wraps.
    """
    error = getattr(error, "error", error)  # WorkerFailed
    if not isinstance(error, NoMatches):
        return False
    node = None
    tb = error.__traceback__
    while tb is not None:  # the innermost query_one is the one that raised
        if tb.tb_frame.f_code.co_name in ("query_one", "query_exactly_one"):
            node = tb.tb_frame.f_locals.get("self")
        tb = tb.tb_next
    if not isinstance(node, DOMNode) or node is app:
        return False
    try:
        screen = node if isinstance(node, Screen) else node.screen
    except NoScreen:  # taken off its screen already
        return True
    return screen not in app.screen_stack
