"""The budgets a program runs within, and the meter that counts them as it runs.

Every budget has one name, one default and one sentence saying what ran out; a stop names the
budget. Statements, running time and the cancel event are checked between statements; sizes
are checked before a tensor, list or text is made (``sizes.py``), and again after each
operation; call depth on each call of a ``def`` function.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from dataclasses import dataclass, fields
from typing import Any

# Tensors with fewer elements are not counted one by one (it costs more than they weigh).
TRACKED = 4096
# Time, cancel and memory are checked every CHECK_EVERY + 1 statements (a power of two).
CHECK_EVERY = 7


@dataclass(frozen=True)
class Budgets:
    """Limits for one run. The defaults fit fastbook chapter 4's loops many times over."""

    statements: int = 1_000_000
    seconds: float = 60.0
    tensor_elements: int = 1 << 24  # 16,777,216: 64 MB of float32
    live_elements: int = 1 << 26  # 67,108,864 in tensors the program made, alive at once
    matmul_work: int = 1 << 30  # multiply-adds in one '@'
    call_depth: int = 50
    printed_lines: int = 10_000
    printed_chars: int = 1_000_000
    list_items: int = 100_000  # in one list, tuple or text
    items_made: int = 10_000_000  # list items and characters made over the whole run
    number_bits: int = 10_000  # bits in one whole number (Python's ints never overflow)
    memory_mb: int = 1024  # growth of the process's memory (what torch's graph holds too)

    def with_(self, **changes: Any) -> Budgets:
        """A copy with some limits changed."""
        return Budgets(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


# budget -> what ran out, said plainly ({limit} is filled in)
DESCRIPTIONS = {
    "statements": "the program ran {limit:,} statements",
    "seconds": "the program ran for {limit:g} seconds",
    "tensor_elements": "a tensor would hold more than {limit:,} numbers",
    "live_elements": "the program's tensors would hold more than {limit:,} numbers at once",
    "matmul_work": "one '@' would take more than {limit:,} multiply-adds",
    "call_depth": "functions called each other more than {limit:,} deep",
    "printed_lines": "the program printed {limit:,} lines",
    "printed_chars": "the program printed {limit:,} characters",
    "list_items": "a list, tuple or text would hold more than {limit:,} items",
    "items_made": "the program made more than {limit:,} list items and characters in all",
    "number_bits": "a whole number would have more than {limit:,} binary digits",
    "memory_mb": "the program's memory grew by more than {limit:,} MB",
}


class BudgetExceeded(Exception):
    """A budget ran out: which one, and a sentence for the learner."""

    def __init__(self, budget: str, limit: float, detail: str = ""):
        self.budget = budget
        self.limit = limit
        text = DESCRIPTIONS[budget].format(limit=limit)
        self.message = f"{text}{f' ({detail})' if detail else ''}: stopped (budget '{budget}')"
        super().__init__(self.message)


class Cancelled(Exception):
    """The run was stopped from outside (the learner's stop key)."""


class Meter:
    """Counts one run's statements, time, live tensor elements, output and depth."""

    def __init__(self, budgets: Budgets, cancel: threading.Event | None = None):
        self.budgets = budgets
        self.cancel = cancel or threading.Event()
        self.statements = 0
        self.depth = 0
        self.live = 0
        self.made = 0
        self._limit = budgets.statements
        self.next_check = min(CHECK_EVERY + 1, self._limit)  # the count that calls check()
        self._elapsed = 0.0
        self._running = False
        self._resumed = time.monotonic()
        self._deadline = self._resumed + budgets.seconds
        self._refs: dict[int, weakref.ref] = {}
        self._memory_start = memory_mb()

    # --- time: counted only while the program runs, not while it is paused between steps
    def pause(self) -> None:
        """The run hands control back (a step was yielded): stop the clock."""
        if self._running:
            self._elapsed += time.monotonic() - self._resumed
            self._running = False

    def resume(self) -> None:
        """The run goes on: restart the clock."""
        self._running = True
        self._resumed = time.monotonic()
        self._deadline = self._resumed + self.budgets.seconds - self._elapsed

    @property
    def seconds(self) -> float:
        """Running time so far."""
        if not self._running:
            return self._elapsed
        return self._elapsed + time.monotonic() - self._resumed

    def tick(self) -> None:
        """One statement ran: count it; every CHECK_EVERY + 1 statements, and at the
        statements budget, check time, cancel and memory (``check``)."""
        self.statements += 1
        if self.statements >= self.next_check:
            self.check()

    def check(self) -> None:
        """Check the statement, time and memory budgets and the cancel event now."""
        count, limit = self.statements, self._limit
        # the next multiple of CHECK_EVERY + 1, or the budget's last statement if sooner
        after = (count | CHECK_EVERY) + 1
        self.next_check = after if after < limit else limit
        if count >= limit:
            raise BudgetExceeded("statements", self._limit)
        if time.monotonic() > self._deadline:
            raise BudgetExceeded("seconds", self.budgets.seconds)
        if self.cancel.is_set():
            raise Cancelled()
        if not count & 255 and self._memory_start is not None:
            self.check_memory()

    def check_memory(self) -> None:
        """Stop once the process's memory grew past the budget since the run began."""
        now = memory_mb()
        if now is not None and now - self._memory_start > self.budgets.memory_mb:
            raise BudgetExceeded("memory_mb", self.budgets.memory_mb)

    # --- sizes
    def check_elements(self, count: int, what: str = "") -> None:
        """Refuse a tensor of ``count`` elements before it is made."""
        if count > self.budgets.tensor_elements:
            raise BudgetExceeded("tensor_elements", self.budgets.tensor_elements, what)
        if self.live + count > self.budgets.live_elements:
            raise BudgetExceeded("live_elements", self.budgets.live_elements, what)

    def check_items(self, count: int, what: str = "") -> None:
        """Refuse a list, tuple or text of ``count`` items before it is made, and count them."""
        if count > self.budgets.list_items:
            raise BudgetExceeded("list_items", self.budgets.list_items, what)
        self.made += count
        if self.made > self.budgets.items_made:
            raise BudgetExceeded("items_made", self.budgets.items_made, what)

    def track(self, tensor: Any) -> None:
        """Count a new tensor's elements while it lives (views share their base's numbers)."""
        count = tensor.numel()
        if count < TRACKED or tensor._is_view():  # small ones: the memory budget bounds them
            return
        if count > self.budgets.tensor_elements:
            raise BudgetExceeded("tensor_elements", self.budgets.tensor_elements)
        key = id(tensor)
        ref = self._refs.get(key)
        if ref is not None and ref() is tensor:  # counted already (an in-place result)
            return
        self._refs[key] = weakref.ref(tensor, self._forget(key, count))
        self.live += count
        if count >= 1 << 20 and self._memory_start is not None:  # torch's graph may keep it
            self.check_memory()
        if self.live > self.budgets.live_elements:
            raise BudgetExceeded("live_elements", self.budgets.live_elements)

    def _forget(self, key: int, count: int) -> Any:
        def gone(ref: weakref.ref) -> None:
            if self._refs.get(key) is ref:
                del self._refs[key]
            self.live -= count

        return gone

    def enter_call(self) -> None:
        """A ``def`` function is called: one level deeper."""
        self.depth += 1
        if self.depth > self.budgets.call_depth:
            self.depth -= 1
            raise BudgetExceeded("call_depth", self.budgets.call_depth)


_statm: int | None = None


def memory_mb() -> float | None:
    """The process's resident memory now, in MB (Linux); elsewhere its peak so far; or None."""
    global _statm
    try:
        if _statm is None:
            _statm = os.open("/proc/self/statm", os.O_RDONLY)
        pages = int(os.pread(_statm, 128, 0).split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
