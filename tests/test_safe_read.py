"""Files whose open or read would wait forever (pipes, devices, kernel files): refused or given
up, never stuck; in the engine, the import dialog and on the command line."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from ui_support import ready, screen_text, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.io import safe_read
from gradtui.io.csvdata import CsvError, read_csv_file
from gradtui.io.safe_read import ReadCancelled, ReadError, read_limited
from gradtui.ui.app import GradApp
from gradtui.ui.screens.import_data import ImportDataScreen
from gradtui.ui.screens.sandbox import SandboxScreen

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
GUARD = 30  # seconds: only a read stuck for good would take this long


def fifo(folder: Path, name: str = "pipe.csv") -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def in_thread(call, *args, **kwargs):
    """Run ``call`` in a daemon thread; its outcome, or 'stuck' after ``GUARD`` seconds."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(call(*args, **kwargs))
        except Exception as err:
            outcome.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(GUARD)
    return outcome[0] if outcome else "stuck"


def unstick(pipe: Path) -> None:
    """Open ``pipe`` for writing and close it, so that a reader stuck opening it gets EOF."""
    with contextlib.suppress(OSError):  # ENXIO: nobody is reading it, nothing is stuck
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))


def swapped_for_a_pipe(tmp_path: Path, monkeypatch) -> Path:
    """A pipe that the check before opening sees as a regular file (the path was swapped)."""
    pipe = fifo(tmp_path)
    real_stat = Path.stat
    (tmp_path / "file.csv").write_text("1,2\n3,4\n")
    regular = real_stat(tmp_path / "file.csv")

    def stat(self, **kw):
        return regular if self == pipe else real_stat(self, **kw)

    monkeypatch.setattr(Path, "stat", stat)
    return pipe


def test_a_named_pipe_is_refused_before_it_is_opened(tmp_path):
    outcome = in_thread(read_csv_file, fifo(tmp_path))
    assert isinstance(outcome, CsvError)
    assert str(outcome) == f"{tmp_path / 'pipe.csv'}: is a named pipe (FIFO), not a regular file"


def test_a_path_swapped_for_a_pipe_after_the_check_is_refused_on_the_open_file(
    tmp_path, monkeypatch
):
    """The path was a file when it was checked and is a pipe when opened: opening a pipe
    without a writer waits forever, unless it is opened without waiting and checked again."""
    pipe = swapped_for_a_pipe(tmp_path, monkeypatch)
    try:
        outcome = in_thread(read_csv_file, pipe)
    finally:
        unstick(pipe)
    assert isinstance(outcome, CsvError), outcome
    assert "is a named pipe (FIFO), not a regular file" in str(outcome)


def test_a_read_that_waits_is_given_up_after_the_timeout(tmp_path, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(safe_read, "_read", lambda *args: release.wait(GUARD) and (b"", 0))
    (tmp_path / "slow.csv").write_text("1,2\n")
    try:
        outcome = in_thread(read_csv_file, tmp_path / "slow.csv", "slow.csv", timeout=0.2)
        assert isinstance(outcome, CsvError)
        assert str(outcome).startswith(
            "slow.csv: reading it took more than 0.2 s, so it was given up"
        )
        stopped = in_thread(read_limited, tmp_path / "slow.csv", 10, 20, lambda: True)
        assert isinstance(stopped, ReadCancelled)
    finally:
        release.set()


def test_a_kernel_file_that_waits_for_more_is_refused(tmp_path, monkeypatch):
    """/proc/kmsg is a regular file whose read waits for the next kernel message; opened
    without waiting, the read says so (EAGAIN) instead."""

    def read(fd: int, n: int) -> bytes:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    (tmp_path / "kmsg").write_text("")
    monkeypatch.setattr(safe_read.os, "read", read)
    with pytest.raises(ReadError, match="is not a plain file: reading it waits for more"):
        read_limited(tmp_path / "kmsg", 100)


async def test_the_import_dialog_never_waits_on_a_file(tmp_path, monkeypatch):
    """A pipe is refused even when it slips past the first check, and while a read waits
    the dialog says so and escape still closes it."""
    monkeypatch.chdir(tmp_path)
    pipe = swapped_for_a_pipe(tmp_path, monkeypatch)
    (tmp_path / "slow.csv").write_text("1,2\n3,4\n")
    release, state = threading.Event(), {}
    real_read = safe_read._read

    def slow(path, *args):
        if path.name == "slow.csv":
            state["started"] = True
            release.wait(GUARD)
            state["released"] = True
        return real_read(path, *args)

    monkeypatch.setattr(safe_read, "_read", slow)
    # Were the open to wait for a writer (it must not), this would end the wait after GUARD s.
    timer = threading.Timer(GUARD, unstick, (pipe,))
    timer.daemon = True
    timer.start()
    app = GradApp(sandbox=Playground())
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await pilot.press("i")
            await wait_for(pilot, lambda: app.screen.query("#path"))
            app.screen.query_one("#path").value = "pipe.csv"
            await pilot.press("enter")
            await wait_for(pilot, lambda: "pipe.csv: " in screen_text(app), timeout=GUARD * 2)
            assert "pipe.csv: is a named pipe (FIFO), not a regular file" in screen_text(app)

            app.screen.query_one("#path").value = "slow.csv"
            await pilot.press("enter")
            await wait_for(pilot, lambda: state.get("started"))
            await wait_for(pilot, lambda: "reading slow.csv …" in screen_text(app))
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, SandboxScreen))
            assert "released" not in state  # closed while the read was still waiting
    finally:
        release.set()
        timer.cancel()
        unstick(pipe)


async def test_the_import_dialog_gives_up_a_read_after_the_timeout(tmp_path, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(safe_read, "_read", lambda *args: release.wait(GUARD) and (b"", 0))
    monkeypatch.setattr(safe_read, "READ_TIMEOUT", 0.3)
    (tmp_path / "slow.csv").write_text("1,2\n")
    app = GradApp(sandbox=Playground())
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            app.push_screen(ImportDataScreen(tmp_path))
            await wait_for(pilot, lambda: app.screen.query("#path"))
            app.screen.query_one("#path").value = "slow.csv"
            await pilot.press("enter")
            await wait_for(pilot, lambda: "given up" in screen_text(app))
            assert "slow.csv: reading it took more than 0.3 s, so it was given up" in screen_text(
                app
            )
            assert isinstance(app.screen, ImportDataScreen)  # still open: try another file
    finally:
        release.set()


def test_the_command_line_refuses_a_pipe(tmp_path):
    pipe = fifo(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "gradtui", "fit", "--data", str(pipe)],
        capture_output=True,
        text=True,
        timeout=GUARD * 4,
    )
    assert out.returncode == 2
    assert out.stderr == f"gradtui: error: {pipe}: is a named pipe (FIFO), not a regular file\n"
