"""``data fetch``: against a local HTTP server (never the internet) serving small IDX files."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from gradtui.io.fetch import FetchError, Remote, fetch_all, verify
from gradtui.io.idx import encode_idx, read_idx


class Server(http.server.ThreadingHTTPServer):
    """Serves ``files`` by name, honours ``Range: bytes=N-``, and logs each request."""

    def __init__(self, files: dict[str, bytes]):
        super().__init__(("127.0.0.1", 0), Handler)
        self.files = files
        self.requests: list[tuple[str, str | None]] = []
        self.cut_after: int | None = None  # send only this many bytes once, then hang up

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server: Server = self.server  # type: ignore[assignment]
        name = self.path.lstrip("/")
        server.requests.append((name, self.headers.get("Range")))
        data = server.files.get(name)
        if data is None:
            self.send_error(404, "Not Found")
            return
        start = 0
        ranged = self.headers.get("Range")
        if ranged and ranged.startswith("bytes=") and ranged.endswith("-"):
            start = int(ranged[6:-1])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        if server.cut_after is not None:
            body, server.cut_after = body[: server.cut_after], None
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def idx_gz(n: int) -> bytes:
    pixels = np.random.default_rng(n).integers(0, 256, size=(n, 2, 2), dtype=np.uint8)
    return gzip.compress(encode_idx(pixels))  # random: it does not compress below 1,000 bytes


@pytest.fixture
def server():
    files = {"a.gz": idx_gz(3000), "b.gz": idx_gz(5)}
    srv = Server(files)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def remotes(files: dict[str, bytes]) -> tuple[Remote, ...]:
    return tuple(
        Remote(name, len(data), hashlib.md5(data).hexdigest()) for name, data in files.items()
    )


def test_fetch_downloads_checks_and_renames(server, tmp_path):
    seen: list[tuple[str, int, int]] = []
    paths = fetch_all(tmp_path / "d", server.url, remotes(server.files), lambda *a: seen.append(a))
    assert [p.name for p in paths] == ["a.gz", "b.gz"]
    assert read_idx(paths[0]).shape == (3000, 2, 2)
    assert not list((tmp_path / "d").glob("*.part"))
    assert seen[-1] == ("b.gz", len(server.files["b.gz"]), len(server.files["b.gz"]))
    before = len(server.requests)
    fetch_all(tmp_path / "d", server.url, remotes(server.files))
    assert len(server.requests) == before  # already there: nothing downloaded again


def test_an_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    server.cut_after = 1000
    with pytest.raises(FetchError, match="run the command again to resume"):
        fetch_all(tmp_path, server.url, remotes(server.files))
    part = tmp_path / "a.gz.part"
    assert part.stat().st_size == 1000 and not (tmp_path / "a.gz").exists()
    fetch_all(tmp_path, server.url, remotes(server.files))
    assert ("a.gz", "bytes=1000-") in server.requests
    assert (tmp_path / "a.gz").read_bytes() == server.files["a.gz"]


def test_a_file_of_the_wrong_size_is_refused_before_download(server, tmp_path):
    wrong = (Remote("a.gz", 123, "0" * 32),)
    with pytest.raises(FetchError, match="not the file gradtui knows"):
        fetch_all(tmp_path, server.url, wrong)
    assert not (tmp_path / "a.gz").exists()


def test_wrong_content_is_removed(server, tmp_path):
    data = server.files["a.gz"]
    with pytest.raises(FetchError, match="MD5"):
        fetch_all(tmp_path, server.url, (Remote("a.gz", len(data), "0" * 32),))
    assert not list(tmp_path.iterdir())
    server.files["c.gz"] = b"\x1f\x8b" + b"x" * 50  # gzip magic, garbage inside
    with pytest.raises(FetchError, match="broken gzip data"):
        fetch_all(tmp_path, server.url, remotes({"c.gz": server.files["c.gz"]}))
    server.files["d.gz"] = gzip.compress(b"not idx at all")
    with pytest.raises(FetchError, match="no IDX header"):
        fetch_all(tmp_path, server.url, remotes({"d.gz": server.files["d.gz"]}))
    assert not list(tmp_path.iterdir())


def test_http_errors_and_no_server(server, tmp_path):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_all(tmp_path, server.url, (Remote("nope.gz", 10, "0" * 32),))
    with pytest.raises(FetchError, match="cannot download"):
        fetch_all(tmp_path, "http://127.0.0.1:9/", remotes(server.files))


def test_verify_refuses_a_short_file(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"abc")
    with pytest.raises(FetchError, match="3 bytes, expected 10"):
        verify(path, Remote("x", 10, "0" * 32))


def gradtui(*args: str, home: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "GRADTUI_DATA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "gradtui", *args], capture_output=True, text=True, env=env
    )


def test_data_fetch_command_refuses_files_that_are_not_fashion_mnist(server, tmp_path):
    server.files.update({name: idx_gz(3) for name in ("train-images-idx3-ubyte.gz",)})
    out = gradtui("data", "fetch", "fashion-mnist", "--base-url", server.url, home=tmp_path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "not the file gradtui knows" in out.stderr
    assert not (tmp_path / "fashion-mnist" / "train-images-idx3-ubyte.gz").exists()


def test_data_fetch_command_bad_input(tmp_path):
    out = gradtui("data", "fetch", "fashion-mnist", "--base-url", "ftp://x", home=tmp_path)
    assert out.returncode == 2 and "--base-url must start with http://" in out.stderr
    out = gradtui("data", "fetch", "cifar", home=tmp_path)
    assert out.returncode == 2 and "invalid choice: 'cifar'" in out.stderr
