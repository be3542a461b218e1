"""Every lesson's prose at 120×40 and 80×24: each code line of the Markdown source is on the
screen whole (a long one goes on in rows marked ↪), and no table cell is cut short.

The walk goes from lesson 1 to the last with ``n``, as a learner does, so it also shows that
each lesson's screen opens from the one before; every lesson's screen with torch loaded and
its check settled is in tests/test_snapshots_lessons.py (1-15, 17) and its tasks solved in
tests/test_lesson_solves.py and tests/test_loop_lessons_ui.py."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from textual.widgets._markdown import MarkdownFence, MarkdownTable, MarkdownTableCellContents
from ui_support import lessons_loaded, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.prose_blocks import CONTINUATION

BOX = "│─┌┐└┘├┤┬┴┼╭╮╰╯▁▂▃▄▅▆▇█"


def squash(text: str) -> str:
    """Text without whitespace or box lines: how a wrapped or folded text is compared."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in BOX)


def source_blocks(body: str) -> tuple[list[list[str]], list[list[list[str]]]]:
    """The lesson's code blocks (their lines) and tables (rows of cell texts as rendered)."""
    fences: list[list[str]] = []
    tables: list[list[list[str]]] = []
    in_table = False
    for token in MarkdownIt("gfm-like").parse(body):
        if token.type in ("fence", "code_block"):
            fences.append(token.content.rstrip().split("\n"))
        elif token.type in ("table_open", "table_close"):
            in_table = token.type == "table_open"
            tables += [[]] if in_table else []
        elif token.type == "tr_open":
            tables[-1].append([])
        elif token.type == "inline" and in_table:
            tables[-1][-1].append("".join(child.content for child in token.children or ()))
    return fences, tables


class ProseReader:
    """Reads widgets' rows off the screen, scrolling the prose only when one is out of view."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.prose = pilot.app.screen.query_one("#prose")
        self.lines: list[str] | None = None

    async def _scrolled(self) -> None:
        await self.pilot.pause()
        self.lines = None

    async def rows(self, widget) -> list[str]:
        """The screen rows of ``widget``'s content, top to bottom."""
        view = self.prose.content_region
        height = widget.content_size.height
        if not (
            view.y <= widget.content_region.y and widget.content_region.y + height <= view.bottom
        ):
            self.prose.scroll_to_widget(widget, animate=False, top=True)
            await self._scrolled()
        rows: list[str] = []
        while len(rows) < height:
            region = widget.content_region
            if self.lines is None:
                self.lines = screen_text(self.pilot.app).splitlines()
            first = region.y + len(rows)
            last = min(region.y + height, view.bottom)
            assert first < last, f"{widget!r} is not in view"
            for y in range(first, last):
                line = self.lines[y] if y < len(self.lines) else ""
                rows.append(line[region.x : region.right].ljust(region.width))
            if len(rows) < height:
                self.prose.scroll_relative(y=last - first, animate=False)
                await self._scrolled()
        return rows


def logical_lines(rows: list[str]) -> list[list[str]]:
    """Rows joined back into lines: a row starting with ↪ (after the indentation) goes on the
    row before. Each line is the list of its rows' texts, without the marker."""
    lines: list[list[str]] = []
    for row in rows:
        text = row.rstrip()
        if text.lstrip().startswith(CONTINUATION) and lines:
            lines[-1].append(text.lstrip()[len(CONTINUATION) :])
        else:
            lines.append([text])
    return lines


async def check_lesson(pilot, lesson, size) -> None:
    screen = pilot.app.screen
    reader = ProseReader(pilot)
    fences, tables = source_blocks(lesson.body)
    where = f"lesson {lesson.order} at {size[0]}×{size[1]}"
    shown = [fence.query_one("#code-content") for fence in screen.query(MarkdownFence)]
    assert len(shown) == len(fences), where
    for code, source in zip(shown, fences, strict=True):
        lines = logical_lines(await reader.rows(code))
        assert len(lines) == len(source), (where, source, lines)
        for line, parts in zip(source, lines, strict=True):
            assert squash("".join(parts)) == squash(line), (where, line, parts)
            for part in parts:  # each row is a piece of the line, in its order
                assert part.strip() in line, (where, line, parts)
    assert len(screen.query(MarkdownTable)) == len(tables), where
    for table, source in zip(screen.query(MarkdownTable), tables, strict=True):
        if table.has_class("-stacked"):
            text = squash("".join(await reader.rows(table.query_one(".stacked"))))
            for row in source[1:]:
                for header, cell in zip(source[0], row, strict=True):
                    assert squash(f"{header}: {cell}") in text, (where, header, cell, text)
        else:
            cells = list(table.query(MarkdownTableCellContents))
            expected = [cell for row in source for cell in row]
            assert len(cells) == len(expected), where
            for widget, cell in zip(cells, expected, strict=True):
                text = "".join(await reader.rows(widget))
                assert "…" not in text or "…" in cell, (where, cell, text)
                assert squash(text) == squash(cell), (where, cell, text)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_every_code_line_and_table_cell_is_shown_whole(size, tmp_path):
    app = GradApp(lesson="1", store=ProgressStore(tmp_path / "p.json"), load_torch=False)
    async with app.run_test(size=size) as pilot:
        await lessons_loaded(pilot)
        for index in range(len(app.lessons)):
            if index:
                app.screen.set_focus(None)  # a typed-answer task starts in its field
                await pilot.press("n")
            await wait_for(pilot, lambda i=index: getattr(app.screen, "index", None) == i)
            if not app.screen.prose_shown:  # a code task on a narrow terminal: F12 shows it
                await pilot.press("f12")
                await wait_for(pilot, lambda: app.screen.prose_shown)
            await pilot.pause(0.2)
            await check_lesson(pilot, app.screen.lesson, size)
