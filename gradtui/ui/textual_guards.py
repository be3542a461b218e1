"""Guards on two of Textual's own failures, each where it starts (details: docs/textual-input.md).

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

Both found with Textual 8.2.8 by the random-keys tests (tests/test_random_keys.py).
"""

from __future__ import annotations

import functools
from typing import Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.command import CommandPalette
from textual.keys import Keys


def guard_textual() -> None:
    """Install both guards (once per process): call before the app reads any input."""
    guard_input()
    guard_palette()


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
