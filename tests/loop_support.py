"""Driving the loop playground as a learner does: keys into the editor, F-keys to run."""

from __future__ import annotations

from ui_support import type_keys, wait_for

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
        await type_keys(pilot, *["up" if now_row > row else "down"] * abs(now_row - row))
    now_column = editor.cursor_location[1]
    keys = ["left"] * (now_column - column) if now_column > column else []
    await type_keys(pilot, *keys, *["right"] * max(0, column - now_column))
    assert editor.cursor_location == (row, column), (editor.cursor_location, row, column, keys)


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
    await type_keys(pilot, *["shift+right"] * len(BLANK), *text)


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
            await type_keys(pilot, *line)


async def select_to(pilot, row: int, column: int) -> None:
    """Extend the selection from the cursor to (row, column) with shift+arrows."""
    editor = view(pilot.app).editor
    for _ in range(400):  # a wrapped line takes a press of shift+down per screen row
        now = editor.selection.end
        if now[0] == row:
            break
        await type_keys(pilot, *["shift+up" if now[0] > row else "shift+down"] * abs(now[0] - row))
    now_column = editor.selection.end[1]
    keys = ["shift+left"] * (now_column - column) if now_column > column else []
    await type_keys(pilot, *keys, *["shift+right"] * max(0, column - now_column))
    assert editor.selection.end == (row, column)


async def type_text(pilot, text: str) -> None:
    """Type ``text`` key by key, enter for each new line."""
    keys: list[str] = []
    for number, line in enumerate(text.split("\n")):
        keys += ["enter"] * bool(number) + list(line)
    await type_keys(pilot, *keys)


async def edit_into(pilot, wanted: str) -> None:
    """Change the editor's code into ``wanted`` as a learner would: for each run of lines
    that differ (last first, so the rows above stay put), select the old lines with
    shift+arrows and type the new ones over them; a new line is typed after the one above."""
    import difflib

    editor = view(pilot.app).editor
    old, new = editor.text.split("\n"), wanted.split("\n")
    blocks = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(blocks):
        if tag == "equal":
            continue
        typed = "\n".join(new[j1:j2])
        if i1 == i2:  # an insertion: after the end of the line above (or before line 1)
            if i1 == 0:
                await go_to(pilot, 0, 0)
                await type_text(pilot, typed + "\n")
            else:
                await go_to(pilot, i1 - 1, len(old[i1 - 1]))
                await type_text(pilot, "\n" + typed)
            continue
        await go_to(pilot, i1, 0)
        if j1 == j2 and i2 < len(old):  # a deletion: the lines and their line ends
            await select_to(pilot, i2, 0)
            await pilot.press("backspace")
        elif j1 == j2:  # the last lines: from the end of the line above
            await go_to(pilot, i1 - 1, len(old[i1 - 1]))
            await select_to(pilot, i2 - 1, len(old[i2 - 1]))
            await pilot.press("backspace")
        else:
            await select_to(pilot, i2 - 1, len(old[i2 - 1]))
            await type_text(pilot, typed)
    assert editor.text == wanted
