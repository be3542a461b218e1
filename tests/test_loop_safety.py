"""The learner's code is text: in the loop playground's editor, its printed output, its errors
and refusals (which quote it), and the notices of an export, markup-like text shows as typed
and control characters never reach the screen."""

from __future__ import annotations

import pytest
from loop_support import ended, loop_app, loop_ready, settled, view
from safety_support import click_links, widget_findings
from textual import events
from ui_support import screen_text, wait_for

SIZE = (120, 40)
PASTED = "y = 2  # \x1b]0;pasted title\x07\x1b]52;c;aGk=\x1b\\ \u202e\n"
PRINTS = """\
# [@click=app.screenshot('typed.svg','.')]1[/]
s = "x[/] [link=https://example.com]y"
print(s)
print("[bold", "[@click=app.quit]q")
"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty current folder, where a screenshot action would write."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def nothing_happened(pilot, where: str, folder) -> None:
    clicked = await click_links(pilot)
    await pilot.pause()
    assert pilot.app.is_running, f"{where}: the app stopped"
    assert list(folder.iterdir()) == [], f"{where}: a file was written"
    findings = widget_findings(pilot.app)
    assert not findings, f"{where}: " + "\n".join(map(str, findings[:5]))
    assert not clicked, f"{where}: link-looking cells {clicked[:5]}"


async def test_printed_markup_shows_as_printed(folder):
    app = loop_app(PRINTS)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loop_ready(pilot)
        text = screen_text(app)
        assert "[@click=app.screenshot('typed.svg','.')]1[/]" in text  # in the editor
        await pilot.press("f3", "f3", "f3", "f3", "f3", "f5")
        await ended(pilot)
        assert view(app).frame.result.status == "finished"
        text = screen_text(app)
        assert "x[/] [link=https://example.com]y" in text
        assert "[bold [@click=app.quit]q" in text
        await nothing_happened(pilot, "printed", folder)


@pytest.mark.parametrize(
    "code",
    [
        "import os  # [/] [@click=app.quit]q\n",  # refused: the refusal quotes the line
        "x = torch.tensor(1.)\ny = x.nope_[/]\n",  # refused: an attribute that is not allowed
        "x = [1, 2]\nprint(x[5])  # [bold\n",  # Python's error, quoting the line
    ],
    ids=["import", "attribute", "error"],
)
async def test_refusals_and_errors_quote_the_code_as_text(code, folder):
    app = loop_app(code)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loop_ready(pilot)
        await pilot.press("f5")
        await settled(pilot)
        loop = view(app)
        await wait_for(pilot, lambda: loop.refusal or (loop.frame and loop.frame.ended))
        quoted = code.splitlines()[-1].strip()
        assert quoted in screen_text(app)
        await nothing_happened(pilot, "run", folder)
        await pilot.press("escape", "e")  # export: refused code is not exported, and says why
        await pilot.pause(0.2)
        assert app.is_running
        if loop.refusal:
            assert "cannot export" in screen_text(app)
            await nothing_happened(pilot, "export", folder)


async def test_control_characters_never_reach_the_editor(folder):
    app = loop_app("x = 1  # \x1b[2J\x1b]0;title\x07 \u202e\n")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loop_ready(pilot)
        loop = view(app)
        assert loop.text == "x = 1  # [2J]0;title \n"
        loop.editor.move_cursor((1, 0))
        app.post_message(events.Paste(PASTED))  # as the terminal sends it: to the focused editor
        await wait_for(pilot, lambda: "y = 2" in loop.text)
        assert "\x1b" not in loop.text and "\u202e" not in loop.text and "\x07" not in loop.text
        assert "pasted title" in loop.text
        await nothing_happened(pilot, "pasted", folder)


async def test_pasted_lines_stay_lines_whatever_ends_them(folder):
    """GNOME's terminal and tmux send a pasted line break as a carriage return."""
    app = loop_app("x = 1\n")
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        loop = view(app)
        loop.editor.move_cursor((1, 0))
        app.post_message(events.Paste("a = 2\rb = 3\r\nc = a + b\r"))
        await wait_for(pilot, lambda: "c = a + b" in loop.text)
        assert loop.text == "x = 1\na = 2\nb = 3\nc = a + b\n"
