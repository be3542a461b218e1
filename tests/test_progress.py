"""Saved progress: round trip, atomic writes, corrupt files kept, failed writes survived."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from gradtui.curriculum import progress, progress_file
from gradtui.curriculum.progress import ProgressStore, default_path


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "progress.json"


def files(folder: Path) -> list[str]:
    """The files in ``folder`` but the lock file (which stays, empty, by design)."""
    return sorted(p.name for p in folder.iterdir() if p.name != "progress.json.lock")


def test_round_trip(path):
    store = ProgressStore(path)
    assert store.notice is None and store.current is None and not path.exists()
    store.mark_solved("first-gradient", 1)
    store.mark_solved("first-gradient", 0)
    store.mark_solved("first-gradient", 1)
    assert store.use_hint("first-gradient", 1) == 1
    assert store.use_hint("first-gradient", 1) == 2
    store.set_current("first-gradient")
    store.set_inputs("first-gradient", 1, {"start": "-2.", "lr": 0.5, "zero_grad": False})
    again = ProgressStore(path)
    assert again.notice is None
    assert again.current == "first-gradient"
    assert again.is_solved("first-gradient", 0) and again.is_solved("first-gradient", 1)
    assert not again.is_solved("first-gradient", 2) and not again.is_solved("other", 0)
    assert again.solved_count("first-gradient") == 2
    assert again.hints_used("first-gradient", 1) == 2 and again.hints_used("first-gradient", 0) == 0
    assert again.inputs("first-gradient", 1) == {"start": "-2.", "lr": 0.5, "zero_grad": False}
    assert again.to_json() == store.to_json()


def test_the_data_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADTUI_DATA_HOME", str(tmp_path / "here"))
    assert default_path() == tmp_path / "here" / "progress.json"
    ProgressStore().set_current("seven-steps")
    assert json.loads((tmp_path / "here" / "progress.json").read_text())["current"] == "seven-steps"
    monkeypatch.delenv("GRADTUI_DATA_HOME")
    assert default_path().parts[-2:] == ("gradtui", "progress.json")


def test_inputs_keep_only_plain_values(path):
    store = ProgressStore(path)
    store.set_inputs("l", 0, {"fn": "x**2", "bad": float("nan"), "obj": object(), "n": None})
    assert ProgressStore(path).inputs("l", 0) == {"fn": "x**2", "n": None}


def test_reset_task_and_reset_all(path):
    store = ProgressStore(path)
    store.mark_solved("a", 0)
    store.mark_solved("a", 1)
    store.use_hint("a", 0)
    store.set_inputs("a", 0, {"lr": 0.1})
    store.set_current("a")
    store.reset_task("a", 0)
    store.reset_task("never-seen", 3)
    again = ProgressStore(path)
    assert not again.is_solved("a", 0) and again.is_solved("a", 1)
    assert again.hints_used("a", 0) == 0 and again.inputs("a", 0) == {}
    again.reset_all()
    third = ProgressStore(path)
    assert third.current is None and third.solved_count("a") == 0


def test_writes_are_atomic_through_a_temp_file_in_the_same_folder(path, monkeypatch):
    store = ProgressStore(path)
    store.mark_solved("a", 0)
    before = path.read_text()
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((Path(src), Path(dst), Path(src).read_text()))
        assert Path(dst).read_text() == before  # the old file is intact until the rename
        real_replace(src, dst)

    monkeypatch.setattr(progress.os, "replace", spy)
    store.mark_solved("a", 1)
    ((src, dst, text),) = seen
    assert src.parent == dst.parent == path.parent and src != dst
    assert json.loads(text)["lessons"]["a"]["solved"] == [0, 1]
    assert files(path.parent) == ["progress.json"]


@pytest.mark.parametrize(
    "content",
    [
        b'{"version": 1, "current": "a", "lessons": {"a": {"solved": [0',  # truncated
        b"\xff\xfe not even text",
        b"[1, 2, 3]",
        b'{"version": 99, "lessons": {}}',
        b'{"version": true, "lessons": {}}',
        b'{"version": 1, "lessons": []}',
        b"[" * 100_000,
    ],
)
def test_a_file_that_is_not_progress_is_moved_aside_and_reported(path, content):
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = ProgressStore(path)
    backups = list(path.parent.glob("progress.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == content
    assert store.notice and str(backups[0]) in store.notice and "unreadable" in store.notice
    assert not path.exists() and store.solved_count("a") == 0
    store.mark_solved("b", 0)
    assert ProgressStore(path).is_solved("b", 0)


@pytest.mark.parametrize(
    ("record", "named"),
    [
        ({"solved": "all"}, "solved ('all', not a list of task numbers)"),
        ({"solved": [True, 0]}, "solved (true, not a task number)"),
        ({"hints": {"0": "two"}}, "hints of task 1 ('two', not a count)"),
        ({"hints": {"²": 1}}, "hints: '²' (not a task number)"),
        ({"inputs": {"0": {"fn": [1]}}}, "task 1: 'fn' (a list, not a plain value)"),
        ({"inputs": {"0": {"fn": {"a": [[{}]]}}}}, "task 1: 'fn' (an object, not a plain value)"),
        ({"inputs": {"0": {"[b": 1}}}, "task 1: input '[b' (not a field name)"),
        ({"inputs": {"0": 7}}, "task 1 inputs (7, not an object of inputs)"),
        ({"extra": 1}, "'extra' (not part of progress)"),
        ({"solved": [10**50]}, "solved (a number, not a task number)"),
    ],
)
def test_bad_values_are_dropped_and_named_and_the_rest_is_kept(path, record, named):
    good = {"solved": [1], "hints": {"1": 2}, "inputs": {"1": {"lr": 0.5}}}
    content = json.dumps({"version": 1, "current": "a", "lessons": {"a": record, "b": good}})
    path.parent.mkdir(parents=True)
    path.write_text(content)
    store = ProgressStore(path)
    assert f"lesson 'a': {named}" in store.notice
    (backup,) = path.parent.glob("progress.json.corrupt-*")
    assert backup.read_text() == content and str(backup) in store.notice  # nothing lost
    assert store.current == "a" and store.is_solved("b", 1) and store.hints_used("b", 1) == 2
    assert store.inputs("b", 1) == {"lr": 0.5}
    store.mark_solved("a", 3)  # the next save writes what was kept, and says nothing again
    assert store.notice.count("cannot be used") == 1
    again = ProgressStore(path)
    assert again.notice is None and again.is_solved("a", 3) and again.is_solved("b", 1)


def test_good_entries_beside_bad_ones_are_kept(path):
    record = {"solved": [True, -1, 0, 0, 2], "hints": {"0": 1, "x": 2}, "inputs": {"0": {"a": 1}}}
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "lessons": {"a": record}}))
    store = ProgressStore(path)
    assert store.solved_count("a") == 2 and store.is_solved("a", 0) and store.is_solved("a", 2)
    assert store.hints_used("a", 0) == 1 and store.inputs("a", 0) == {"a": 1}
    assert "solved (-1, not a task number)" in store.notice


def test_a_notice_quotes_keys_as_plain_text(path):
    lessons = {
        "[bold": 5,
        "[@click=app.quit]x[/]": {"solved": "x"},
        "\x1b]0;title\x07": {},
        "k" * 500: {},
    }
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "current": "\x1b[2J", "lessons": lessons}))
    notice = ProgressStore(path).notice
    assert "lesson '[bold' (not a progress record)" in notice
    assert "lesson '[@click=app.quit]x[/]': solved ('x', not a list" in notice
    assert "\x1b" not in notice and "\\x1b]0;title\\x07" in notice  # escaped, not sent
    assert "'" + "k" * 40 + "…'" in notice and "k" * 41 not in notice
    assert "current ('\\x1b[2J', not a name)" in notice


def test_backups_never_overwrite_each_other(path, monkeypatch):
    monkeypatch.setattr(progress.time, "strftime", lambda fmt: "20250101-000000")
    path.parent.mkdir(parents=True)
    for content in (b"one", b"two"):
        path.write_bytes(content)
        ProgressStore(path)
    names = sorted(p.name for p in path.parent.iterdir() if p.suffix != ".lock")
    assert names == [
        "progress.json.corrupt-20250101-000000",
        "progress.json.corrupt-20250101-000000-2",
    ]


def test_a_corrupt_file_that_cannot_be_moved_is_left_alone(path, monkeypatch):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage")

    def refuse(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(progress.os, "replace", refuse)
    store = ProgressStore(path)
    store.mark_solved("a", 0)
    assert store.is_solved("a", 0)
    assert "could not be moved aside" in store.notice
    assert path.read_bytes() == b"garbage"


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("replace", OSError(errno.ENOSPC, "No space left on device")),
        ("mkstemp", PermissionError(errno.EACCES, "Permission denied")),
        ("fsync", OSError(errno.EIO, "Input/output error")),
    ],
)
def test_a_failing_write_keeps_the_state_and_sets_a_notice(path, monkeypatch, target, error):
    store = ProgressStore(path)
    store.mark_solved("a", 0)
    assert store.notice is None

    def fail(*args, **kwargs):
        raise error

    module = progress_file.tempfile if target == "mkstemp" else progress.os
    monkeypatch.setattr(module, target, fail)
    store.mark_solved("a", 1)
    store.set_current("a")
    assert store.save() is False
    assert store.is_solved("a", 1) and store.current == "a"
    assert store.notice.startswith(f"could not save progress to {path}")
    assert error.strerror in store.notice
    assert files(path.parent) == ["progress.json"]  # no temp left
    monkeypatch.undo()
    assert store.save() is True
    assert ProgressStore(path).is_solved("a", 1)
