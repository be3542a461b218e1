"""torch's warnings during a run go to the run (and on to its output panel), not to stderr.

A warning written to the terminal would garble a full-screen app. ``captured(sink)`` sends
the warnings raised in this thread to ``sink`` while it is active; other threads, and this
one outside it, keep Python's usual behaviour. Python's ``showwarning`` is wrapped once, by a
function that does exactly what it did unless a sink is active in the calling thread.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_local = threading.local()
_lock = threading.Lock()
_previous: Any = None


def _show(message: Any, category: type, filename: str, lineno: int, file=None, line=None) -> None:
    sink = getattr(_local, "sink", None)
    if sink is None:
        _previous(message, category, filename, lineno, file, line)
        return
    text = str(message).split(" (Triggered internally at ")[0]  # torch's build path
    sink(f"{category.__name__}: {text}")


def _install() -> None:
    global _previous
    with _lock:
        if warnings.showwarning is not _show:
            _previous = warnings.showwarning
            warnings.showwarning = _show


def forget_shown() -> None:
    """Let a new run see torch's warnings again: Python shows each once per place in the code,
    and the places are the interpreter's, the same for every run."""
    global _modules_seen
    if len(sys.modules) != _modules_seen:  # imports happened: look for the package's again
        _modules_seen = len(sys.modules)
        _ours[:] = [m for n, m in list(sys.modules.items()) if n.startswith(_PACKAGE) and m]
    for module in _ours:
        vars(module).pop("__warningregistry__", None)


_PACKAGE = "gradtui.engine.program"
_ours: list[Any] = []  # the package's modules, found again whenever sys.modules grows
_modules_seen = 0


def enter(sink: Callable[[str], None]) -> Any:
    """Send this thread's warnings to ``sink`` until ``leave(token)``; returns the token."""
    if warnings.showwarning is not _show:
        _install()
    before = getattr(_local, "sink", None)
    _local.sink = sink
    return before


def leave(token: Any) -> None:
    """Undo the ``enter`` that returned ``token``."""
    _local.sink = token


@contextmanager
def captured(sink: Callable[[str], None]) -> Iterator[None]:
    """Send this thread's warnings to ``sink`` inside the ``with`` block."""
    token = enter(sink)
    try:
        yield
    finally:
        leave(token)
