"""``gradtui serve``: checks of the command, then the real server driven by headless Chromium.

The browser test needs Debian's ``chromium`` and the ``playwright`` package (which drives that
browser; it never downloads one). Without them it is skipped with the reason, except in CI,
where ``.ci/run`` installs Chromium and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gradtui import cli
from gradtui.serve import (
    LEARNER_COOKIE,
    ServeError,
    app_command,
    banner,
    check_address,
    is_loopback,
    learner_token,
)

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


def _main(capsys, *argv: str) -> tuple[int, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exit_:  # argparse
        status = exit_.code
    return status, capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the command, without a browser -------------------------------------------------------


def test_app_command_runs_this_python_with_the_lesson_folders(tmp_path):
    folder = tmp_path / "my lessons"  # a space: the command goes through a shell
    argv = shlex.split(app_command([str(folder)]))
    assert argv == ["exec", sys.executable, "-P", "-m", "gradtui", "--lessons", str(folder)]
    assert shlex.split(app_command()) == ["exec", sys.executable, "-P", "-m", "gradtui"]


def test_each_browser_gets_its_data_folder_through_the_shell(tmp_path):
    home = tmp_path / "it's a folder"  # a quote and a space
    setup, _ = app_command(["x"], data_home=home).split("; exec ", 1)
    shown = subprocess.run(
        ["sh", "-c", setup + '; printf %s "$GRADTUI_DATA_HOME"'], capture_output=True, text=True
    )
    assert shown.stdout == str(home)


def test_learner_tokens_only_name_a_folder():
    kept = "abcDEF0123456789_-xyz"
    assert learner_token(kept) == kept
    fresh = {learner_token(bad) for bad in (None, "", "../../etc", "a/b" * 8, "x" * 65, "short")}
    assert len(fresh) == 6  # each one new
    assert all(len(token) >= 16 and learner_token(token) == token for token in fresh)


def test_relative_lesson_folders_become_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert app_command(["mine"]).endswith(f"--lessons {tmp_path / 'mine'}")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False)],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_banner_says_where_and_who_can_connect():
    local = banner("127.0.0.1", 8123, Path("/data/browsers"))
    assert "http://127.0.0.1:8123" in local
    assert "Only this computer can connect" in local
    assert "Each browser keeps its own progress, under /data/browsers" in local
    assert "WARNING" not in local
    anyone = banner("0.0.0.0", 8123, Path("/data/browsers"))
    assert "WARNING: --host 0.0.0.0 is reachable from the network" in anyone
    assert "anyone who can reach this computer" in anyone
    assert f"http://{socket.gethostname()}:8123" in anyone


def test_a_port_in_use_is_named():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match=f"127.0.0.1:{port}: the port is already in use"):
            check_address("127.0.0.1", port)
    check_address("127.0.0.1", port)  # free again


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["serve", "--port", "abc"], "argument --port: 'abc' is not a port number"),
        (["serve", "--port", "0"], "port must be between 1 and 65535, not 0"),
        (["serve", "--port", "65536"], "port must be between 1 and 65535, not 65536"),
        (["serve", "--host", ""], "--host is empty"),
        (["serve", "--host", "no-such-host.invalid"], "'no-such-host.invalid' is not an address"),
        (["serve", "--host", "192.0.2.1"], "192.0.2.1 is not an address of this computer"),
        (["--lessons", "no-such-folder", "serve"], "--lessons no-such-folder: no such folder"),
        (["serve", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_exits_2_with_one_message(capsys, argv, fragment):
    status, err = _main(capsys, *argv)
    assert status == 2
    assert fragment in err
    assert err.count("error:") == 1
    assert "Traceback" not in err


def test_serve_help_imports_neither_torch_nor_textual():
    code = (
        "import sys\n"
        "from gradtui.cli import main\n"
        "try:\n    main(['serve', '--help'])\n"
        "except SystemExit as e:\n    assert e.code == 0\n"
        "print(*(m in sys.modules for m in ('torch', 'textual', 'textual_serve', 'aiohttp')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    *help_text, imported = result.stdout.strip().splitlines()
    assert imported == "False False False False"
    assert "gradtui serve --host 0.0.0.0" in "\n".join(help_text)


# --- the real server in headless Chromium --------------------------------------------------

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


@pytest.fixture
def sync_playwright():
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


@pytest.fixture
def server(tmp_path):
    """``gradtui serve`` on a free port, with a lesson folder of its own; stopped at the end."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "lessons_broken" / "00-good.md", lessons)
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "GRADTUI_DATA_HOME": str(tmp_path / "data")}
    argv = [sys.executable, "-m", "gradtui", "--lessons", str(lessons), "serve"]
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
        _wait_until_listening(proc, port, log)
        yield proc, f"http://127.0.0.1:{port}", log
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        _kill_group(proc.pid)


