"""``gradtui serve`` as a workshop room meets it, with the real server and the real app: what
the teacher's console shows when clients misbehave, an app's memory after a huge resize, a tab
over the session cap, and a page on another site (the last two in headless Chromium).
"""

from __future__ import annotations

import asyncio
import base64
import http.server
import json
import os
import re
import signal
import socket
import struct
import threading
import time

import aiohttp
import pytest
from serve_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    READ_SCREEN_JS,
    group_members,
    playwright_or_skip,
    read,
    rss_mb,
    running_server,
    wait_for_screen,
)

from gradtui.web.rules import MAX_ROWS
from gradtui.web.serve import LEARNER_COOKIE

TOKEN = "Secr3t-learner-token_0123456789ab"
COOKIE = {"Cookie": f"{LEARNER_COOKIE}={TOKEN}"}
ROW = re.compile(rb"\x1b\[(\d+);\d+H")  # where Textual moves the cursor to draw a line
CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def _text(output: bytes) -> bytes:
    """The app's output without its cursor moves and colours."""
    return CSI.sub(b"", output)


@pytest.fixture
def sync_playwright():
    """Playwright's sync API, or a skip (a failure in CI) saying what is missing."""
    return playwright_or_skip()


async def _receive_until(ws, done, what: str) -> bytes:
    """The app's output until ``done(output)``; fails after 60 s without it."""
    output = b""
    try:
        async with asyncio.timeout(60):
            while not done(output):
                message = await ws.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    output += message.data
                elif message.type != aiohttp.WSMsgType.TEXT:
                    pytest.fail(f"the session closed before {what}: {message}")
    except TimeoutError:
        pytest.fail(f"no {what} within 60 s; the last text drawn: {_text(output)[-600:]!r}")
    return output


def _stop(proc) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) == 0


# --- the console --------------------------------------------------------------------------------


