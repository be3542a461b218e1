"""What the whole process runs with, set once at start-up by ``main`` (and by the tests).

Library code never changes these: a setting made by whoever ran first (an import, a worker
thread) made the app run one way for users and another in the tests, and a change made and
undone inside a thread raced with the other threads.

- The frame rate: Textual paints a changed screen at the next tick of its update timer, 60 a
  second by default, so a key pressed during a run waited up to 17 ms for that tick on top of
  the frame itself. Screens are painted only when something changed, so a faster tick costs
  nothing while idle. A user's own ``TEXTUAL_FPS`` wins.
- The switch interval: how long a thread may hold the GIL while another waits for it. The run
  steps in a thread; at Python's default (5 ms) a key waited that long for the event loop.
- torch's threads: the tensors here are small, and on a busy two-core machine one thread was
  several times faster than threads contending for the cores (measured: 0.44 s against 3.5 s
  for 5 epochs of the image classifier). A user's own ``OMP_NUM_THREADS`` wins.
- The collector: once torch has loaded, everything then alive (about 200,000 objects) is
  frozen out of future collections, which otherwise walk it all while holding the GIL (0.1-0.4
  s during which no other thread runs), again and again as a long run allocates its records.
  The collector is off while torch imports, for the same reason. Done once per process.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from types import ModuleType

FRAMES_PER_SECOND = 120
SWITCH_INTERVAL = 0.001  # seconds
TORCH_THREADS = 1
_lock = threading.Lock()
_started = False
_frozen = False


def start() -> None:
    """Set the process-wide settings (the first call does; later calls change nothing).

    Called by ``gradtui.cli.main`` before anything else, and by the tests' conftest, so
    that the tests run as users do.
    """
    global _started
    with _lock:
        if _started:
            return
        _started = True
    _frame_rate(FRAMES_PER_SECOND)
    sys.setswitchinterval(SWITCH_INTERVAL)
    os.environ.setdefault("OMP_NUM_THREADS", str(TORCH_THREADS))  # read when torch loads
    set_threads = getattr(sys.modules.get("torch"), "set_num_threads", None)
    if set_threads is not None:  # already loaded (the tests): tell torch itself
        set_threads(int(os.environ["OMP_NUM_THREADS"]))


def load_torch() -> ModuleType:
    """Import torch (its libraries loaded with the GIL released when possible) with the
    collector off, then freeze the heap (``freeze_heap``). For the app's loading thread."""
    from gradtui.torch_loading import import_torch

    with _lock:
        enabled = gc.isenabled()
        gc.disable()
        try:
            torch = import_torch()
        finally:
            if enabled:
                gc.enable()
    freeze_heap()
    return torch


def freeze_heap() -> bool:
    """Once torch has loaded, leave every object alive now out of future collections.

    Only the first call after torch has loaded freezes (True); what is frozen is never
    collected, so freezing again would keep each later heap too.
    """
    global _frozen
    with _lock:
        if _frozen or "torch" not in sys.modules:
            return False
        gc.freeze()
        _frozen = True
        return True


def _frame_rate(fps: int) -> None:
    """Textual's frame rate: its environment variable, read when Textual is first imported,
    and Textual's own constants when it was imported already (as pytest's plugins do)."""
    os.environ.setdefault("TEXTUAL_FPS", str(fps))
    try:
        fps = max(1, int(os.environ["TEXTUAL_FPS"]))
    except ValueError:
        return  # Textual falls back to its default for a value it cannot read, as here
    constants = sys.modules.get("textual.constants")
    if constants is not None:
        constants.MAX_FPS = fps  # type: ignore[misc]
    screen = sys.modules.get("textual.screen")
    if screen is not None:
        screen.UPDATE_PERIOD = 1 / fps  # type: ignore[attr-defined]
