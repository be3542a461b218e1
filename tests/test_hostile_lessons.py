"""Hostile lesson files (tests/data/hostile_lessons) opened the way a learner opens them.

A lesson file is untrusted: its text is shown as text. Through the real app, every lesson of
the corpus is opened from the home list with a click, its hints and solution are shown and
its answer typed; at each step every link-looking cell on the screen is clicked, and then
nothing may have been written, no widget may draw an action, a link or a control character,
and the app must still be running. The command line must not print an escape either.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from safety_support import click_links, screen_lines, widget_findings
from ui_support import lessons_loaded, wait_for

from gradtui.cli import main
from gradtui.curriculum.loader import load_lessons
from gradtui.curriculum.progress import ProgressStore
from gradtui.safe_text import UNSAFE
from gradtui.ui.app import GradApp
from gradtui.ui.screens.confirm import ConfirmScreen
from gradtui.ui.screens.home import HomeScreen
from gradtui.ui.screens.lesson import LessonScreen
from gradtui.ui.widgets.task_panel import TaskPanel, TaskStatus

CORPUS = Path(__file__).parent / "data" / "hostile_lessons"
SIZE = (120, 40)
# Valid lessons that show hostile text; the others are refused (control characters).
SHOWN = ["10-markup-actions.md", "11-invalid-markup.md", "12-huge.md", "13-entities.md"]
REFUSED = {
    "20-osc-clipboard.md": ("title", "U+001B (ESC)"),
    "21-osc-title.md": ("title", "U+001B (ESC)"),
    "22-bidi.md": ("title", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "19-escape-in-key.md": ("unknown key", "'\\x1b]0;key\\x07[@click=app.quit]x[/]'"),
}


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """The corpus with ``DIR`` set to an empty folder, which is also the current folder."""
    target = tmp_path / "target"
    target.mkdir()
    (target / "victim.txt").write_text("keep me\n")
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for path in CORPUS.glob("*.md"):
        text = path.read_text(encoding="utf-8").replace("DIR", str(target))
        (lessons / path.name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(target)
    return lessons, target


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_loader_refuses_control_characters_after_parsing(corpus):
    names = sorted(p.name for p in CORPUS.glob("*.md") if p.name != "README.md")
    assert names == sorted([*SHOWN, *REFUSED])
    for name in REFUSED:
        assert b"\x1b" not in (CORPUS / name).read_bytes()  # only TOML escapes make ESC
    lessons_dir, _ = corpus
    lessons, problems = load_lessons([lessons_dir])
    assert sorted(Path(lesson.path).name for lesson in lessons) == SHOWN
    said: dict[str, list[str]] = {}
    for problem in problems:
        said.setdefault(Path(problem.path).name, []).append(str(problem))
        assert problem.line is not None  # file:line: message
        assert not UNSAFE.search(str(problem))
    assert set(said) == set(REFUSED)
    for name, (field, char) in REFUSED.items():
        assert any(field in p and char in p for p in said[name]), said[name]


async def _safe(pilot, where: str, target: Path, before: dict[str, bytes]) -> None:
    """Click every link-looking cell, then nothing written and nothing unsafe drawn."""
    clicked = await click_links(pilot)
    await pilot.pause()
    assert pilot.app.is_running, f"{where}: the app stopped"
    assert files(target) == before, f"{where}: a file was written"
    findings = widget_findings(pilot.app)
    assert not findings, f"{where}: " + "\n".join(map(str, findings[:10]))
    assert not clicked, f"{where}: link-looking cells {clicked[:10]}"


async def _open_from_the_list(pilot, lesson) -> None:
    """Click the lesson's line in the home list."""
    app = pilot.app
    menu = app.screen.query_one("#menu")
    menu.highlighted = menu.get_option_index(f"lesson:{lesson.id}")
    await pilot.pause()
    marker = f"{lesson.order}. "
    rows = [y for y, line in enumerate(screen_lines(app)) if marker in line]
    assert rows, f"lesson {lesson.order} is not on the screen"
    x = screen_lines(app)[rows[0]].index(marker) + len(marker) + 1
    await pilot.click(offset=(x, rows[0]))
    await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen))
    await pilot.pause()


