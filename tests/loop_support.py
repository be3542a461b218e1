"""Driving the loop playground as a learner does: keys into the editor, F-keys to run."""

from __future__ import annotations

from ui_support import wait_for

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.loop_view import LoopView

BLANK = "___"


def loop_app(code: str | None = None) -> GradApp:
    """The app opened on the sandbox's loop playground (``code`` '' or None: its starter)."""
    return GradApp(sandbox=Playground(), loop=code or "")


def view(app: GradApp) -> LoopView:
    return app.screen.query_one(LoopView)


async def loop_ready(pilot) -> None:
    """torch loaded and the loop playground on screen, nothing stepping."""
    await wait_for(pilot, lambda: pilot.app.torch_ready)
    await wait_for(pilot, lambda: bool(pilot.app.screen.query(LoopView)))
    await wait_for(pilot, lambda: view(pilot.app).settled)
    await pilot.pause(0.1)


async def settled(pilot, timeout: float = 60.0) -> None:
    """Wait until nothing steps and the panels show the run's latest frame."""
    await pilot.pause(0.05)
    await wait_for(pilot, lambda: view(pilot.app).settled, timeout=timeout)
    await pilot.pause(0.05)


async def ended(pilot, timeout: float = 120.0) -> None:
    """Wait until the run on screen has ended."""
    v = view(pilot.app)
    await wait_for(pilot, lambda: v.frame is not None and v.frame.ended, timeout=timeout)
    await settled(pilot, timeout)


async def go_to(pilot, row: int, column: int) -> None:
    """Move the editor's cursor to (row, column) with the arrow keys, as a learner would."""
    editor = view(pilot.app).editor
    for _ in range(200):  # long lines wrap: a press of up or down may stay on the line
        now_row = editor.cursor_location[0]
        if now_row == row:
            break
        await pilot.press("up" if now_row > row else "down")
    now_column = editor.cursor_location[1]
    keys = ["left"] * (now_column - column) if now_column > column else []
    await pilot.press(*keys, *["right"] * max(0, column - now_column))
    assert editor.cursor_location == (row, column)


def blank_in(line: str) -> int:
    """The column of the line's blank in code (not in a comment), or -1."""
    at, comment = line.find(BLANK), line.find("#")
    return at if at >= 0 and (comment < 0 or at < comment) else -1


async def fill_blank(pilot, text: str) -> None:
    """Select the first ``___`` of the code with shift+arrows and type ``text`` over it."""
    editor = view(pilot.app).editor
    lines = editor.text.split("\n")
    row = next(i for i, line in enumerate(lines) if blank_in(line) >= 0)
    await go_to(pilot, row, blank_in(lines[row]))
    await pilot.press(*["shift+right"] * len(BLANK))
    await pilot.press(*list(text))


def blanks_filled(starter: str, solution: str) -> list[str]:
    """What each blank of ``starter`` becomes in ``solution`` (one blank a line, in order)."""
    fills = []
    for before, after in zip(starter.split("\n"), solution.split("\n"), strict=True):
        if blank_in(before) >= 0:
            at = blank_in(before)
            head, tail = before[:at], before[at + len(BLANK) :]
            assert after.startswith(head) and after.endswith(tail), (before, after)
            fills.append(after[len(head) : len(after) - len(tail)])
    return fills


async def retype_lines(pilot, solution: str) -> None:
    """Select every line that differs from ``solution`` (shift+end) and type it anew."""
    editor = view(pilot.app).editor
    wanted = solution.split("\n")
    assert len(editor.text.split("\n")) == len(wanted)
    for row, line in enumerate(wanted):
        if editor.document.get_line(row) != line:
            await go_to(pilot, row, 0)
            await pilot.press("shift+end")
            end = len(editor.document.get_line(row))
            while editor.selection.end[1] < end:  # a wrapped line: on to its end
                await pilot.press("shift+right")
            await pilot.press(*list(line))
