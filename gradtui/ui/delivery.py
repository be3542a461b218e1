"""Handing a worker thread's result to a screen that may have been left meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from textual.css.query import NoMatches
from textual.dom import DOMNode


def deliver(node: DOMNode, show: Callable[..., None], *args: Any) -> None:
    """Call ``show(*args)`` on the event loop unless ``node`` is gone.

    For ``app.call_from_thread(deliver, self, self._show, result)``: a worker that finishes
    as the learner leaves would otherwise fill panels already removed (``NoMatches``, and
    the app stops). A result arriving that late is dropped.
    """
    if node.is_attached:
        with suppress(NoMatches):
            show(*args)
