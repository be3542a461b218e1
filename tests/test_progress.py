"""Saved progress: round trip, atomic writes, corrupt files kept, failed writes survived."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from gradtui.curriculum import progress
from gradtui.curriculum.progress import ProgressStore, default_path


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "progress.json"


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
    assert sorted(p.name for p in path.parent.iterdir()) == ["progress.json"]


@pytest.mark.parametrize(
    "content",
    [
        b'{"version": 1, "current": "a", "lessons": {"a": {"solved": [0',  # truncated
        b"\xff\xfe not even text",
        b"[1, 2, 3]",
        b'{"version": 99, "lessons": {}}',
        b'{"version": 1, "current": 5, "lessons": {}}',
        b'{"version": 1, "lessons": {"a": {"solved": "all"}}}',
        b'{"version": 1, "lessons": {"a": {"solved": [true]}}}',
        b'{"version": 1, "lessons": {"a": {"hints": {"0": "two"}}}}',
        b'{"version": 1, "lessons": {"a": {"inputs": {"0": {"fn": [1]}}}}}',
        b'{"version": 1, "lessons": {"a": {"extra": 1}}}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_file_is_backed_up_and_reported(path, content):
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = ProgressStore(path)
    backups = list(path.parent.glob("progress.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == content
    assert store.notice and str(backups[0]) in store.notice and "unreadable" in store.notice
    assert not path.exists() and store.solved_count("a") == 0
    store.mark_solved("b", 0)
    assert ProgressStore(path).is_solved("b", 0)


def test_backups_never_overwrite_each_other(path, monkeypatch):
    monkeypatch.setattr(progress.time, "strftime", lambda fmt: "20250101-000000")
    path.parent.mkdir(parents=True)
    for content in (b"one", b"two"):
        path.write_bytes(content)
        ProgressStore(path)
    names = sorted(p.name for p in path.parent.iterdir())
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

    module = progress.tempfile if target == "mkstemp" else progress.os
    monkeypatch.setattr(module, target, fail)
    store.mark_solved("a", 1)
    store.set_current("a")
    assert store.save() is False
    assert store.is_solved("a", 1) and store.current == "a"
    assert store.notice.startswith(f"could not save progress to {path}")
    assert error.strerror in store.notice
    assert sorted(p.name for p in path.parent.iterdir()) == ["progress.json"]  # no temp left
    monkeypatch.undo()
    assert store.save() is True
    assert ProgressStore(path).is_solved("a", 1)
