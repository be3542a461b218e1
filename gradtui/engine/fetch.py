"""Download the four Fashion-MNIST files: resumable, checked, and atomic.

Each file is written to ``NAME.part`` beside its final place; an interrupted download resumes
from the bytes already there (an HTTP ``Range`` request). A finished file must have the expected
size and MD5 and start as a gzip holding an IDX header; only then is it renamed into place, so a
half-written file is never taken for data.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import os
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gradtui.engine.fashion import FILES
from gradtui.engine.idx import GZIP_MAGIC, TYPES

BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
CHUNK = 64 * 1024
TIMEOUT = 30.0


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


def fetch_all(
    dest: Path,
    base_url: str = BASE_URL,
    remotes: tuple[Remote, ...] = OFFICIAL,
    progress: Progress | None = None,
) -> list[Path]:
    """Download every file of ``remotes`` into ``dest`` (skipping those already there)."""
    dest.mkdir(parents=True, exist_ok=True)
    return [fetch_one(dest, base_url, remote, progress) for remote in remotes]


def fetch_one(dest: Path, base_url: str, remote: Remote, progress: Progress | None) -> Path:
    """One file: kept if already in place and valid, else downloaded (resuming a ``.part``)."""
    final = dest / remote.name
    if final.is_file() and final.stat().st_size == remote.size:
        return final
    part = dest / f"{remote.name}.part"
    have = part.stat().st_size if part.is_file() else 0
    if have > remote.size:  # not the file we expect: start again
        part.unlink()
        have = 0
    if have < remote.size:
        _download(base_url + remote.name, part, have, remote, progress)
    verify(part, remote)
    os.replace(part, final)
    return final


def _download(url: str, part: Path, have: int, remote: Remote, progress: Progress | None) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "gradtui"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            if have and response.status != 206:  # the server ignored the range: from the start
                have = 0
            length = response.headers.get("Content-Length")
            if length is not None and have + int(length) != remote.size:
                raise FetchError(
                    f"{url}: the server offers {have + int(length):,} bytes, "
                    f"expected {remote.size:,}: not the file gradtui knows"
                )
            with part.open("ab" if have else "wb") as out:
                done = have
                if progress:
                    progress(remote.name, done, remote.size)
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if done > remote.size:
                        raise FetchError(f"{url}: more than the expected {remote.size:,} bytes")
                    if progress:
                        progress(remote.name, done, remote.size)
    except FetchError:
        raise
    except urllib.error.HTTPError as err:
        raise FetchError(f"{url}: HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
        reason = getattr(err, "reason", err)
        raise FetchError(
            f"{url}: cannot download ({reason}); run the command again to resume"
        ) from None


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
