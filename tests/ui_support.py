"""Helpers for driving the real app in tests: wait for torch, read the screen as text."""

from __future__ import annotations

import html
import re

from textual.pilot import Pilot

_TEXT = re.compile(
    r'<text [^>]*?x="([\d.]+)"[^>]*clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>([^<]*)</text>'
)
CHAR_WIDTH = 12.2  # Textual's SVG export: one terminal cell is 12.2 units wide


def screen_text(app) -> str:
    """What the terminal shows, as plain text lines (from Textual's own screenshot)."""
    width, height = app.size
    grid = [[" "] * width for _ in range(height)]
    for x, number, chunk in _TEXT.findall(app.export_screenshot()):
        row, col = int(number), round(float(x) / CHAR_WIDTH)
        for i, ch in enumerate(html.unescape(chunk).replace("\xa0", " ")):
            if row < height and col + i < width:
                grid[row][col + i] = ch
    return "\n".join("".join(line).rstrip() for line in grid)


async def wait_for(
    pilot: Pilot, condition, timeout: float = 60.0, step: float = 0.05, state=None
) -> None:
    """Pause until ``condition()`` holds (torch loading, a run stopping...). ``state()``, if
    given, says what was there instead when it times out."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            seen = f"; instead: {state()!r}" if state is not None else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {condition}{seen}")
        await pilot.pause(step)
        waited += step


async def fields_applied(pilot: Pilot) -> None:
    """Wait until every key sent is handled and every settings form on screen has applied
    what was typed (its debounce has fired), then for ``ready``."""
    from gradtui.ui.widgets.settings_form import SettingsForm

    forms = pilot.app.screen.query(SettingsForm)

    def quiet() -> bool:
        return pilot.app._message_queue.empty() and all(form._timer is None for form in forms)

    for _ in range(3):  # a key reaches the app, then its field, which tells the form
        await pilot.pause()
        await wait_for(pilot, quiet)
    await ready(pilot)


async def lessons_loaded(pilot: Pilot) -> None:
    """Wait until the app has read the lesson files (a moment after its first paint)."""
    await wait_for(pilot, lambda: pilot.app.lessons_loaded)
    await pilot.pause()


async def ready(pilot: Pilot) -> None:
    """Wait until the lessons and torch are loaded and every playground on screen has drawn."""
    from gradtui.ui.widgets.playground_view import PlaygroundView

    await wait_for(pilot, lambda: pilot.app.lessons_loaded)
    await wait_for(pilot, lambda: pilot.app.torch_ready)
    await wait_for(pilot, lambda: all(v.settled for v in pilot.app.screen.query(PlaygroundView)))
    await pilot.pause(0.1)
