"""Run a program in a real pseudo-terminal and time what it writes to the screen."""

from __future__ import annotations

import bisect
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 120, 40


class Terminal:
    """A program started in a ``COLUMNS`` x ``LINES`` pty; ``wait_for`` reads its output."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        full_env.pop("COLUMNS", None)
        full_env.pop("LINES", None)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.fd = master
        self.output = b""
        self._ends: list[int] = []
        self._times: list[float] = []

    def wait_for(self, marker: bytes, timeout: float = 60.0, start: int = 0) -> float:
        """Seconds from the program's start until ``marker`` was read (at/after byte ``start``)."""
        deadline = time.perf_counter() + timeout
        while True:
            found = self.output.find(marker, start)
            if found >= 0:
                end = found + len(marker)
                chunk = bisect.bisect_left(self._ends, end)
                return self._times[chunk] - self.started
            self._read(deadline, marker)

    def _read(self, deadline: float, marker: bytes = b"") -> bool:
        left = deadline - time.perf_counter()
        if left <= 0:
            if marker:
                tail = self.output[-400:].decode("utf-8", "replace")
                raise TimeoutError(f"{marker!r} never appeared; last output: {tail!r}")
            return False
        ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # the program exited
            chunk = b""
        if not chunk:
            if self.process.poll() is not None:
                raise RuntimeError(f"the program exited with {self.process.returncode}")
            return True
        self._times.append(time.perf_counter())
        self.output += chunk
        self._ends.append(len(self.output))
        return True

    def drain(self, seconds: float) -> None:
        """Keep reading (so the program never blocks on a full pty) for ``seconds``."""
        deadline = time.perf_counter() + seconds
        while self._read(deadline):
            pass

    def send(self, keys: bytes) -> int:
        """Type ``keys``; returns the output position to search from for the answer."""
        position = len(self.output)
        os.write(self.fd, keys)
        return position

    def close(self) -> None:
        """Stop the program (its whole process group) and free the pty."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.fd)


def python(*args: str) -> list[str]:
    """argv for this Python running ``args``."""
    return [sys.executable, *args]
