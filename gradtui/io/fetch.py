"""Download the four Fashion-MNIST files: resumable, checked, and atomic.

Each file is written to ``NAME.part`` beside its final place; an interrupted download resumes
from the bytes already there (an HTTP ``Range`` request). A finished file must have the expected
size and MD5 and start as a gzip holding an IDX header; only then is it renamed into place, so a
half-written file is never taken for data.

A download has an overall deadline (a server that sends a byte now and then never trips the
socket's timeout), redirects are followed only on the host that was asked, and a full disk is
reported with the space still needed.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import http.client
import io
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gradtui.io.csvdata import byte_size
from gradtui.io.fashion import FILES
from gradtui.io.idx import GZIP_MAGIC, TYPES

BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
CHUNK = 64 * 1024
TIMEOUT = 30.0  # seconds a read may wait for the server
DEADLINE = 30 * 60.0  # seconds for the whole download, unless told otherwise


@dataclass(frozen=True)
class Remote:
    """One file to download: its name, size in bytes and MD5 (from the data set's README)."""

    name: str
    size: int
    md5: str


OFFICIAL = (
    Remote(FILES["train_images"], 26_421_880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
    Remote(FILES["train_labels"], 29_515, "25c81989df183df01b3e8a0aad5dffbe"),
    Remote(FILES["test_images"], 4_422_102, "bef4ecab320f06d8554ea6380940ec79"),
    Remote(FILES["test_labels"], 5_148, "bb300cfdad3c16e7a12a480ee83cd310"),
)

Progress = Callable[[str, int, int], None]  # (file name, bytes so far, total bytes)


class FetchError(OSError):
    """A download that failed or a file that fails its checks; the message says which."""


class _DiskFull(FetchError):
    """The disk filled up while writing (the message is made by ``fetch_all``)."""


def fetch_all(
    dest: Path,
    base_url: str = BASE_URL,
    remotes: tuple[Remote, ...] = OFFICIAL,
    progress: Progress | None = None,
    deadline: float = DEADLINE,
) -> list[Path]:
    """Download every file of ``remotes`` into ``dest`` (skipping those already there), all
    within ``deadline`` seconds."""
    dest.mkdir(parents=True, exist_ok=True)
    ends = time.monotonic() + deadline
    paths = []
    for i, remote in enumerate(remotes):
        try:
            paths.append(fetch_one(dest, base_url, remote, progress, ends, deadline))
        except _DiskFull:
            raise FetchError(_disk_full(dest, remotes[i:])) from None
    return paths


def _disk_full(dest: Path, remotes: tuple[Remote, ...]) -> str:
    needed = sum(remote.size - _have(dest / f"{remote.name}.part") for remote in remotes)
    try:
        free = f"{byte_size(shutil.disk_usage(dest).free)} free"
    except OSError:
        free = "no free space"
    return (
        f"the disk is full: {dest} has {free}, and {byte_size(needed)} more are needed. "
        "Free some space (or choose another folder with --dest), then run the command "
        "again: what was downloaded is kept"
    )


def _have(part: Path) -> int:
    return part.stat().st_size if part.is_file() else 0


def fetch_one(
    dest: Path,
    base_url: str,
    remote: Remote,
    progress: Progress | None,
    ends: float | None = None,
    deadline: float = DEADLINE,
) -> Path:
    """One file: kept if already in place and valid, else downloaded (resuming a ``.part``).

    ``ends`` is the ``time.monotonic()`` by which the download must be done (``deadline``
    seconds after it began: the number the message quotes).
    """
    final = dest / remote.name
    if final.is_file() and final.stat().st_size == remote.size:
        return final
    part = dest / f"{remote.name}.part"
    have = _have(part)
    if have > remote.size:  # not the file we expect: start again
        part.unlink()
        have = 0
    if have < remote.size:
        ends = time.monotonic() + deadline if ends is None else ends
        _download(base_url + remote.name, part, have, remote, progress, (ends, deadline))
    verify(part, remote)
    os.replace(part, final)
    return final


class _SameHost(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only on the host that was asked (http to https is fine)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        asked = urllib.parse.urlsplit(req.full_url).hostname
        target = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl)).hostname
        if target != asked:
            raise FetchError(
                f"{req.full_url}: the server sends the download on to another host, {target} "
                f"(HTTP {code}); gradtui only downloads from the host it was given. If you trust "
                f"{target}, give it with --base-url"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameHost)


def _download(
    url: str,
    part: Path,
    have: int,
    remote: Remote,
    progress: Progress | None,
    deadline: tuple[float, float],
) -> None:
    ends, seconds = deadline
    request = urllib.request.Request(url, headers={"User-Agent": "gradtui"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    done = have

    def late() -> FetchError:
        return FetchError(
            f"{url}: not downloaded within the deadline of {seconds:g} s ({done:,} of "
            f"{remote.size:,} bytes are here); run the command again to resume, with a "
            "longer --deadline if the connection is this slow"
        )

    try:
        timeout = max(0.001, min(TIMEOUT, ends - time.monotonic()))
        with _OPENER.open(request, timeout=timeout) as response:
            if have and response.status != 206:  # the server ignored the range: from the start
                have = done = 0
            length = response.headers.get("Content-Length")
            if length is not None and have + int(length) != remote.size:
                raise FetchError(
                    f"{url}: the server offers {have + int(length):,} bytes, "
                    f"expected {remote.size:,}: not the file gradtui knows"
                )
            # unbuffered: a write the disk has no room for fails here, not again at close
            with part.open("ab" if have else "wb", buffering=0) as out:
                if progress:
                    progress(remote.name, done, remote.size)
                # read1: whatever has arrived, so the deadline is checked however slow it comes
                while chunk := response.read1(CHUNK):
                    _write(out, chunk)
                    done += len(chunk)
                    if done > remote.size:
                        raise FetchError(f"{url}: more than the expected {remote.size:,} bytes")
                    if progress:
                        progress(remote.name, done, remote.size)
                    if time.monotonic() > ends:
                        raise late()
    except FetchError:
        raise
    except urllib.error.HTTPError as err:
        raise FetchError(f"{url}: HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
        if time.monotonic() > ends:
            raise late() from None
        reason = getattr(err, "reason", err)
        raise FetchError(
            f"{url}: cannot download ({reason}); run the command again to resume"
        ) from None


def _write(out: io.RawIOBase, chunk: bytes) -> None:
    view = memoryview(chunk)
    try:
        while view:  # a raw write may write only part of it
            view = view[out.write(view) or 0 :]
    except OSError as err:
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _DiskFull(str(err)) from None
        raise FetchError(f"{out.name}: cannot write ({err.strerror or err})") from None


def verify(path: Path, remote: Remote) -> None:
    """Size, MD5, and a gzip stream that opens with an IDX header; ``FetchError`` if not."""
    size = path.stat().st_size
    if size != remote.size:
        raise FetchError(
            f"{path}: {size:,} bytes, expected {remote.size:,}; run the command again to resume"
        )
    data = path.read_bytes()
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
    if digest != remote.md5:
        path.unlink()
        raise FetchError(
            f"{remote.name}: MD5 {digest} is not the expected {remote.md5}: the file was "
            "removed; run the command again"
        )
    if not data.startswith(GZIP_MAGIC):
        path.unlink()
        raise FetchError(f"{remote.name}: not a gzip file; it was removed")
    try:
        head = gzip.GzipFile(fileobj=io.BytesIO(data)).read(4)
    except (OSError, EOFError, zlib.error) as err:
        path.unlink()
        raise FetchError(f"{remote.name}: broken gzip data ({err}); it was removed") from None
    if len(head) < 4 or head[:2] != b"\0\0" or head[2] not in TYPES:
        path.unlink()
        raise FetchError(f"{remote.name}: no IDX header inside; it was removed")