async def test_every_hostile_lesson_through_the_app(corpus, tmp_path):
    lessons_dir, target = corpus
    before = files(target)
    app = GradApp(lesson_dirs=[str(lessons_dir)], store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await lessons_loaded(pilot)
        await _safe(pilot, "home", target, before)
        hostile = [lesson for lesson in app.lessons if lesson.order >= 900]
        assert sorted(Path(lesson.path).name for lesson in hostile) == SHOWN
        for lesson in hostile:
            await _open_from_the_list(pilot, lesson)
            assert app.screen.lesson.id == lesson.id
            await _safe(pilot, f"{lesson.id} opened", target, before)
            for _ in lesson.tasks[0].hints:
                await pilot.press("h")
            await pilot.press("v")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await wait_for(pilot, lambda: app.screen.query_one(TaskPanel).solution_shown)
            await _safe(pilot, f"{lesson.id} hints and solution", target, before)
            answer = app.screen.query_one("#answer")
            answer.value = lesson.tasks[0].solution_answer
            await wait_for(pilot, lambda: app.torch_ready, timeout=60)
            await wait_for(pilot, lambda: app.screen.query_one(TaskStatus).solved, timeout=60)
            await _safe(pilot, f"{lesson.id} answered", target, before)
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("ctrl+p")
        await pilot.press(*"Lesson 91")
        await wait_for(pilot, lambda: "Lesson 911: Broken [/] markup" in "".join(screen_lines(app)))
        await _safe(pilot, "command palette", target, before)
    assert files(target) == before


def _no_escape(text: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{found.group()!r} at {found.start()} in {text[:200]!r}"


def test_lessons_lists_the_corpus_without_an_escape(corpus, capsys):
    lessons_dir, _ = corpus
    assert main(["--lessons", str(lessons_dir), "lessons"]) == 0
    out, err = capsys.readouterr()
    _no_escape(out)
    _no_escape(err)
    assert "[@click=app.screenshot('title.svg','.')]Click me[/]" in out  # shown as it is
    for name in REFUSED:
        assert f"{name}:" in err


def test_lessons_check_reports_the_corpus_without_an_escape(corpus, capsys):
    lessons_dir, _ = corpus
    assert main(["lessons", "check", str(lessons_dir)]) == 2
    out, err = capsys.readouterr()
    _no_escape(out)
    _no_escape(err)
    for name, (field, char) in REFUSED.items():
        line = next(line for line in out.splitlines() if f"{name}:" in line)
        assert field in line and char in line
    assert "problem(s); 4 lesson(s) loaded" in err


def test_lessons_check_of_the_stored_corpus_as_a_command(tmp_path):
    """The real command: its exit status and its bytes on stdout and stderr."""
    import subprocess
    import sys

    lessons = tmp_path / "lessons"
    shutil.copytree(CORPUS, lessons)
    command = [sys.executable, "-m", "gradtui", "lessons", "check", "--no-solve", str(lessons)]
    done = subprocess.run(command, capture_output=True, timeout=120)
    assert done.returncode == 2
    for stream in (done.stdout, done.stderr):
        assert b"\x1b" not in stream and b"\x07" not in stream
        _no_escape(stream.decode("utf-8"))


async def test_a_progress_file_quoting_markup_and_escapes_is_a_plain_notice(tmp_path):
    """The start-up notice quotes the damaged record: as text, without its escapes."""
    path = tmp_path / "progress.json"
    key = "[@click=app.quit]x[/]\x1b]0;title\x07"
    path.write_text(json.dumps({"version": 1, "current": None, "lessons": {key: 5}}))
    app = GradApp(store=ProgressStore(path), load_torch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await lessons_loaded(pilot)
        await wait_for(pilot, lambda: "[@click=app.quit]x[/]" in _toasts(app))
        await _safe(pilot, "the progress notice", tmp_path / "none", {})


def _toasts(app) -> str:
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))
