"""The progress file as an attacker or an accident leaves it: killed saves, huge files, folders,
pipes and links in its place, a folder that cannot be written, a full disk."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gradtui.curriculum import progress_file
from gradtui.curriculum.progress import ProgressStore


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "progress.json"


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".progress-*.tmp"))


KILLED_SAVE = textwrap.dedent(
    """
    import os, signal, sys
    from gradtui.curriculum.progress import ProgressStore

    store = ProgressStore(sys.argv[1])
    store.mark_solved("a", 0)

    def die(src, dst):  # kill -9 between writing the temp file and renaming it
        os.kill(os.getpid(), signal.SIGKILL)

    os.replace = die
    store.mark_solved("a", 1)
    """
)


def test_a_save_killed_with_sigkill_leaves_a_temp_file_the_next_start_removes(path):
    killed = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(path)], capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    (left,) = temps(path.parent)
    assert '"solved": [\n    0,\n    1\n   ]' in (path.parent / left).read_text()
    store = ProgressStore(path)
    assert temps(path.parent) == []
    assert store.is_solved("a", 0) and not store.is_solved("a", 1)  # the last good save
    assert store.notice is None


def test_temp_files_are_left_alone_while_another_window_may_be_writing(path, monkeypatch):
    path.parent.mkdir(parents=True)
    fresh, old = path.parent / ".progress-fresh.tmp", path.parent / ".progress-old.tmp"
    fresh.write_text("{}")
    old.write_text("{}")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    monkeypatch.setattr(progress_file, "LOCK_WAIT", 0.05)
    with progress_file.locked(path):  # another window is saving: its temp file is in use
        ProgressStore(path)
    assert temps(path.parent) == [".progress-fresh.tmp", ".progress-old.tmp"]
    monkeypatch.setattr(progress_file, "fcntl", None)  # no locks: only old ones are stale
    ProgressStore(path)
    assert temps(path.parent) == [".progress-fresh.tmp"]


def test_only_regular_temp_files_are_removed(path, tmp_path):
    path.parent.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (path.parent / ".progress-link.tmp").symlink_to(victim)
    (path.parent / ".progress-dir.tmp").mkdir()
    ProgressStore(path)
    assert temps(path.parent) == [".progress-dir.tmp", ".progress-link.tmp"]
    assert victim.read_text() == "keep me"


def test_a_huge_file_is_not_read_whole_but_moved_aside(path):
    path.parent.mkdir(parents=True)
    with open(path, "wb") as handle:  # sparse: 2 GB long, nothing on disk
        handle.truncate(2 * 1024**3)
    store = ProgressStore(path)
    assert "unreadable" in store.notice and "over 4,194,304 bytes" in store.notice
    assert not path.exists() and len(list(path.parent.glob("progress.json.corrupt-*"))) == 1
    store.mark_solved("a", 0)
    assert ProgressStore(path).is_solved("a", 0)


def test_a_folder_in_the_files_place_is_said_and_left_alone(path):
    path.mkdir(parents=True)
    (path / "mine.txt").write_text("keep")
    store = ProgressStore(path)
    assert "is a folder" in store.notice and "will not be saved" in store.notice
    store.mark_solved("a", 0)  # works for this session, nothing raised
    assert store.is_solved("a", 0) and store.save() is False
    assert (path / "mine.txt").read_text() == "keep"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_in_the_files_place_does_not_hang_the_start(path, tmp_path):
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    store = ProgressStore(path)  # opening a pipe to read would wait for a writer forever
    assert "not a regular file" in store.notice
    path.unlink()
    os.mkfifo(tmp_path / "pipe")
    path.symlink_to(tmp_path / "pipe")
    assert "not a regular file" in ProgressStore(path).notice


def test_a_link_in_the_files_place_is_replaced_never_written_through(path, tmp_path):
    path.parent.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.json"
    content = json.dumps({"version": 1, "lessons": {"a": {"solved": [0]}}})
    elsewhere.write_text(content)
    path.symlink_to(elsewhere)
    store = ProgressStore(path)
    assert store.is_solved("a", 0)  # read through the link
    store.mark_solved("a", 1)
    assert elsewhere.read_text() == content  # the file it pointed at is untouched
    assert not path.is_symlink() and ProgressStore(path).solved_count("a") == 2


def test_a_lock_file_that_cannot_be_made_degrades_to_unlocked_saves(path):
    path.parent.mkdir(parents=True)
    progress_file.lock_path(path).mkdir()  # a folder where the lock file goes
    store = ProgressStore(path)
    store.mark_solved("a", 0)
    assert store.notice is None and ProgressStore(path).is_solved("a", 0)


def test_a_read_only_folder_is_a_notice_not_a_crash(path, monkeypatch):
    store = ProgressStore(path)
    store.mark_solved("a", 0)
    real_open = os.open

    def read_only(file, flags, *args, **kwargs):
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)  # root ignores chmod: refuse the writes
    store.mark_solved("a", 1)
    assert "could not save progress" in store.notice and "Permission denied" in store.notice
    monkeypatch.undo()
    assert ProgressStore(path).solved_count("a") == 1 and store.flush()
    assert ProgressStore(path).solved_count("a") == 2


def test_a_full_disk_fails_each_save_once_then_says_when_it_works_again(path, monkeypatch):
    said = []
    store = ProgressStore(path)
    store.listener = lambda message, severity: said.append((severity, message))
    store.mark_solved("a", 0)

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    for task in range(1, 6):
        store.mark_solved("a", task)
    assert len(said) == 1 and said[0][0] == "warning" and "No space left" in said[0][1]
    monkeypatch.undo()
    store.use_hint("a", 0)
    assert said[1][0] == "information" and "saved again" in said[1][1]
    assert ProgressStore(path).solved_count("a") == 6 and temps(path.parent) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw.replace(b'"solved"', b'"solved": "all", "x"'),
        lambda raw: raw.replace(b"[\n    0\n   ]", b"[true, 0]"),
        lambda raw: raw.decode().replace("0", "-1").encode(),
    ],
    ids=["bad-values", "wrong-types", "negative"],
)
def test_a_hand_damaged_file_keeps_what_is_good_and_a_copy(path, damage):
    store = ProgressStore(path)
    store.mark_solved("first-gradient", 0)
    store.use_hint("first-gradient", 1)
    store.set_current("first-gradient")
    bad = damage(path.read_bytes())
    path.write_bytes(bad)
    store = ProgressStore(path)
    assert "cannot be used, dropped: lesson 'first-gradient'" in store.notice
    (backup,) = path.parent.glob("progress.json.corrupt-*")
    assert backup.read_bytes() == bad
    assert store.current == "first-gradient" and store.hints_used("first-gradient", 1) == 1


def test_exporting_a_lesson_drops_a_bad_saved_value_and_says_so(capsys):
    from gradtui import cli
    from gradtui.curriculum.progress import default_path

    ProgressStore().set_inputs("roller-coaster", 1, {"lr": "abc"})
    assert cli.main(["export", "--lesson", "8", "--task", "2"]) == 0
    out, err = capsys.readouterr()
    assert "lr = 'abc'" not in out and "lr = 1e-06" in out  # the task's own start
    assert "gradtui: saved inputs of lesson 'roller-coaster' task 2" in err and "'lr'" in err
    saved = json.loads(default_path().read_text())["lessons"]["roller-coaster"]["inputs"]["1"]
    assert "lr" not in saved
