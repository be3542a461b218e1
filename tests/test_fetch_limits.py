"""``data fetch`` at its limits: a full disk, a redirect to another host, a server that drips.

Against local HTTP servers only (never the internet), as in test_fetch.
"""

from __future__ import annotations

import errno
import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_fetch import Handler, Server, idx_gz, remotes

from gradtui.cli.images import DATA_EXAMPLES
from gradtui.io import fetch
from gradtui.io.csvdata import byte_size
from gradtui.io.fetch import DEADLINE, FetchError, fetch_all


def serve(server: http.server.HTTPServer):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def files():
    return {"a.gz": idx_gz(3000), "b.gz": idx_gz(5)}


@pytest.fixture
def server(files):
    srv = Server(files)
    serve(srv)
    yield srv
    srv.shutdown()
    srv.server_close()


class FullDisk:
    """A file on a disk that has ``room`` bytes left: writes fail with ENOSPC after that."""

    def __init__(self, room: int):
        self.room = room
        self.out = None

    def write(self, data) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = min(len(data), self.room)
        self.room -= n
        return self.out.write(bytes(data[:n]))

    @property
    def name(self) -> str:
        return self.out.name


def test_a_full_disk_says_so_and_how_much_is_needed(server, files, tmp_path, monkeypatch):
    """The disk fills after 1,000 bytes of the first file: no 'run again to resume'."""
    disk, real = FullDisk(1000), fetch._write

    def write(out, chunk):  # the real writer, on the full disk
        disk.out = out
        real(disk, chunk)

    monkeypatch.setattr(fetch, "_write", write)
    with pytest.raises(FetchError) as caught:
        fetch_all(tmp_path, server.url, remotes(files))
    message = str(caught.value)
    needed = sum(len(d) for d in files.values()) - 1000
    assert message.startswith(f"the disk is full: {tmp_path} has ")
    assert f"and {byte_size(needed)} more are needed" in message
    assert "what was downloaded is kept" in message
    assert "resume" not in message
    assert (tmp_path / "a.gz.part").stat().st_size == 1000  # kept for the next run


class Redirect(http.server.BaseHTTPRequestHandler):
    """Sends every request on to ``server.target`` + the path."""

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", self.server.target + self.path.lstrip("/"))  # type: ignore[attr-defined]
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_a_redirect_to_another_host_is_refused_and_named(server, files, tmp_path):
    other = http.server.HTTPServer(("127.0.0.1", 0), Redirect)
    other.target = server.url.replace("127.0.0.1", "localhost")  # another host name
    serve(other)
    try:
        url = f"http://127.0.0.1:{other.server_address[1]}/"
        with pytest.raises(FetchError) as caught:
            fetch_all(tmp_path, url, remotes(files))
        message = str(caught.value)
        assert "sends the download on to another host, localhost (HTTP 302)" in message
        assert "give it with --base-url" in message
        assert server.requests == []  # nothing was fetched from the other host

        other.target = server.url  # the same host (and port): followed
        assert [p.name for p in fetch_all(tmp_path, url, remotes(files))] == ["a.gz", "b.gz"]
    finally:
        other.shutdown()
        other.server_close()


class Drip(Handler):
    """Announces the whole file, then sends one byte every 0.1 s."""

    def do_GET(self) -> None:
        data = self.server.files[self.path.lstrip("/")]  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for byte in data[:100]:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.1)


def test_a_dripping_server_meets_the_deadline(files, tmp_path):
    drip = Server(files)
    drip.RequestHandlerClass = Drip
    serve(drip)
    try:
        with pytest.raises(FetchError) as caught:
            fetch_all(tmp_path, drip.url, remotes(files), deadline=0.5)
        message = str(caught.value)
        assert "not downloaded within the deadline of 0.5 s" in message
        assert f"of {len(files['a.gz']):,} bytes are here" in message
        assert "with a longer --deadline" in message
        assert 0 < (tmp_path / "a.gz.part").stat().st_size < 100  # kept, to resume
    finally:
        drip.shutdown()
        drip.server_close()


def test_the_command_takes_a_deadline(tmp_path):
    def gradtui(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "gradtui", "data", "fetch", "fashion-mnist", *args],
            capture_output=True,
            text=True,
            env={"GRADTUI_DATA_HOME": str(tmp_path), "PATH": ""},
        )

    out = gradtui("--deadline", "0")
    assert out.returncode == 2 and "--deadline must be more than 0 seconds" in out.stderr
    out = gradtui("--help")
    assert f"(default {DEADLINE:g}: 30 minutes)" in " ".join(out.stdout.split())
    assert "interrupted download resumes" in DATA_EXAMPLES


def test_files_already_there_need_no_deadline(server, files, tmp_path):
    fetch_all(tmp_path, server.url, remotes(files))
    fetch_all(tmp_path, server.url, remotes(files), deadline=1e-9)  # nothing left to download
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["a.gz", "b.gz"]
