"""One way to step a run off the event loop: a thread worker, its pace, its frames, its stop.

The driver steps a run in a thread worker: anything with ``advance() -> bool`` (one step; True
once the run has ended), ``resume_clock()`` (running time counts from now) and ``fail(error)``
(end the run because of an error), such as ``engine.training.run.Run``. Single steps queue up:
presses that come faster than steps are counted, not dropped. A run steps ``view.delay``
seconds apart (0: as fast as it goes) until it ends or is cancelled; ``cancel()`` also wakes
a worker sleeping between steps. At most ``view.FRAMES_PER_SECOND`` frames a second are made,
each in the worker by ``view.frame_of(run)``, and posted to the view as ``SteppedView.Progress``;
a stop, a single step and the last step before a pause are always shown. At full speed the
worker steps in slices of ``SLICE`` seconds between those checks.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

if TYPE_CHECKING:
    from gradtui.ui.widgets.run_view import SteppedView


# At full speed the worker takes steps for this many seconds at a time before it looks at the
# frame clock, the lock and the event loop: a step of a learner's program can be one
# statement of a few microseconds, and handing the GIL over after each made a run crawl.
SLICE = 0.002


class RunDriver:
    """Steps ``view.run`` in a thread worker of ``view`` and posts its frames."""

    def __init__(self, view: SteppedView, group: str):
        self.view = view
        self.group = group
        # A cancelled worker finishes the step it is in while the next one may start:
        # the lock keeps two threads from stepping the same tensors at once.
        self.lock = threading.Lock()
        self._wake = threading.Event()
        self._wanted = 0  # single steps asked for and not yet made
        self._busy = False
        self.posted: Any = None  # the latest frame posted
        self._count = threading.Lock()
        self._unseen = 0  # frames posted and not yet taken by the view

    @property
    def busy(self) -> bool:
        """True while a worker steps (or is about to), or a frame it posted is on its way."""
        return self._busy or self._unseen > 0

    def taken(self, frame: Any) -> bool:
        """The view calls this for each frame it receives: True when it is the latest."""
        with self._count:
            self._unseen -= 1
        return frame is self.posted

    def step(self, run: Any) -> None:
        """One more single step of ``run`` (queued behind those not yet made)."""
        with self.lock:
            self._wanted += 1
            start = self._wanted == 1
        if start:  # a new exclusive worker would cancel the step in flight
            self._start(run, single=True)

    def start(self, run: Any) -> None:
        """Step ``run`` until it ends or ``cancel()`` (single steps not made yet are dropped)."""
        with self.lock:
            self._wanted = 0
        self._start(run, single=False)

    def cancel(self) -> None:
        """Stop stepping: queued single steps are forgotten, a sleeping worker wakes."""
        with self.lock:
            self._wanted = 0
        self.view.workers.cancel_group(self.view, self.group)
        self._wake.set()
        self._busy = False

    def snapshot_frame(self, run: Any) -> Any:
        """A frame of ``run`` made now, on the caller's thread (no worker is stepping it)."""
        with self.lock:
            return self.view.frame_of(run)

    def _start(self, run: Any, single: bool) -> None:
        self._busy = True
        self._wake.clear()
        self.view.run_worker(
            lambda: self._work(run, single),
            thread=True,
            exclusive=True,
            group=self.group,
            name=f"{self.group} ({'step' if single else 'run'})",
        )

    def _work(self, run: Any, single: bool) -> None:
        try:
            self._steps(run, single)
        except Exception as err:  # never let the worker die silently: stop and say why
            with self.lock:
                self._wanted = 0
                run.fail(err)
                frame = self.view.frame_of(run)
            self._post(frame, run, single)
        finally:
            if not get_current_worker().is_cancelled:  # else a newer worker may be busy
                self._busy = False

    def _steps(self, run: Any, single: bool) -> None:
        worker = get_current_worker()
        view, lock = self.view, self.lock
        frame_time = 1 / view.FRAMES_PER_SECOND
        posted = time.monotonic()
        delay = view.delay  # read again at each frame: the speed keys act within a frame
        unseen = False  # steps made since the last frame
        run.resume_clock()
        while not worker.is_cancelled:
            with lock:
                ended = run.advance()
                if single:  # one queued press done; more may have come meanwhile
                    self._wanted = 0 if ended else self._wanted - 1
                    done = self._wanted <= 0
                else:
                    done = ended
                    if not delay:  # as fast as it goes: more steps in this turn, up to a slice
                        until = time.monotonic() + SLICE
                        while not done and time.monotonic() < until:
                            done = run.advance()
            unseen = True
            now = time.monotonic()
            if done or delay >= frame_time or now - posted >= frame_time:
                self._post(self.snapshot_frame(run), run, single)
                posted, delay, unseen = now, view.delay, False
            if done:
                return
            if delay and self._wake.wait(delay):
                break
            if view.YIELD_EACH_STEP:
                time.sleep(0)  # let the event loop take the GIL between long steps
        if unseen:  # paused: the panels show where the run stopped
            self._post(self.snapshot_frame(run), run, single)

    def _post(self, frame: Any, run: Any, single: bool) -> None:
        from gradtui.ui.widgets.run_view import SteppedView

        with self._count:
            self._unseen += 1
            self.posted = frame
        self.view.post_message(SteppedView.Progress(frame, run, single))
