"""``gradtui serve``: checks of the command, then the real server driven by headless Chromium.

The browser test needs Debian's ``chromium`` and the ``playwright`` package (which drives that
browser; it never downloads one). Without them it is skipped with the reason, except in CI,
where ``.ci/run`` installs Chromium and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serve_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    READ_SCREEN_JS,
    group_alive,
    group_members,
    playwright_or_skip,
    read,
    running_server,
    wait_for_screen,
)

from gradtui import cli
from gradtui.web.serve import (
    LEARNER_COOKIE,
    ServeError,
    app_command,
    banner,
    check_address,
    is_loopback,
    learner_token,
)

ROOT = Path(__file__).resolve().parent.parent


def _main(capsys, *argv: str) -> tuple[int, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exit_:  # argparse
        status = exit_.code
    return status, capsys.readouterr().err


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
    assert "At most 20 browser tabs at once (--max-sessions)" in local
    assert "At most 30 browser tabs" in banner("127.0.0.1", 8123, Path("/d"), max_sessions=30)
    anyone = banner("0.0.0.0", 8123, Path("/data/browsers"))
    assert "WARNING: --host 0.0.0.0 is reachable from the network" in anyone
    assert "anyone who can reach this computer" in anyone
    assert "The connection is not encrypted" in anyone
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
        (["serve", "--max-sessions", "0"], "--max-sessions must be between 1 and 1000, not 0"),
        (["serve", "--max-sessions", "many"], "argument --max-sessions: 'many' is not a whole"),
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


@pytest.fixture
def sync_playwright():
    """Playwright's sync API, or a skip (a failure in CI) saying what is missing."""
    return playwright_or_skip()


@pytest.fixture
def server(tmp_path):
    """``gradtui serve`` on a free port, with a lesson folder of its own; stopped at the end."""
    with running_server(tmp_path) as running:
        yield running


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

            home = wait_for_screen(page, "gradtui — touch a gradient", "1. The seven steps")
            assert "1. The seven steps" in home
            assert "A good lesson" in home  # the server's --lessons reached the app

            # this browser's token (from the page's cookie) names the app's data folder
            (cookie,) = [c for c in page.context.cookies() if c["name"] == LEARNER_COOKIE]
            (app,) = group_members(proc.pid)
            environ = Path(f"/proc/{app}/environ").read_bytes().split(b"\0")
            home_dir = tmp_path / "data" / "browsers" / cookie["value"]
            assert f"GRADTUI_DATA_HOME={home_dir}".encode() in environ

            # Keys go to xterm's hidden textarea; focusing it (not clicking) leaves the
            # app's mouse handling out of it.
            page.focus(".xterm-helper-textarea")
            page.keyboard.press("s")
            sandbox = wait_for_screen(page, "gradtui — sandbox", ">>> x.grad", "tensor(6.)")
            assert "Sandbox: free play" not in sandbox
            shot = tmp_path / "serve-sandbox.png"
            page.screenshot(path=str(shot))
            assert shot.read_bytes().startswith(b"\x89PNG")

            # Ctrl+C in the teacher's terminal: the server and every app it started stop,
            # even with a browser still connected.
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(timeout=30) == 0
            deadline = time.monotonic() + 30
            while group_alive(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not group_alive(proc.pid), "an app process outlived the server"
        finally:
            browser.close()

    origin = url + "/"
    assert requested and all(r.startswith(origin) for r in requested), requested
    output = read(log)
    assert f"serving the app at {url}" in output
    assert "Only this computer can connect" in output
    assert "a browser connected from 127.0.0.1: 1 open" in output
    assert "Traceback" not in output and "WARNING" not in output, output


# --- the page, from the server in this process ----------------------------------------------


async def test_the_page_points_at_the_host_the_browser_used_and_sets_a_token(tmp_path):
    from aiohttp.test_utils import TestClient, TestServer

    from gradtui.web.server import GradServer

    server = GradServer("0.0.0.0", 8000, [], tmp_path / "browsers")
    async with TestClient(TestServer(await server._make_app())) as client:
        name = socket.gethostname()  # what the banner suggests, e.g. teacher-laptop
        first = await client.get("/", headers={"Host": f"{name}:8000"})
        page = await first.text()
        assert f'data-session-websocket-url="ws://{name}:8000/ws"' in page
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
