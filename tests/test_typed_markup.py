"""What a learner types is text: markup-like input is shown as typed, never run or parsed.

Each field of each screen gets text that looks like Textual markup (an unclosed ``[/]``, a
``[link=...]``, an ``[@click=...]`` action) and a pasted terminal escape. The app must stay
up, say what is wrong quoting the text as it was typed, draw no action, link or control
character, and write no file when every link-looking cell is clicked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from safety_support import click_links, widget_findings
from textual import events
from ui_support import ready, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.screens.import_data import ImportDataScreen
from gradtui.ui.screens.lr_compare import LrCompareScreen
from gradtui.ui.screens.optimizers import FIELDS as OPTIMIZER_FIELDS
from gradtui.ui.screens.optimizers import OptimizersScreen
from gradtui.ui.widgets.task_panel import TaskStatus

SIZE = (120, 40)
TYPED = [
    "x[/]",
    "1[/]",
    "x[link=https://example.com]y",
    "[@click=app.screenshot('typed.svg','.')]1[/]",
    "[bold",
]
PASTED = "1\x1b]0;pasted title\x07\x1b]52;c;aGk=\x1b\\"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """An empty current folder, where a screenshot action would write."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def _type_each(pilot, fields: list[str], errors: list[str], folder: Path) -> None:
    """Put each hostile text in all ``fields`` at once (enter applies them), then paste an
    escape into the first; the ``errors`` must quote the text as it was typed."""
    app = pilot.app
    for text in TYPED:
        for field in fields:
            app.screen.query_one(f"#{field}").value = text
        app.screen.query_one(f"#{fields[0]}").focus()
        await pilot.press("enter")
        for error in errors:
            await wait_for(pilot, lambda error=error: _said(app, error) != "")
            said = _said(app, error)
            assert text[:3] in said, (error, text, said)  # quoted as typed
        await _nothing_happened(pilot, f"{fields} = {text!r}", folder, widgets=False)
    box = app.screen.query_one(f"#{fields[0]}")
    box.focus()
    box.value = ""
    app.post_message(events.Paste(PASTED))  # as the terminal sends it: to the focused field
    await wait_for(pilot, lambda: box.value != "")
    await pilot.press("enter")
    await wait_for(pilot, lambda: _said(app, errors[0]) != "")
    await _nothing_happened(pilot, f"{fields[0]} pasted", folder)


def _said(app, selector: str) -> str:
    widgets = app.screen.query(selector)
    return str(widgets.first().render()) if widgets else ""


async def _nothing_happened(pilot, where: str, folder: Path, widgets: bool = True) -> None:
    clicked = await click_links(pilot)
    await pilot.pause()
    assert pilot.app.is_running, f"{where}: the app stopped"
    assert list(folder.iterdir()) == [], f"{where}: a file was written"
    findings = widget_findings(pilot.app, widgets)
    assert not findings, f"{where}: " + "\n".join(map(str, findings[:5]))
    assert not clicked, f"{where}: link-looking cells {clicked[:5]}"


SANDBOX_FIELDS = ["fn", "start", "lr", "max_steps", "target", "patience", "time_budget"]


async def test_markup_typed_into_the_sandbox_fields(folder):
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        errors = [f"#{field}-error" for field in SANDBOX_FIELDS]
        await _type_each(pilot, SANDBOX_FIELDS, errors, folder)


async def test_markup_typed_into_compare_learning_rates(folder):
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, LrCompareScreen))
        await _type_each(pilot, ["lrs"], ["#lrs-error"], folder)


async def test_markup_typed_into_the_optimizers_fields(folder):
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OptimizersScreen))
        fields = [f"opt-{name}" for name, _ in OPTIMIZER_FIELDS]
        await _type_each(pilot, fields, ["#opt-error"], folder)


async def test_markup_and_escapes_typed_as_a_file_name_to_import(folder):
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDataScreen))
        await _type_each(pilot, ["path"], ["#import-error"], folder)


async def test_markup_and_escapes_typed_as_an_answer(folder):
    app = GradApp(lesson="1", store=ProgressStore())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        status = app.screen.query_one(TaskStatus)
        answer = app.screen.query_one("#answer")
        for text in TYPED:
            answer.value = text
            await wait_for(pilot, lambda text=text: text[:3] in status.detail)
            await _nothing_happened(pilot, f"answer {text!r}", folder)
        answer.value = ""
        await pilot.press("a")  # into the answer field: the paste goes there
        app.post_message(events.Paste(PASTED))
        await wait_for(pilot, lambda: "title" in status.detail)
        await _nothing_happened(pilot, "answer pasted", folder)
