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
