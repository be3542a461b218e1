"""The command palette as a learner opens it: lessons in counting order, titles as written."""

from __future__ import annotations

import re

from lesson_support import TINY_LESSON
from textual.command import CommandList, CommandPalette
from ui_support import lessons_loaded, screen_text, wait_for

from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.ui.app import GradApp

# Tall enough for the palette to show every entry (two lines each) without scrolling.
SIZE = (100, 120)


async def open_palette(pilot, query: str = "") -> list[str]:
    """Press ctrl+p (and type ``query``); the titles the palette then lists, top to bottom."""
    await lessons_loaded(pilot)
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    if query:
        await pilot.press(*query)
    palette = pilot.app.screen
    await wait_for(pilot, lambda: palette.has_class("-ready"))
    await pilot.pause()
    commands = palette.query_one(CommandList)
    return [commands.get_option_at_index(i).hit.text for i in range(commands.option_count)]


async def test_palette_lists_the_lessons_in_counting_order():
    shipped = load_lessons([shipped_lessons_dir()])[0]
    app = GradApp(load_torch=False)
    async with app.run_test(size=SIZE) as pilot:
        titles = await open_palette(pilot)
        numbers = [int(m[1]) for t in titles if (m := re.match(r"Lesson (\d+):", t))]
        assert numbers == list(range(1, len(shipped) + 1)) and len(shipped) >= 21
        # and on screen, as a learner reads it: lesson 2 above lesson 10
        lines = screen_text(app).splitlines()
        row = {n: i for i, line in enumerate(lines) for n in (2, 10) if f"Lesson {n}:" in line}
        assert row[2] < row[10]


async def test_palette_shows_a_lesson_title_as_written_not_as_markup(tmp_path):
    title = "Weights [b]and[/b] biases [/]"
    folder = tmp_path / "mine"
    folder.mkdir()
    text = TINY_LESSON.replace('title = "Tiny"', f'title = "{title}"').replace(
        "order = 1", "order = 16"
    )
    (folder / "16-tiny.md").write_text(text, encoding="utf-8")
    app = GradApp(load_torch=False, lesson_dirs=[folder])
    async with app.run_test(size=SIZE) as pilot:
        titles = await open_palette(pilot)
        assert f"Lesson 16: {title}" in titles
        assert f"Lesson 16: {title}" in screen_text(app)
        await pilot.press("escape")
        titles = await open_palette(pilot, "weights")
        assert titles[0] == f"Lesson 16: {title}"
        assert f"Lesson 16: {title}" in screen_text(app)


async def test_a_lessons_keys_are_in_the_palette_with_the_helps_words(tmp_path):
    """At 80×24 a code task's ctrl+o (the variables and output in place of the code) and F12
    (the prose) were keys only; the palette lists the lesson's keys that are on, in the help's
    words, and choosing one does what its key does."""
    from ui_support import ready

    from gradtui.curriculum.progress import ProgressStore

    app = GradApp(lesson="17", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Panels"].startswith("The variables and output")  # not where: here
        assert commands["Panels"].endswith("(ctrl+o)")
        assert commands["Prose"].endswith("(F12 or z)")
        assert "Run/Pause" in commands and "Hint" not in commands  # the editor has the keys
        await open_palette(pilot, "Panels")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#loop-vars-box").display)
        assert "variables" in screen_text(app)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert "Code" in commands and "Panels" not in commands  # ctrl+o now shows the code
