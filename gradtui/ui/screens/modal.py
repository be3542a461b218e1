"""A dialog that answers once: the one way our dialogs close with a result."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class AnswerOnce(ModalScreen[T], Generic[T]):
    """A modal screen closed by ``answer``, which acts only while the screen is on top.

    Two answers can be on their way at once (a key and a button's ``Pressed`` message queued
    behind it): Textual's ``dismiss`` pops whatever screen is on top, so the second answer
    closed the screen below, or failed with ``ScreenStackError`` on the last one.
    """

    def answer(self, result: T | None) -> None:
        """Close with ``result``, unless this screen was already closed."""
        if self.is_active:
            self.dismiss(result)
