"""Importing torch without freezing the interface.

Most of ``import torch`` is the dynamic loader running libtorch's static initialisers, and
Python's import does that while holding the GIL: every other Python thread (the event loop)
stops for 0.2-2 s at a time. Calling the C library's ``dlopen`` through ctypes releases the
GIL, so loading torch's big shared libraries that way first leaves only the Python part of
the import, which hands the GIL over every few milliseconds. If anything about the preload
is unavailable (another platform, another layout), the plain import still works, only with
the pause.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from pathlib import Path
from types import ModuleType

CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # PyTorch's index of CPU-only wheels
# Loading libtorch_python pulls in libtorch, libtorch_cpu and libc10 as its dependencies.
_LIBRARIES = ("libtorch_cpu", "libtorch_python")
_lock = threading.Lock()
_preloaded: bool | None = None


def torch_libraries() -> list[Path]:
    """torch's big shared libraries, found without importing torch (empty if unknown)."""
    if sys.platform == "win32":
        return []
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib"
    suffix = ".dylib" if sys.platform == "darwin" else ".so"
    paths = [lib / f"{name}{suffix}" for name in _LIBRARIES]
    return paths if all(p.is_file() for p in paths) else []


def preload_libraries() -> bool:
    """Load torch's shared libraries with the GIL released (once); True if that was done.

    Safe to call from several threads: the later callers wait for the first one.
    """
    global _preloaded
    with _lock:
        if _preloaded is None:
            _preloaded = _dlopen_all(torch_libraries())
        return _preloaded


def import_torch() -> ModuleType:
    """``import torch``, after loading its libraries with the GIL released when possible.

    Changes nothing for the whole process: the app's start-up (``gradtui.startup``) turns
    the collector off around this and freezes the heap after it.
    """
    if "torch" not in sys.modules:
        preload_libraries()
    import torch

    return torch


def torch_failed(error: BaseException) -> bool:
    """Whether ``error`` is ``import torch`` failing (missing, or a broken install).

    True for an ``ImportError``/``OSError`` raised while torch was being imported: torch is
    then not in ``sys.modules`` (a failed import is removed from it), and either the error
    names torch or it was raised inside torch's own files (a missing shared library, a numpy
    it cannot use). An error from torch after a successful import is not this.
    """
    if not isinstance(error, ImportError | OSError) or sys.modules.get("torch") is not None:
        return False
    if isinstance(error, ImportError) and (error.name or "").partition(".")[0] == "torch":
        return True
    inside = f"{os.sep}torch{os.sep}"
    tb = error.__traceback__
    while tb is not None:
        if inside in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


def torch_help(error: BaseException) -> str:
    """The one message for a failed ``import torch``: what failed, and how to install torch.

    On Linux the command names PyTorch's CPU wheel index, because the default index serves
    a multi-GB CUDA build there; macOS and Windows get CPU wheels from the default index.
    """
    pip = f"{sys.executable} -m pip install torch"
    if sys.platform.startswith("linux"):
        pip += f" --index-url {CPU_INDEX}"
    reason = f"{type(error).__name__}: {error}".strip()
    return f"this Python cannot import PyTorch ({reason})\nInstall its CPU build with: {pip}"


def _dlopen_all(paths: list[Path]) -> bool:
    if not paths:
        return False
    try:
        import ctypes

        dlopen = ctypes.CDLL(None).dlopen  # a foreign call: ctypes releases the GIL around it
        dlopen.restype = ctypes.c_void_p
        dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
        # The flags Python's own import would use, so symbol scope stays the same.
        flags = sys.getdlopenflags()
        return all(dlopen(str(path).encode(), flags) for path in paths)
    except (OSError, AttributeError, ValueError):
        return False
