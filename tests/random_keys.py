"""Random terminal input for the real app: keys, control characters, escape sequences.

The input is raw terminal text (what a person or a terminal sends), read by Textual's own
``XTermParser`` and handed to the app's driver as the real input thread does: so the parser
is exercised too, hostile sequences included. Quitting is left out (``ctrl+q`` and the
palette's "Quit" do nothing here) so that every run goes on to its last key.
"""

from __future__ import annotations

import random

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot

PRINTABLE = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-=*/.,;:!?()[]{}<>'\"#_"
)
CONTROL = [chr(c) for c in range(1, 32) if c not in (0x11, 0x1B)]  # all but ctrl+q and ESC
SEQUENCES = sorted(k for k in ANSI_SEQUENCES_KEYS if k.startswith("\x1b"))  # arrows, F-keys...
HOSTILE = [
    "\x1b[999999999999;1H",  # a Kitty-style key whose number is beyond Unicode
    "\x1b[1:2;1u",  # a ':' where the key's code should be
    "\x1b[1;2;99999999999u",  # a key's text beyond Unicode
    "\x1b[65;1;1114112u",
    "\x1b[<0;99999;99999M",  # a click far outside the screen
    "\x1b[<0;5;5M\x1b[<0;5;5m",  # a click in a corner
    "\x1b[<64;10;10M",  # the wheel
    "\x1b[200~[bold]x[/] [@click=app.quit]q[/]\x1b[201~",  # a paste of markup
    "\x1b[200~" + "9" * 300 + "\x1b[201~",  # a long paste
    "\x1b[I",  # focus in and out
    "\x1b[O",
    "\x1b[999;999R",  # a cursor position report
    "\x1b]52;c;aGk=\x07",  # an OSC sequence (the terminal's own, not a key)
    "\x1b",  # a lone escape, then whatever comes next
]
NUMBERS = [0, 1, 2, 5, 9, 13, 48, 99, 127, 200, 1024, 65535, 2**31, 10**12]


def chunk(rng: random.Random) -> str:
    """One piece of terminal input."""
    roll = rng.random()
    if roll < 0.50:
        return rng.choice(PRINTABLE)
    if roll < 0.58:
        return rng.choice(CONTROL)
    if roll < 0.80:
        return rng.choice(SEQUENCES)
    if roll < 0.90:
        return rng.choice(HOSTILE)
    if roll < 0.96:  # a made-up CSI sequence
        params = ";".join(str(rng.choice(NUMBERS)) for _ in range(rng.randint(0, 4)))
        return f"\x1b[{rng.choice(['', '<', '?', '>'])}{params}{rng.choice('ABCDHMmRtu~')}"
    x, y = rng.randint(1, 140), rng.randint(1, 50)  # a click or a wheel turn on the screen
    button = rng.choice([0, 0, 0, 2, 32, 64, 65])
    return f"\x1b[<{button};{x};{y}M\x1b[<{button};{x};{y}m"


def no_quitting(app) -> list[str]:
    """Make ``app`` ignore requests to quit; returns the list they are counted in."""
    asked: list[str] = []

    async def quit_() -> None:
        asked.append("quit")

    app.action_quit = quit_
    return asked


async def type_randomly(pilot: Pilot, seed: int, count: int, pause_every: int = 4) -> int:
    """Send ``count`` random pieces of input to the app; returns how many events they made."""
    rng = random.Random(seed)
    app = pilot.app
    parser = XTermParser()
    made = 0
    for i in range(count):
        for event in parser.feed(chunk(rng)):
            if isinstance(event, events.Key) and event.key == "ctrl+q":
                continue  # quitting is tested elsewhere; here the app must stay up
            app._driver.process_message(event)
            made += 1
        if i % pause_every == 0:
            await pilot.pause()
    for event in parser.feed(""):  # the end of input: a lone escape left pending, say
        app._driver.process_message(event)
    # Let the app take every event in before the test leaves run_test: Textual's test harness
    # closes the screens first, and keys still queued then meet no screen (ScreenStackError).
    # A real app quits through a message queued after them, so they never do.
    for _ in range(200):
        await pilot.pause(0.05)
        if app._message_queue.empty():
            break
    return made
