"""The command palette's "Lesson N: title" entries, drawn as plain text.

Textual reads a system command's title as markup, and a title comes from a lesson file: this
provider gives the palette ``Content`` instead, so ``[@click=...]`` in a title stays text.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from gradtui.safe_text import clean, plain

HELP = "Open this lesson"


class LessonCommands(Provider):
    """One command per lesson: open it."""

    def _lessons(self) -> Iterator[tuple[str, Any]]:
        app: Any = self.app
        for lesson in app.lessons:
            name = clean(f"Lesson {lesson.order}: {lesson.title}", one_line=True)
            yield name, partial(app.open_lesson, lesson.id)

    async def discover(self) -> Hits:
        for name, open_it in self._lessons():
            yield DiscoveryHit(plain(name), open_it, text=name, help=HELP)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, open_it in self._lessons():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, name), open_it, text=name, help=HELP)


def _highlight(matcher: Matcher, name: str) -> Content:
    """``name`` as plain text with the matched characters styled (Textual's own highlight
    would read it as markup)."""
    content = plain(name)
    _, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
