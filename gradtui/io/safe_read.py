"""Reading a file someone else named: only a regular file, at most so many bytes, never stuck.

A path may name a named pipe, a device or a kernel file such as ``/proc/kmsg``, whose open or
read waits forever. So the kind of file is checked before opening it; it is opened without
waiting (``O_NONBLOCK``: a pipe with no writer opens at once) and checked again on the open
descriptor, in case the path was swapped meanwhile; and the read runs in a helper thread that
is given up after ``READ_TIMEOUT`` seconds (a daemon thread: one stuck in the kernel never
holds up the program's exit).
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

READ_TIMEOUT = 5.0  # seconds; a local file of a few MB takes milliseconds
POLL = 0.05  # how often a wait looks at ``cancelled``


class ReadError(OSError):
    """The file cannot be read; the message says why, in words for the person who named it."""


class ReadCancelled(ReadError):
    """The caller stopped waiting (``cancelled()`` became true)."""


def read_limited(
    path: Path,
    limit: int,
    timeout: float | None = None,
    cancelled: Callable[[], bool] | None = None,
    folder_hint: str = "give a file",
) -> tuple[bytes, int]:
    """The first ``limit`` bytes of the regular file ``path`` and its size in bytes.

    ``timeout`` defaults to ``READ_TIMEOUT``.

    Raises ``ReadError`` for anything else (no such file, a folder, a pipe or device, a read
    error, a read that waits or takes over ``timeout`` seconds), and ``ReadCancelled`` when
    ``cancelled()`` turns true while waiting. ``folder_hint`` ends the message for a folder.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except OSError as err:
        raise ReadError(f"cannot be read ({err.strerror or err})") from None
    _check_kind(info.st_mode, folder_hint)
    result: list[tuple[bytes, int] | BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            result.append(_read(path, limit, folder_hint))
        except BaseException as err:  # handed to the waiting caller
            result.append(err)
        finally:
            done.set()

    threading.Thread(target=work, name="read-file", daemon=True).start()
    timeout = READ_TIMEOUT if timeout is None else timeout
    ends = time.monotonic() + timeout
    while not done.wait(POLL):
        if cancelled is not None and cancelled():
            raise ReadCancelled("reading was stopped")
        if time.monotonic() >= ends:
            raise ReadError(
                f"reading it took more than {timeout:g} s, so it was given up "
                "(a file on a stalled network drive, or a special file that never ends?)"
            )
    outcome = result[0]
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def _check_kind(mode: int, folder_hint: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise ReadError(f"is a folder: {folder_hint}")
    kinds = {
        stat.S_ISFIFO: "a named pipe (FIFO)",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
        stat.S_ISSOCK: "a socket",
    }
    kind = next((name for test, name in kinds.items() if test(mode)), "a special file")
    raise ReadError(f"is {kind}, not a regular file")


def _read(path: Path, limit: int, folder_hint: str) -> tuple[bytes, int]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise ReadError(f"cannot be read ({err.strerror or err})") from None
    try:
        info = os.fstat(fd)
        _check_kind(info.st_mode, folder_hint)  # the path may name something else by now
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = os.read(fd, limit + 1 - size)
            except BlockingIOError:  # a kernel file such as /proc/kmsg, waiting for more
                raise ReadError("is not a plain file: reading it waits for more") from None
            except OSError as err:
                raise ReadError(f"cannot be read ({err.strerror or err})") from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), info.st_size
    finally:
        os.close(fd)
