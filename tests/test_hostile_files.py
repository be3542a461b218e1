"""Lesson and progress files that are broken, cut short, huge, binary or hostile.

The loader must answer every one with ``file:line: message`` problems (never an exception),
checks must report what they cannot do, and the progress store must never lose what it
saved before: a bad file is kept aside and a failed write keeps the old file as it was.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lesson_support import TINY_LESSON

from gradtui.curriculum.checks import evaluate
from gradtui.curriculum.loader import load_file, load_lessons, parse_lesson, shipped_lessons_dir
from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.schema import MAX_FILE_BYTES
from gradtui.engine.training.playground import Playground

SHIPPED = sorted(Path(str(shipped_lessons_dir())).glob("[0-9]*.md"))
# Non-ASCII prose, so cutting at every byte also cuts inside a character.
GOOD = TINY_LESSON.replace("# Tiny", "# Tiny × →")


def _answered(lesson, problems, path: str) -> None:
    """Either a lesson and no problem, or no lesson and problems with a file and a line."""
    assert (lesson is None) == bool(problems)
    for problem in problems:
        assert problem.path == path
        assert problem.message
        assert problem.line is None or problem.line >= 1


# --- lesson files ------------------------------------------------------------------------


def test_a_lesson_cut_short_anywhere_is_reported(tmp_path):
    data = GOOD.encode("utf-8")
    path = tmp_path / "cut.md"
    closed = data.index(b"\n+++\n") + len(b"\n+++\n")
    for end in range(len(data) + 1):  # every prefix, including cuts inside a UTF-8 character
        path.write_bytes(data[:end])
        lesson, problems = load_file(path)
        _answered(lesson, problems, str(path))
        if end < closed:  # cut inside the front matter: never a lesson
            assert lesson is None
    assert lesson is not None  # the whole file


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_lesson_cut_at_every_line_is_reported(tmp_path, shipped):
    lines = shipped.read_text(encoding="utf-8").split("\n")
    path = tmp_path / shipped.name
    for end in range(len(lines)):
        path.write_text("\n".join(lines[:end]), encoding="utf-8")
        _answered(*load_file(path), str(path))


def test_enormous_and_binary_lessons(tmp_path):
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:  # 64 MB, of which the loader reads only the cap
        handle.write(GOOD.encode())
        handle.truncate(64 * 1024 * 1024)
    binary = tmp_path / "binary.md"
    binary.write_bytes(os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00")
    long_line = tmp_path / "long-line.md"
    long_line.write_text(GOOD.replace("# Tiny", "#" + "x" * (MAX_FILE_BYTES - 600)), "utf-8")
    deep = tmp_path / "deep.md"
    deep.write_text("+++\nid = " + "[" * 50_000 + "\n+++\n# x\n", encoding="utf-8")
    lessons, problems = load_lessons([tmp_path])
    messages = {Path(p.path).name: p.message for p in problems}
    assert "too big for a lesson" in messages["huge.md"]
    assert "binary file (NUL byte)" in messages["binary.md"]
    assert "bad TOML" in messages["deep.md"]
    assert [lesson.id for lesson in lessons] == ["tiny"]  # the long (but capped) line is fine


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_lesson_or_problems(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "any.md"
    path.write_bytes(b"+++\n" + data)
    _answered(*load_file(path), str(path))


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.integers(0, len(GOOD) - 1), st.text(max_size=20))
def test_any_text_spliced_into_a_lesson_gives_a_lesson_or_problems(at, piece):
    text = GOOD[:at] + piece + GOOD[at:]
    _answered(*parse_lesson(text, "l.md"), "l.md")


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ({"kind": "grad_equals", "value": 2.0, "variable": "zz"}, "fn does not use the variable"),
        ({"kind": "grad_equals"}, "the grad_equals check needs value"),
        ({"kind": "no_such_kind"}, "unknown check kind 'no_such_kind'"),
        ({"value": 1.0}, "unknown check kind None"),
        ({"kind": 3}, "unknown check kind 3"),
        ({"kind": "finite_difference_close", "tol": 0.1, "variable": "w"}, "does not use"),
    ],
)
def test_checks_on_unknown_fields_say_so(check, expected):
    result = evaluate(check, Playground())
    assert not result.passed
    assert expected in result.detail


def test_a_lesson_whose_check_names_an_unknown_variable_is_caught_by_lessons_check(tmp_path):
    from gradtui.curriculum.checks import verify_lesson

    text = GOOD.replace("value = 2.0", 'value = 2.0\nvariable = "zz"')
    lesson, problems = parse_lesson(text, "l.md")
    assert problems == []  # the name is well formed; only running the check can tell
    found = [str(p) for p in verify_lesson(lesson)]
    assert any(
        "reference solution does not pass (fn does not use the variable 'zz')" in p for p in found
    )


# --- the progress file -------------------------------------------------------------------


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "progress.json"


def saved(path: Path) -> ProgressStore:
    store = ProgressStore(path)
    store.mark_solved("first-gradient", 0)
    store.use_hint("first-gradient", 1)
    store.set_current("first-gradient")
    return store


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"",
        lambda raw: b"\x00" * 64,
        lambda raw: b"{" * 100_000,  # nesting a parser could choke on
        lambda raw: json.dumps({"version": 1, "lessons": []}).encode(),
        lambda raw: json.dumps({"version": "1"}).encode(),
        lambda raw: json.dumps([1, 2, 3]).encode(),
    ],
    ids=[
        "truncated",
        "empty",
        "nul",
        "deep",
        "list",
        "version",
        "array",
    ],
)
def test_a_damaged_progress_file_is_kept_aside_with_a_notice(path, damage):
    saved(path)
    raw = path.read_bytes()
    bad = damage(raw)
    path.write_bytes(bad)
    store = ProgressStore(path)
    assert "unreadable" in store.notice
    assert store.solved_count("first-gradient") == 0
    backups = list(path.parent.glob("progress.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == bad  # nothing thrown away
    store.mark_solved("seven-steps", 0)  # and it keeps working
    assert ProgressStore(path).is_solved("seven-steps", 0)


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("tempfile.mkstemp", errno.EACCES),  # a read-only folder (root ignores chmod)
        ("os.replace", errno.EROFS),
        ("os.fsync", errno.ENOSPC),  # disk full
        ("os.fdopen", errno.EDQUOT),
    ],
)
def test_a_failing_write_loses_nothing_saved_before(path, monkeypatch, where, code):
    saved(path)
    before = path.read_bytes()
    module, name = where.split(".")

    def failing(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    import tempfile

    monkeypatch.setattr({"os": os, "tempfile": tempfile}[module], name, failing)
    store = ProgressStore(path)
    store.mark_solved("seven-steps", 1)
    assert os.strerror(code) in store.notice
    assert store.is_solved("seven-steps", 1)  # kept in memory for this session
    monkeypatch.undo()
    assert path.read_bytes() == before  # the file on disk is what was saved before
    assert not list(path.parent.glob(".progress-*"))  # no temp left
    assert ProgressStore(path).is_solved("first-gradient", 0)
