"""``gradtui serve`` against a hostile browser or client, in this process: the server's real
handlers with a stand-in app (tests/serve_fake_app.py) that reports what reaches it.

Which page may start an app (Origin), which names the server answers to (Host, against DNS
rebinding), terminal sizes, the session cap, messages that are not the page's, downloads,
static files and an app that will not quit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
import sys
from pathlib import Path

import pytest
from aiohttp import WSCloseCode, WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from gradtui.web import session as web_session
from gradtui.web.rules import (
    MAX_COLUMNS,
    MAX_ROWS,
    MIN_COLUMNS,
    MIN_ROWS,
    OneLineFormatter,
    host_allowed,
    parse_message,
    same_origin,
)
from gradtui.web.serve import LEARNER_COOKIE
from gradtui.web.server import GradServer

FAKE_APP = Path(__file__).with_name("serve_fake_app.py")
TOKEN = "Tok3n-of-a-learner_0123456789abcdef"


class FakeAppServer(GradServer):
    """The real server, with each session running the stand-in app."""

    def __init__(self, folder: Path, mode: str = "", **kwargs):
        super().__init__(kwargs.pop("host", "127.0.0.1"), 8000, [], folder / "browsers", **kwargs)
        self.folder = folder
        self.mode = mode

    def session_command(self, token: str) -> str:
        argv = [sys.executable, str(FAKE_APP), str(self.folder), token, self.mode]
        return "exec " + shlex.join(argv)

    def started(self) -> list[Path]:
        return sorted(self.folder.glob("started-*"))


@pytest.fixture
async def serve(tmp_path):
    """``await serve(**options)``: (server, client, its own origin); all stopped at the end."""
    clients: list[TestClient] = []

    async def start(**options):
        server = FakeAppServer(tmp_path, **options)
        client = TestClient(TestServer(await server._make_app()))
        await client.start_server()
        clients.append(client)
        return server, client, str(client.make_url("")).rstrip("/")

    yield start
    for client in clients:
        await client.close()


async def _connect(client, origin, query="", token=TOKEN):
    return await client.ws_connect(
        f"/ws{query}", origin=origin, headers={"Cookie": f"{LEARNER_COOKIE}={token}"}
    )


async def _report(ws) -> dict:
    """The next thing the stand-in app reports."""
    message = await asyncio.wait_for(ws.receive(), 30)
    assert message.type == WSMsgType.BINARY, message
    return json.loads(message.data)


async def _wait_for(condition, what: str) -> None:
    for _ in range(600):
        if condition():
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"never: {what}")


# --- Origin: only the page this server served starts an app ---------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://evil.example:{port}",
        "http://127.0.0.1:1",  # this computer, another port: another site
        "https://127.0.0.1:{port}",  # another scheme
        "null",  # a sandboxed frame or a file:// page
        None,  # no Origin at all: not a browser; refused too
    ],
)
async def test_a_foreign_origin_is_refused_and_starts_no_app(serve, origin):
    server, client, own = await serve()
    headers = {"Cookie": f"{LEARNER_COOKIE}={TOKEN}"}
    if origin is not None:
        headers["Origin"] = origin.format(port=client.port)
    handshake = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    response = await client.get("/ws", headers={**headers, **handshake})
    assert response.status == 403
    assert "Only the gradtui page may open a session" in await response.text()
    assert server.started() == [] and server.sessions == 0


async def test_its_own_origin_starts_an_app_that_gets_the_keys(serve):
    server, client, own = await serve()
    ws = await _connect(client, own)
    assert await _report(ws) == {"columns": 80, "rows": 24}
    await ws.send_str(json.dumps(["stdin", "x**2\r"]))
    assert await _report(ws) == {"kind": "D", "payload": "x**2\r"}
    assert len(server.started()) == 1 and server.sessions == 1
    await ws.close()
    await _wait_for(lambda: server.sessions == 0, "the session ended")


@pytest.mark.parametrize(
    ("origin", "scheme", "host", "same"),
    [
        ("http://127.0.0.1:8000", "http", "127.0.0.1:8000", True),
        ("HTTP://LocalHost:8000", "http", "localhost:8000", True),
        ("http://teacher", "http", "teacher:80", True),  # a default port, written or not
        ("https://teacher:443", "https", "teacher", True),
        ("http://[::1]:8000", "http", "[::1]:8000", True),
        ("http://127.0.0.1:8000/", "http", "127.0.0.1:8000", True),
        ("http://127.0.0.1:8000/page", "http", "127.0.0.1:8000", False),  # not an origin
        ("http://127.0.0.1:8001", "http", "127.0.0.1:8000", False),
        ("http://127.0.0.2:8000", "http", "127.0.0.1:8000", False),
        ("http://127.0.0.1.evil.example:8000", "http", "127.0.0.1:8000", False),
        ("http://user@127.0.0.1:8000", "http", "127.0.0.1:8000", False),
        ("http://127.0.0.1:99999", "http", "127.0.0.1:8000", False),  # not a port
        ("file://", "http", "127.0.0.1:8000", False),
        ("null", "http", "127.0.0.1:8000", False),
        ("", "http", "127.0.0.1:8000", False),
        (None, "http", "127.0.0.1:8000", False),
    ],
)
def test_same_origin(origin, scheme, host, same):
    assert same_origin(origin, scheme, host) is same


def test_the_page_sends_only_messages_that_parse():
    assert parse_message('["stdin", "x"]') == ("stdin", "x")
    assert parse_message('["resize", {"width": 80, "height": 24}]') == ("resize", 80, 24)
    assert parse_message('["ping", "1700000000000"]') == ("ping", "1700000000000")
    assert parse_message('["focus"]') == ("focus",) and parse_message('["blur"]') == ("blur",)


@pytest.mark.parametrize(
    ("host", "bound", "names", "allowed"),
    [
        ("127.0.0.1:8000", "127.0.0.1", (), True),
        ("127.1.2.3", "127.0.0.1", (), True),
        ("localhost:8000", "localhost", (), True),
        ("teacher:8000", "127.0.0.1", ("teacher",), False),  # listens on loopback only
        ("10.0.0.5:8000", "0.0.0.0", (), True),
        ("Teacher.local:8000", "0.0.0.0", ("teacher.local",), True),
        ("lab-pc:8000", "lab-pc", (), True),  # --host NAME
        ("rebound.example:8000", "0.0.0.0", ("teacher",), False),
        ("", "0.0.0.0", (), False),
        ("a b:8000", "0.0.0.0", (), False),
        ("rebound.example@127.0.0.1:8000", "127.0.0.1", (), False),
    ],
)
def test_host_allowed(host, bound, names, allowed):
    loopback = bound in ("127.0.0.1", "localhost")
    assert host_allowed(host, bound, loopback, names) is allowed


# --- Host: the server answers only to this computer's names ----------------------------------


@pytest.mark.parametrize(
    ("bound", "host", "status"),
    [
        ("127.0.0.1", "127.0.0.1:8000", 200),
        ("127.0.0.1", "localhost:8000", 200),
        ("127.0.0.1", "[::1]:8000", 200),
        ("127.0.0.1", "evil.example:8000", 403),  # DNS rebinding: evil.example → 127.0.0.1
        ("127.0.0.1", "192.168.1.20:8000", 403),
        ("0.0.0.0", "192.168.1.20:8000", 200),
        ("0.0.0.0", "{hostname}:8000", 200),
        ("0.0.0.0", "localhost", 200),
        ("0.0.0.0", "evil.example:8000", 403),
    ],
)
async def test_the_server_answers_only_to_this_computers_names(serve, bound, host, status):
    import socket

    server, client, _ = await serve(host=bound)
    response = await client.get("/", headers={"Host": host.format(hostname=socket.gethostname())})
    assert response.status == status
    if status == 403:
        assert "answers only to this computer's own names" in await response.text()
        assert LEARNER_COOKIE not in response.cookies


# --- sizes -------------------------------------------------------------------------------------


async def test_terminal_sizes_from_the_browser_are_clamped(serve):
    server, client, own = await serve()
    ws = await _connect(client, own, "?width=40000&height=20000")
    assert await _report(ws) == {"columns": MAX_COLUMNS, "rows": MAX_ROWS}
    for size, expected in [
        ({"width": 40000, "height": 20000}, (MAX_COLUMNS, MAX_ROWS)),
        ({"width": 1e308, "height": -5}, (MAX_COLUMNS, MIN_ROWS)),
        ({"width": 0, "height": 0}, (MIN_COLUMNS, MIN_ROWS)),
        ({"width": 120.7, "height": 40}, (120, 40)),
    ]:
        await ws.send_str(json.dumps(["resize", size]))
        meta = json.loads((await _report(ws))["payload"])
        assert (meta["type"], meta["width"], meta["height"]) == ("resize", *expected)
    # not numbers: nothing reaches the app (the next thing it gets is the key after them)
    for size in [{"width": "abc", "height": 20}, {"width": True, "height": 9}, {"width": 9}]:
        await ws.send_str(json.dumps(["resize", size]))
    await ws.send_str('["resize", {"width": NaN, "height": Infinity}]')
    await ws.send_str(json.dumps(["stdin", "k"]))
    assert await _report(ws) == {"kind": "D", "payload": "k"}
    await ws.close()


@pytest.mark.parametrize(
    ("query", "size"),
    [
        ("?width=abc&height=", (80, 24)),
        ("?width=1&height=1", (MIN_COLUMNS, MIN_ROWS)),
        ("", (80, 24)),
    ],
)
async def test_the_first_size_comes_from_the_url_clamped(serve, query, size):
    server, client, own = await serve()
    ws = await _connect(client, own, query)
    assert await _report(ws) == {"columns": size[0], "rows": size[1]}
    await ws.close()


# --- the session cap ---------------------------------------------------------------------------


async def test_a_session_over_the_cap_is_refused_with_a_message(serve):
    server, client, own = await serve(max_sessions=2)
    first, second = [await _connect(client, own, token=f"{TOKEN}{n}") for n in (1, 2)]
    for ws in (first, second):
        await _report(ws)
    third = await _connect(client, own)
    closing = await asyncio.wait_for(third.receive(), 30)
    assert closing.type == WSMsgType.CLOSE
    assert closing.data == WSCloseCode.TRY_AGAIN_LATER
    assert closing.extra == (
        "The server is full: 2 of 2 sessions are open. "
        "Close a tab you no longer use, then press Restart."
    )
    assert len(server.started()) == 2 and server.sessions == 2

    await first.close()  # a tab closes: its place is free again
    await _wait_for(lambda: server.sessions == 1, "the first session ended")
    fourth = await _connect(client, own)
    assert await _report(fourth) == {"columns": 80, "rows": 24}
    assert len(server.started()) == 3
    for ws in (second, fourth):
        await ws.close()


# --- messages that are not the page's -----------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "not json{",
        pytest.param("[" * 30_000 + "]" * 30_000, id="deeper-than-json-recursion-limit"),
        "{}",
        "[]",
        "[1, 2]",
        '["stdin", 42]',
        '["stdin", {"x": 1}]',
        '["resize", [1, 2]]',
        pytest.param('["ping", "' + "p" * 1000 + '"]', id="ping-of-1000-chars"),
        '["ping", {"x": 1}]',
        '["exec", "rm -rf /"]',
        b"\x00binary\xff",
    ],
)
async def test_a_message_that_is_not_the_pages_is_ignored(serve, caplog, message):
    server, client, own = await serve()
    ws = await _connect(client, own)
    await _report(ws)
    for _ in range(3):
        if isinstance(message, bytes):
            await ws.send_bytes(message)
        else:
            await ws.send_str(message)
    await ws.send_str(json.dumps(["ping", "1700000000000"]))
    reply = await asyncio.wait_for(ws.receive(), 30)  # the app got nothing; the session lives
    assert (reply.type, reply.data) == (WSMsgType.TEXT, '["pong", "1700000000000"]')
    await ws.close()
    await _wait_for(lambda: server.sessions == 0, "the session ended")
    ignored = [r for r in caplog.records if "not the page's" in r.getMessage()]
    assert len(ignored) == 1  # once per session, not once per message


async def test_a_message_over_64_kib_ends_the_session(serve, caplog):
    server, client, own = await serve()
    ws = await _connect(client, own)
    await _report(ws)
    await ws.send_str(json.dumps(["stdin", "x" * 70_000]))
    closing = await asyncio.wait_for(ws.receive(), 30)
    assert closing.type == WSMsgType.CLOSE and closing.data == WSCloseCode.MESSAGE_TOO_BIG
    await _wait_for(lambda: server.sessions == 0, "the session ended")
    assert any("connection failed" in r.getMessage() for r in caplog.records)


async def test_a_plain_get_of_the_websocket_address_is_a_400(serve, caplog):
    server, client, _ = await serve()
    response = await client.get("/ws", headers={"Cookie": f"{LEARNER_COOKIE}={TOKEN}"})
    assert response.status == 400
    assert server.started() == [] and not caplog.records


# --- an app's errors and an app that will not quit ----------------------------------------------


async def test_an_apps_error_report_goes_to_a_file_and_one_line_without_the_token(
    serve, caplog, capfd
):
    server, client, own = await serve(mode="crash")
    ws = await _connect(client, own)
    await _report(ws)
    closing = await asyncio.wait_for(ws.receive(), 30)  # the page says so; no frozen screen
    assert (closing.type, closing.data) == (WSMsgType.CLOSE, WSCloseCode.INTERNAL_ERROR)
    assert closing.extra == web_session.APP_FAILED
    await _wait_for(lambda: server.sessions == 0, "the crashed app's session ended")
    report = server.errors_file.read_text()
    assert f"ValueError: no progress in /data/browsers/{TOKEN}" in report
    said = [OneLineFormatter().format(r) for r in caplog.records]
    assert "a browser's app stopped unexpectedly (exit status 1)" in said
    (line,) = [line for line in said if "wrote an error" in line]
    assert line.startswith("a browser's app wrote an error: ValueError: no progress in")
    assert TOKEN not in line and "<token>" in line and str(server.errors_file) in line
    printed = capfd.readouterr()
    assert TOKEN not in printed.out + printed.err  # textual-serve copies stderr to stdout


async def test_an_app_that_does_not_quit_is_killed(serve, monkeypatch):
    monkeypatch.setattr(web_session, "QUIT_GRACE_S", 0.5)
    server, client, own = await serve(mode="stubborn")
    ws = await _connect(client, own)
    await _report(ws)
    await ws.close()
    await _wait_for(lambda: server.sessions == 0, "the session ended")
    (started,) = server.started()
    pid = int(started.name.removeprefix("started-"))
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()


# --- downloads, static files, headers -----------------------------------------------------------


class _Delivering:
    """An app service with one file to deliver, in two chunks."""

    app_service_id = "fake"

    def __init__(self, server, token):
        self.token, self.server, self.chunks = token, server, [b"<svg>", b"</svg>", b""]

    async def send_meta(self, meta):
        await self.server.download_manager.chunk_received(meta["key"], self.chunks.pop(0))
        return True


async def test_a_download_is_only_for_the_browser_whose_app_made_it(serve):
    server, client, _ = await serve()
    await server.download_manager.create_download(
        app_service=_Delivering(server, TOKEN),
        delivery_key="k1",
        file_name='shot "1".svg',
        open_method="browser",
        mime_type="image/svg+xml",
        encoding="utf-8",
    )
    for cookie in ("", f"{LEARNER_COOKIE}=someone-else-0123456789"):
        assert (await client.get("/download/k1", headers={"Cookie": cookie})).status == 404
    assert (await client.get("/download/nope", headers={"Cookie": cookie})).status == 404
    mine = await client.get("/download/k1", headers={"Cookie": f"{LEARNER_COOKIE}={TOKEN}"})
    assert mine.status == 200 and await mine.read() == b"<svg></svg>"
    assert mine.headers["Content-Security-Policy"].startswith("sandbox;")
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    assert mine.headers["Content-Disposition"] == 'inline; filename="shot%20%221%22.svg"'


@pytest.mark.parametrize(
    "path",
    [
        "/static/../serve.py",
        "/static/%2e%2e/server.py",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2fserver.py",
        "/static/js/..%5c..%5cserver.py",
        "/static/",
        "/static/js/",
        "/templates/serve.html",
    ],
)
async def test_static_files_stay_in_their_folder_and_are_not_listed(serve, path):
    server, client, _ = await serve()
    response = await client.get(path)
    assert response.status in (403, 404)
    body = await response.text()
    assert "import" not in body and "root:" not in body and "Index of" not in body


async def test_every_response_forbids_frames_and_the_page_allows_only_its_own_scripts(serve):
    server, client, _ = await serve()
    page = await client.get("/")
    for response in (page, await client.get("/static/js/textual.js"), await client.get("/nope")):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    policy = page.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    html = await page.text()
    assert html.count("<script") == 2
    assert f'<script nonce="{nonce}">' in html and "onclick" not in html
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    again = (await client.get("/")).headers["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again  # a new nonce for every page


def test_log_lines_never_hold_a_traceback_a_cookie_or_control_characters():
    formatter = OneLineFormatter([TOKEN])
    try:
        raise ValueError(f"bad header Cookie: {LEARNER_COOKIE}=abcdefghijklmnop1234\nmore")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, "f", 1, "from %s\x1b]0;title\x07", ("a " + TOKEN,), sys.exc_info()
        )
    line = formatter.format(record)
    assert "\n" not in line and "Traceback" not in line
    assert TOKEN not in line and "abcdefghijklmnop1234" not in line
    assert "\x1b" not in line and "\x07" not in line and "]0;title" in line
    assert line.endswith(f"(ValueError: bad header Cookie: {LEARNER_COOKIE}=<token>)")
