"""Untrusted text stays text, in the places the first pass missed: saved field values, the
command line's notes about a CSV file or a progress file, the parameters panel, and the
import dialog's path box."""

from __future__ import annotations

import pytest
from textual.app import App
from ui_support import ready, wait_for

from gradtui import cli
from gradtui.cli.runs import read_data
from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.saved_inputs import check_inputs
from gradtui.engine.training.playground import Playground
from gradtui.io import csvdata
from gradtui.safe_text import UNSAFE
from gradtui.ui.app import GradApp
from gradtui.ui.screens.import_data import ImportDataScreen
from gradtui.ui.widgets.params_table import ParamsTable

ESC_TITLE = "\x1b]0;owned\x07"
MARKUP = "[@click=app.quit]x[/]"
# Characters that str.split() reads as spaces: "1<VT>2" parses as two starting values.
SPACE_LIKE = ["\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u2028", "\r"]


def _task_with(field: str):
    lessons, _ = load_lessons([shipped_lessons_dir()])
    for lesson in lessons:
        for index, task in enumerate(lesson.tasks):
            if field in task.editable:
                return lesson, index, task
    raise AssertionError(f"no lesson task edits {field}")


@pytest.mark.parametrize("char", SPACE_LIKE)
def test_saved_values_with_control_characters_are_refused(char):
    _, _, task = _task_with("start")
    kept, refused = check_inputs(task, {"start": task.playground().start + char})
    assert "start" not in kept
    assert refused["start"].startswith("text with control characters, such as U+")


def test_no_saved_value_with_a_control_character_reaches_a_field():
    lessons, _ = load_lessons([shipped_lessons_dir()])
    hostile = [ESC_TITLE, *SPACE_LIKE, "\u202e", "\x00"]
    for lesson in lessons:
        for task in lesson.tasks:
            playground = task.playground()
            for name in task.editable:
                base = getattr(playground, name, "abc")
                base = base if isinstance(base, str) else repr(base or 1)
                for char in hostile:
                    for value in (char + base, base + char, base[:1] + char + base[1:]):
                        kept, _ = check_inputs(task, {name: value})
                        assert not UNSAFE.search(str(kept.get(name, ""))), (lesson.id, name)


def test_a_restored_lesson_says_which_value_it_dropped():
    lesson, index, task = _task_with("start")
    ProgressStore().set_inputs(lesson.id, index, {"start": task.playground().start + "\x0b"})
    store = ProgressStore()
    assert "start" not in store.task_inputs(lesson.id, index, task)
    assert "'start' (text with control characters, such as U+000B" in store.notice


def test_the_command_line_cleans_a_csv_files_name_in_its_notes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(csvdata, "MAX_READ_BYTES", 40)  # so the read makes a note
    path = tmp_path / f"d{ESC_TITLE}[@click=app.quit]x[b].csv"  # no "/": a file name
    path.write_text("t,y\n" + "1,2\n" * 40)
    read_data(str(path))
    err = capsys.readouterr().err
    assert "only its first" in err and "[@click=app.quit]x[b].csv" in err
    assert not UNSAFE.search(err.replace("\n", ""))


def test_the_command_line_cleans_the_progress_notice(tmp_path, monkeypatch, capsys):
    home = tmp_path / f"home{ESC_TITLE}"
    home.mkdir()
    (home / "progress.json").write_text("not json")
    monkeypatch.setenv("GRADTUI_DATA_HOME", str(home))
    assert cli.main(["export", "--lesson", "8", "--task", "2"]) == 0
    err = capsys.readouterr().err
    assert "the progress file was unreadable" in err
    assert "\x1b" not in err and "\x07" not in err


async def test_the_parameters_panel_shows_names_as_plain_text():
    hostile = f"a{ESC_TITLE}{MARKUP}\u202e"

    class Panel(App):
        def compose(self):
            yield ParamsTable(id="params")

    app = Panel()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(ParamsTable)
        table.show({hostile: 1.5}, {hostile: -2.0})
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(3)]
        shown = "\n".join(lines)
        assert MARKUP in shown and "1.5" in shown and "-2" in shown
        assert not UNSAFE.search(shown.replace("\n", ""))


async def test_the_import_box_shows_a_picked_files_name_without_control_characters(tmp_path):
    name = f"t{ESC_TITLE}.csv"
    (tmp_path / name).write_text("1,2\n2,4\n3,6\n")
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        loaded = []
        app.push_screen(ImportDataScreen(tmp_path), loaded.append)
        await wait_for(pilot, lambda: app.screen.query("#tree"))
        tree = app.screen.query_one("#tree")
        await wait_for(pilot, lambda: bool(tree.root.children))
        seen: list[str] = []
        box = app.screen.query_one("#path")
        box.watch(box, "value", lambda value: seen.append(value), init=False)
        tree.focus()
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: bool(loaded))
        assert seen == ["t]0;owned.csv"]  # what the box showed
        assert loaded[0].targets == (2.0, 4.0, 6.0)  # and the file read is the one picked
