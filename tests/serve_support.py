"""What the tests of ``gradtui serve`` share: a real server in a process group of its own,
reading its apps from /proc, and headless Chromium (Debian's, driven by Playwright) with a way
to read xterm.js's screen.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = Path("/usr/bin/chromium")
# Flags for this closed network: without the background-networking ones Chromium's own
# connections are refused and slow everything down.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Runs before the page's scripts. xterm.js draws the terminal on a canvas, so the page's DOM
# holds no text; its buffer does, but textual-serve's script keeps the xterm Terminal in a
# private object as `this.terminal = new Terminal(...)`. That assignment goes through a setter
# on Object.prototype (the object has no own `terminal` yet), which keeps the Terminal in
# window.__gradtuiTerminal and then makes `terminal` an ordinary property of that object.
# __gradtuiScreen() reads the visible rows through xterm's public buffer API.
READ_SCREEN_JS = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal", {
      value, writable: true, configurable: true, enumerable: true,
    });
    if (value && value.buffer && value.buffer.active) window.__gradtuiTerminal = value;
  },
});
window.__gradtuiScreen = () => {
  const term = window.__gradtuiTerminal;
  if (!term) return "";
  const buffer = term.buffer.active;
  const rows = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
};
"""


def playwright_or_skip():
    """Playwright's sync API, or a skip (a failure in CI) saying what is missing."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"no browser at {CHROMIUM} (Debian: apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright as api
        except ImportError:
            reason = "the playwright package is missing (pip install -e '.[test]')"
    if reason is None:
        return api
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser test, but {reason}")
    pytest.skip(reason)


@contextmanager
def running_server(tmp_path: Path, *options: str) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """``gradtui serve [options]`` on a free port, with a lesson folder of its own:
    (process, its URL, its output file); killed with every app it started at the end."""
    lessons = tmp_path / "lessons"
    lessons.mkdir(exist_ok=True)
    shutil.copy(ROOT / "tests" / "data" / "lessons_broken" / "00-good.md", lessons)
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "GRADTUI_DATA_HOME": str(tmp_path / "data")}
    argv = [sys.executable, "-m", "gradtui", "--lessons", str(lessons), "serve", *options]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*argv, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
            start_new_session=True,  # its own process group, which the apps it starts join
        )
    try:
        wait_until_listening(proc, port, log)
        yield proc, f"http://127.0.0.1:{port}", log
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        kill_group(proc.pid)


def rss_mb(pid: int) -> float:
    """A process's resident memory in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def wait_until_listening(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with status {proc.returncode}:\n{read(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not listen on port {port} within 60 s:\n{read(log)}")


def read(log: Path) -> str:
    return log.read_text(encoding="utf-8")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != pgid:
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    members.append(int(entry.name))
            except ProcessLookupError:
                pass
    return members


def kill_group(pgid: int) -> None:
    if group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)


def wait_for_screen(page, *needles: str) -> str:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "(needles) => needles.every((n) => window.__gradtuiScreen().includes(n))",
            arg=list(needles),
            timeout=60_000,
            polling=200,
        )
    except PlaywrightTimeout:
        shown = page.evaluate("() => window.__gradtuiScreen ? window.__gradtuiScreen() : ''")
        pytest.fail(f"the page never showed {needles}; it shows:\n{shown}")
    return page.evaluate("() => window.__gradtuiScreen()")
