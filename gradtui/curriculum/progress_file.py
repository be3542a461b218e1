"""The progress file on disk: a lock beside it, bounded reads, atomic writes, stale temp files.

Writers hold an exclusive ``flock`` on ``<file>.lock`` while they read, merge and write, so
two windows never interleave. Where ``fcntl`` does not exist, or the lock file cannot be made
(a read-only folder), the lock is skipped: writes stay atomic, only the merge is unguarded.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock
    fcntl = None  # type: ignore[assignment]

MAX_BYTES = 4 * 1024 * 1024  # far more than any real progress; a bigger file is set aside
LOCK_WAIT = 3.0  # seconds a save waits for another window's lock
STALE_AFTER = 60.0  # without a lock, a temp file this old is no one's
TEMP_PREFIX, TEMP_SUFFIX = ".progress-", ".tmp"


class Busy(OSError):
    """Another window held the lock for longer than ``LOCK_WAIT``."""


class NotAFile(OSError):
    """Something other than a regular file (a folder, a pipe, a device) is in the file's place."""


class TooLarge(ValueError):
    """The file is larger than ``MAX_BYTES``."""


def lock_path(path: Path) -> Path:
    """The lock file beside ``path``."""
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: Path, wait: float | None = None) -> Iterator[bool]:
    """Hold the lock of ``path`` for the block; yields False when locking is not possible.

    Raises ``Busy`` when another process holds it for ``wait`` (``LOCK_WAIT``) seconds.
    """
    wait = LOCK_WAIT if wait is None else wait
    if fcntl is None:
        yield False
        return
    # No following a link planted there, no waiting on a pipe planted there.
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(lock_path(path), flags, 0o600)
    except OSError:  # no folder yet, a read-only folder, a folder or link in its place
        yield False
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(f"another gradtui window held {path.name} for {wait:g} s") from None
                time.sleep(0.002)
            except OSError:  # a file system without locks
                yield False
                return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def read(path: Path, limit: int | None = None) -> bytes | None:
    """The file's bytes (None if there is none), without following it into anything odd.

    Raises ``NotAFile`` for a folder, pipe or device in its place (opened without blocking,
    so a pipe cannot hang the start), ``TooLarge`` past ``limit`` bytes, ``OSError`` else.
    """
    limit = MAX_BYTES if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise NotAFile(f"{path} is a folder") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe or a device)"
            raise NotAFile(f"{path} is {what}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(f"it is over {limit:,} bytes")
    return data


def write(path: Path, text: str) -> None:
    """Replace the file with ``text`` atomically: a synced temp file beside it, then a rename.

    A symbolic link at ``path`` is replaced, never written through. Raises ``OSError``; the
    temp file is removed then.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; best effort)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temps(folder: Path, lock_held: bool) -> list[Path]:
    """Delete temp files a killed save left behind in ``folder``; returns them.

    With the lock held no other window is writing, so every temp file is stale; without it,
    only those older than ``STALE_AFTER``. Only regular files are touched.
    """
    removed = []
    try:
        entries = list(folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        try:
            info = entry.lstat()
            if not stat.S_ISREG(info.st_mode):
                continue
            if lock_held or now - info.st_mtime > STALE_AFTER:
                entry.unlink()
                removed.append(entry)
        except OSError:
            continue
    return removed
