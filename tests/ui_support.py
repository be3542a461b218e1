"""Helpers for driving the real app in tests: wait for torch, read the screen as text."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console
from textual.pilot import Pilot


def screen_text(app) -> str:
    """What the terminal shows, as plain text lines: the screen (and the screens under a
    dialog) as Textual's screenshot renders it, without the screenshot's SVG."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    lines = console.export_text(styles=False).replace("\xa0", " ").split("\n")[:height]
    return "\n".join([line.rstrip() for line in lines] + [""] * (height - len(lines)))


async def wait_for(
    pilot: Pilot, condition, timeout: float = 60.0, step: float = 0.05, state=None
) -> None:
    """Pause until ``condition()`` holds (torch loading, a run stopping...), then until the
    screen has handled what is pending (a condition that holds at once returns at once).
    ``state()``, if given, says what was there instead when it times out.

    The app runs while this sleeps: a Pilot pause between looks would also walk every widget
    on the screen and wait for each to answer (5-7 ms of CPU at each look), so the screen is
    settled once, when the condition holds."""
    if condition():
        return
    waited = 0.0
    while True:
        while not condition():
            if waited >= timeout:
                seen = f"; instead: {state()!r}" if state is not None else ""
                raise AssertionError(f"timed out after {timeout} s waiting for {condition}{seen}")
            await asyncio.sleep(step)
            waited += step
        await pilot.pause()
        if condition():
            return


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
    """Wait until the lessons and torch are loaded, every playground on screen has drawn and
    a lesson's text is in place."""
    from gradtui.ui.widgets.playground_view import PlaygroundView
    from gradtui.ui.widgets.prose import Prose

    await wait_for(pilot, lambda: pilot.app.lessons_loaded)
    await wait_for(pilot, lambda: all(p.rendered for p in pilot.app.screen.query(Prose)))
    await wait_for(pilot, lambda: pilot.app.torch_ready)
    await wait_for(pilot, lambda: all(v.settled for v in pilot.app.screen.query(PlaygroundView)))
    await pilot.pause(0.1)


def burst(app, *keys: str) -> None:
    """Post ``keys`` (characters or key names) at once, as the terminal driver does with keys
    that arrive together (a fast typist, tmux send-keys, a key held down): all before the app
    handles one. The key and character of each are worked out as ``pilot.press`` does."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            character = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            character = key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


async def type_keys(pilot: Pilot, *keys: str) -> None:
    """Type ``keys`` as a quick typist does (``burst``), then wait until the app has handled
    them all. ``pilot.press`` instead waits at least 40 ms after each key and paints the
    screen each time: for a test that types whole lines, most of its time.

    For keys that edit the focused field or editor (characters, backspace, arrows, enter in
    the editor): a key that moves the focus or opens a screen goes through ``press``, so that
    the next key finds where it went."""
    app = pilot.app
    burst(app, *keys)
    await pilot.pause()
    for _ in range(3):  # the app hands each key to the focused widget, which acts on it
        await wait_for(pilot, lambda: app._message_queue.empty())
        await pilot.pause()


async def type_into(pilot: Pilot, name: str, text: str, enter: bool = True) -> None:
    """Click the field ``#name`` (again if a notice over it took the click, as one would),
    rub out what is there, type ``text`` and, with ``enter``, press enter."""
    field = pilot.app.screen.query_one(f"#{name}")
    for _ in range(20):
        await pilot.click(f"#{name}")
        if pilot.app.focused is field:
            break
        await pilot.pause(0.25)
    assert pilot.app.focused is field, f"a click on #{name} did not reach it"
    keys = ["end", *["backspace"] * len(field.value), *text, *(["enter"] if enter else [])]
    await type_keys(pilot, *keys)