def _raw_session(port: int, *frames: bytes) -> bytes:
    """A websocket handshake by hand (this page's Origin, the learner's cookie), then
    ``frames`` as they are, and whatever the server answers until it closes."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: http://127.0.0.1:{port}\r\nCookie: {LEARNER_COOKIE}={TOKEN}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := sock.recv(65536)):
            answer += chunk  # the handshake's answer first, as a browser waits for it
        for frame in frames:
            sock.sendall(frame)
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:  # closed with a frame still unread: the server's right
            pass
    return answer


def _frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """One masked client frame (mask 0, so the payload is sent as it is)."""
    assert len(payload) < 126
    return struct.pack("!BB4s", (0x80 if fin else 0) | opcode, 0x80 | len(payload), b"\0" * 4) + (
        payload
    )


async def _next_close(ws) -> aiohttp.WSMessage:
    """The close frame, past the screen updates the app may still be sending before it."""
    while (message := await ws.receive()).type in (
        aiohttp.WSMsgType.BINARY,
        aiohttp.WSMsgType.TEXT,
    ):
        pass
    assert message.type == aiohttp.WSMsgType.CLOSE, message
    return message


def test_the_console_shows_one_line_per_event_never_a_token_or_a_traceback(tmp_path):
    with running_server(tmp_path) as (proc, url, log):
        port = int(url.rsplit(":", 1)[1])

        async def misbehave():
            async with aiohttp.ClientSession(headers=COOKIE) as http:
                plain = await http.get(f"{url}/ws")  # a plain GET of the websocket address
                assert plain.status == 400
                with pytest.raises(aiohttp.WSServerHandshakeError, match="403"):
                    await http.ws_connect(f"{url}/ws", origin="http://evil.example")
                ws = await http.ws_connect(f"{url}/ws", origin=url)
                await _receive_until(ws, lambda out: len(out) > 1000, "first screen")
                for junk in ("not json{", '["stdin", 42]', '["exec", "x"]', "[" * 5000):
                    await ws.send_str(junk)
                await ws.send_bytes(b"\x00\xff binary")
                await ws.send_str(json.dumps(["stdin", "x" * 70_000]))  # over 64 KiB
                closing = await asyncio.wait_for(_next_close(ws), 60)
                assert closing.data == aiohttp.WSCloseCode.MESSAGE_TOO_BIG

        asyncio.run(misbehave())
        # frames that break the protocol: a reserved opcode, a continuation out of nowhere
        answer = _raw_session(port, _frame(0x3, b"??"), _frame(0x0, b"more"))
        assert answer.startswith(b"HTTP/1.1 101")
        _stop(proc)
    output = read(log)
    assert TOKEN not in output
    assert "locals" not in output and "Traceback" not in output and "╭" not in output
    assert "Application failed to start" not in output  # a tab that left while its app started
    assert all(len(line) < 300 for line in output.splitlines())
    for line in [
        "refused a session from 127.0.0.1: not opened by this server's page",
        "a browser sent a message that is not the page's: ignored",
        "a browser's connection failed: Message size 70",
        "a browser's connection failed: Unexpected opcode=3",
    ]:
        assert line in output, output


def test_a_client_that_sends_its_request_slowly_is_dropped(tmp_path):
    with running_server(tmp_path) as (proc, url, log):
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            deadline = time.monotonic() + 60  # aiohttp's own limit, 75 s, would be too late
            closed = False
            while not closed and time.monotonic() < deadline:
                try:
                    sock.sendall(b"X-Drip: 1\r\n")  # one header line a second, never the end
                    closed = sock.recv(1) == b""
                except TimeoutError:
                    continue
                except OSError:  # reset or broken pipe: closed too
                    closed = True
        _stop(proc)
    assert closed, "the server kept a half-sent request open for a minute"


# --- programs --------------------------------------------------------------------------------

F3, F5 = "\x1bOR", "\x1b[15~"  # what a terminal (xterm.js) sends for the keys
UP, DELETE_LINE = "\x1b[A", "\x0b"  # ctrl+k: to the end of the line, then the line itself
HOSTILE_LINES = [  # one line typed above the loop playground's starter, then F5
    ('open("pwned.txt", "w").write("x")', rb"'open' is not in gradtui's subset"),
    ("import os", rb"'import os' is not"),
    ('torch.save(torch.zeros(3), "pwned.pt")', rb"torch.save"),
    ("x = torch.randn(10**5, 10**5)", rb"'tensor_elements'"),
    ("while True: pass", rb"ran 1,000,000 statements"),
]


def test_hostile_programs_through_a_browser_session_are_refused_or_stopped(tmp_path):
    """A learner's tab types each hostile line into the loop playground and runs it: each is
    refused or stopped by a budget, nothing is written, and the app still answers."""
    with running_server(tmp_path) as (proc, url, log):

        async def type_programs() -> None:
            async with aiohttp.ClientSession(headers=COOKIE) as http:
                ws = await http.ws_connect(f"{url}/ws?width=120&height=40", origin=url)
                await _receive_until(ws, lambda out: b"seven steps" in out, "home screen")
                await ws.send_str(json.dumps(["focus"]))
                await ws.send_str(json.dumps(["stdin", "s"]))  # the sandbox, torch loaded
                grad = re.compile(rb"x +3 +6 ")
                await _receive_until(ws, lambda out: grad.search(_text(out)), "the sandbox")
                await ws.send_str(json.dumps(["stdin", "w"]))  # the loop playground
                await _receive_until(ws, lambda out: b"x.grad.zero_()" in _text(out), "loop")
                await ws.send_str(json.dumps(["stdin", F3 * 5]))  # full speed
                starter = b"1  # The seven steps"
                for line, said in HOSTILE_LINES:  # each key waits for the screen, as a person
                    await ws.send_str(json.dumps(["stdin", line + "\r"]))
                    typed = b"1  " + line.encode()
                    await _receive_until(ws, lambda out, t=typed: t in _text(out), "the line")
                    await ws.send_str(json.dumps(["stdin", F5]))
                    await _receive_until(ws, lambda out, s=said: s in _text(out), line)
                    await ws.send_str(json.dumps(["stdin", UP + DELETE_LINE * 2]))
                    await _receive_until(ws, lambda out: starter in _text(out), "line deleted")
                await ws.close()

        asyncio.run(type_programs())
        alive = [pid for pid in group_members(proc.pid)]
        _stop(proc)
    assert alive, "the session's app was gone before the server stopped"
    assert not list(tmp_path.rglob("pwned*")), "a program wrote a file"
    assert "Traceback" not in read(log)


# --- memory ---------------------------------------------------------------------------------


def test_a_huge_resize_is_clamped_and_the_apps_memory_stays_near_a_normal_sessions(tmp_path):
    with running_server(tmp_path) as (proc, url, log):

        async def resize() -> tuple[float, float, int]:
            async with aiohttp.ClientSession(headers=COOKIE) as http:
                ws = await http.ws_connect(f"{url}/ws?width=100&height=30", origin=url)
                await _receive_until(ws, lambda out: b"seven steps" in out, "home screen")
                # the sandbox, so torch is loaded (keys count once the app has the focus)
                await ws.send_str(json.dumps(["focus"]))
                await ws.send_str(json.dumps(["stdin", "s"]))
                grad = re.compile(rb"x +3 +6 ")  # x, its value and its grad, from torch
                await _receive_until(ws, lambda out: grad.search(_text(out)), "the sandbox")
                (app,) = group_members(proc.pid)
                normal = rss_mb(app)
                await ws.send_str(json.dumps(["resize", {"width": 40000, "height": 20000}]))
                drawn = await _receive_until(
                    ws, lambda out: MAX_ROWS in map(int, ROW.findall(out)), "a redraw"
                )
                huge = rss_mb(app)
                await ws.close()
                return normal, huge, max(map(int, ROW.findall(drawn)))

        normal, huge, last_row = asyncio.run(resize())
        _stop(proc)
    print(f"app RSS: {normal:.0f} MB at 100x30, {huge:.0f} MB after asking for 40000x20000")
    assert last_row == MAX_ROWS  # drawn at 500x200, not 40000x20000 (which took 5 GB)
    assert huge < normal + 150, (normal, huge)


# --- in Chromium --------------------------------------------------------------------------------


def test_a_tab_over_the_session_cap_is_told_the_server_is_full(sync_playwright, tmp_path):
    with running_server(tmp_path, "--max-sessions", "1") as (proc, url, log):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                first = browser.new_page()
                refused_scripts: list[str] = []
                first.on(
                    "console",
                    lambda m: (
                        "Content Security Policy" in m.text and refused_scripts.append(m.text)
                    ),
                )
                first.add_init_script(READ_SCREEN_JS)
                first.goto(url)
                wait_for_screen(first, "1. The seven steps")

                second = browser.new_page()
                second.goto(url)
                dialog = second.locator(".closed-dialog .message")
                dialog.wait_for(state="visible", timeout=60_000)
                assert dialog.inner_text() == (
                    "The server is full: 1 of 1 sessions are open. "
                    "Close a tab you no longer use, then press Restart."
                )
                assert len(group_members(proc.pid)) == 1  # no app started for it
                # the page's own script ran under its policy; only webpack's probe for
                # `new Function` (which falls back to `window`) is refused
                assert all("unsafe-eval" in text for text in refused_scripts), refused_scripts
            finally:
                browser.close()
        _stop(proc)
    assert "refused a browser from 127.0.0.1: 1 of 1 sessions open" in read(log)


EVIL_PAGE = """<!DOCTYPE html><title>waiting</title>
<iframe id="frame" src="URL/"></iframe>
<script>
  const ws = new WebSocket("WS/ws");
  ws.onopen = () => { document.title = "opened"; ws.send('["stdin", "s"]'); };
  ws.onclose = () => { if (document.title === "waiting") document.title = "refused"; };
</script>
"""


def test_a_page_on_another_site_cannot_start_or_frame_the_app(sync_playwright, tmp_path):
    with running_server(tmp_path) as (proc, url, log):
        site = tmp_path / "evil"
        site.mkdir()
        page_html = EVIL_PAGE.replace("URL", url).replace("WS", url.replace("http", "ws"))
        (site / "index.html").write_text(page_html)
        handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(site))  # noqa: E731
        evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=evil.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                try:
                    page = browser.new_page()
                    page.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
                    page.wait_for_function("document.title !== 'waiting'", timeout=60_000)
                    assert page.title() == "refused"
                    (frame,) = [f for f in page.frames if f != page.main_frame]
                    assert not frame.url.startswith(url)  # X-Frame-Options: DENY
                finally:
                    browser.close()
        finally:
            evil.shutdown()
        assert group_members(proc.pid) == []
        _stop(proc)
    assert "refused a session from 127.0.0.1: not opened by this server's page" in read(log)