def _wait_until_listening(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with status {proc.returncode}:\n{_read(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not listen on port {port} within 60 s:\n{_read(log)}")


def _read(log: Path) -> str:
    return log.read_text(encoding="utf-8")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != pgid:
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    members.append(int(entry.name))
            except ProcessLookupError:
                pass
    return members


def _kill_group(pgid: int) -> None:
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)


def _wait_for_screen(page, *needles: str) -> str:
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


def test_the_app_in_a_browser(sync_playwright, server, tmp_path):
    proc, url, log = server
    requested: list[str] = []
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh temporary profile (--user-data-dir).
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.on("request", lambda request: requested.append(request.url))
            page.add_init_script(READ_SCREEN_JS)
            page.goto(url)
            assert page.title() == "gradtui"

            home = _wait_for_screen(page, "gradtui — touch a gradient", "1. The seven steps")
            assert "1. The seven steps" in home
            assert "A good lesson" in home  # the server's --lessons reached the app

            # this browser's token (from the page's cookie) names the app's data folder
            (cookie,) = [c for c in page.context.cookies() if c["name"] == LEARNER_COOKIE]
            (app,) = _group_members(proc.pid)
            environ = Path(f"/proc/{app}/environ").read_bytes().split(b"\0")
            home_dir = tmp_path / "data" / "browsers" / cookie["value"]
            assert f"GRADTUI_DATA_HOME={home_dir}".encode() in environ

            # Keys go to xterm's hidden textarea; focusing it (not clicking) leaves the
            # app's mouse handling out of it.
            page.focus(".xterm-helper-textarea")
            page.keyboard.press("s")
            sandbox = _wait_for_screen(page, "gradtui — sandbox", ">>> x.grad", "tensor(6.)")
            assert "Sandbox: free play" not in sandbox
            shot = tmp_path / "serve-sandbox.png"
            page.screenshot(path=str(shot))
            assert shot.read_bytes().startswith(b"\x89PNG")

            # Ctrl+C in the teacher's terminal: the server and every app it started stop,
            # even with a browser still connected.
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(timeout=30) == 0
            deadline = time.monotonic() + 30
            while _group_alive(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not _group_alive(proc.pid), "an app process outlived the server"
        finally:
            browser.close()

    origin = url + "/"
    assert requested and all(r.startswith(origin) for r in requested), requested
    output = _read(log)
    assert f"serving the app at {url}" in output
    assert "Only this computer can connect" in output
    assert "a browser connected from 127.0.0.1: 1 open" in output
    assert "Traceback" not in output and "WARNING" not in output, output


# --- the page, from the server in this process ----------------------------------------------


async def test_the_page_points_at_the_host_the_browser_used_and_sets_a_token(tmp_path):
    from aiohttp.test_utils import TestClient, TestServer

    from gradtui.web_server import GradServer

    server = GradServer("0.0.0.0", 8000, [], tmp_path / "browsers")
    async with TestClient(TestServer(await server._make_app())) as client:
        first = await client.get("/", headers={"Host": "teacher-laptop:8000"})
        page = await first.text()
        assert 'data-session-websocket-url="ws://teacher-laptop:8000/ws"' in page
        assert "http" not in page.split("-->", 1)[1]  # nothing from other sites
        cookie = first.cookies[LEARNER_COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        assert learner_token(cookie.value) == cookie.value

        again = await client.get("/", cookies={LEARNER_COOKIE: cookie.value})
        assert again.cookies[LEARNER_COOKIE].value == cookie.value
        forged = await client.get("/", cookies={LEARNER_COOKIE: "../../etc"})
        assert forged.cookies[LEARNER_COOKIE].value not in ("../../etc", cookie.value)

        font = await client.get("/static/fonts/RobotoMono-VariableFont_wght.ttf")
        assert font.status == 200 and len(await font.read()) > 10_000
