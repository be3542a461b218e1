"""Two windows on one data folder: each save merges with the file, so no one's progress is lost."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gradtui.curriculum import progress_file
from gradtui.curriculum.progress import ProgressStore
from gradtui.curriculum.progress_data import apply, empty


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "progress.json"


def test_the_merge_rule_field_by_field():
    disk = empty()  # what another window saved meanwhile
    disk["current"], disk["theme"] = "other", "nord"
    disk["lessons"] = {
        "a": {"solved": [0, 2], "hints": {"0": 3, "1": 1}, "inputs": {"0": {"lr": 0.1, "fn": "x"}}},
        "gone": {"solved": [0]},
    }
    ops = [  # what this window did since its last save
        ("solve", "a", 1),
        ("solve", "b", 0),
        ("hint", "a", 0, 2),  # fewer than the other window: the larger count stays
        ("hint", "a", 1, 2),
        ("inputs", "a", 0, {"lr": 0.5, "answer": "42"}, ("fn",)),
        ("current", "a"),
        ("theme", "dracula"),
    ]
    for op in ops:
        apply(disk, op)
    assert disk["lessons"]["a"] == {
        "solved": [0, 1, 2],  # a union
        "hints": {"0": 3, "1": 2},  # the max
        "inputs": {"0": {"lr": 0.5, "answer": "42"}},  # this window's keys win, unset goes
    }
    assert disk["lessons"]["b"] == {"solved": [0]} and disk["lessons"]["gone"] == {"solved": [0]}
    assert (disk["current"], disk["theme"]) == ("a", "dracula")  # this window's


def test_resets_remove_what_they_reset_whoever_wrote_it():
    disk = empty()
    disk["theme"] = "nord"
    disk["lessons"] = {"a": {"solved": [0, 1], "hints": {"0": 2}, "inputs": {"0": {"lr": 1.0}}}}
    apply(disk, ("reset_task", "a", 0))
    assert disk["lessons"]["a"] == {"solved": [1], "hints": {}, "inputs": {}}
    apply(disk, ("reset_task", "a", 1))
    assert "a" not in disk["lessons"]
    disk["lessons"]["b"] = {"solved": [0]}
    disk["current"] = "b"
    apply(disk, ("reset_all",))
    assert disk["lessons"] == {} and disk["current"] is None and disk["theme"] == "nord"


def test_dropping_a_bad_value_leaves_a_good_one_another_window_wrote():
    disk = empty()
    disk["lessons"] = {"a": {"inputs": {"0": {"lr": 0.3, "fn": "x**"}}}}
    apply(disk, ("drop", "a", 0, {"lr": "abc", "fn": "x**"}))
    assert disk["lessons"]["a"]["inputs"]["0"] == {"lr": 0.3}


def test_a_solve_in_one_window_survives_a_hint_in_another(path):
    one, two = ProgressStore(path), ProgressStore(path)  # both open before either saves
    one.set_current("first-gradient")
    one.mark_solved("first-gradient", 0)
    two.set_current("many-numbers")
    assert two.use_hint("many-numbers", 0) == 1
    two.set_inputs("many-numbers", 0, {"fn": "x**3"})
    one.set_inputs("first-gradient", 0, {"start": "5."})
    on_disk = ProgressStore(path)
    assert on_disk.is_solved("first-gradient", 0) and on_disk.hints_used("many-numbers", 0) == 1
    assert on_disk.inputs("first-gradient", 0) == {"start": "5."}
    assert on_disk.inputs("many-numbers", 0) == {"fn": "x**3"}
    assert on_disk.current == "many-numbers"  # the window that chose last
    assert two.is_solved("first-gradient", 0)  # a save brings in the others' progress too


WINDOW = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from gradtui.curriculum.progress import ProgressStore

    path, me, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = ProgressStore(path)  # read before the other window saves anything
    (path.parent / f"ready-{me}").touch()
    while len(list(path.parent.glob("ready-*"))) < 2:
        time.sleep(0.005)
    for i in range(rounds):
        store.mark_solved(f"lesson-{me}", i)
        store.use_hint("shared", i % 3)
        store.set_inputs("shared", 0, {f"field_{me}": i})
        store.set_current(f"lesson-{me}")
    # A save that waited too long for the other window's lock is kept and retried: at the
    # latest when the window closes (the app flushes on quit).
    assert store.flush(), store.notice
    """
)


def test_two_processes_saving_at_once_lose_nothing(path):
    path.parent.mkdir(parents=True)
    rounds = 40
    windows = [
        subprocess.Popen(
            [sys.executable, "-c", WINDOW, str(path), name, str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for window in windows:
        _, err = window.communicate(timeout=300)
        assert window.returncode == 0, err
    store = ProgressStore(path)
    assert store.notice is None
    for name in ("a", "b"):
        assert store.solved_count(f"lesson-{name}") == rounds  # every solve of both
    for task, presses in enumerate([14, 13, 13]):  # per window; each counts from what it saw
        assert presses <= store.hints_used("shared", task) <= 2 * presses
    assert store.inputs("shared", 0) == {"field_a": rounds - 1, "field_b": rounds - 1}
    assert store.current in ("lesson-a", "lesson-b")
    assert not list(path.parent.glob(".progress-*.tmp"))


def test_a_save_waits_for_a_lock_held_elsewhere_then_tells_and_keeps_the_change(path, monkeypatch):
    store = ProgressStore(path)
    store.mark_solved("a", 0)
    monkeypatch.setattr(progress_file, "LOCK_WAIT", 0.05)
    with progress_file.locked(path) as held:  # another window in the middle of its save
        assert held
        store.mark_solved("a", 1)
        assert (
            "could not save progress" in store.notice and "another gradtui window" in store.notice
        )
        assert json.loads(path.read_text())["lessons"]["a"]["solved"] == [0]
    assert store.is_solved("a", 1)
    assert store.flush() is True  # saved once the lock is free (the app does it on quit)
    assert ProgressStore(path).is_solved("a", 1)
    assert "saved again" in store.notice


def test_without_fcntl_saves_still_work(path, monkeypatch):
    monkeypatch.setattr(progress_file, "fcntl", None)
    store = ProgressStore(path)
    store.mark_solved("a", 0)
    other = ProgressStore(path)
    other.mark_solved("b", 0)
    store.mark_solved("a", 1)
    on_disk = ProgressStore(path)
    assert on_disk.solved_count("a") == 2 and on_disk.is_solved("b", 0)
    assert not progress_file.lock_path(path).exists()
