"""The command palette's app-wide commands, in the order a person counts them, as plain text.

Textual's own provider sorts the commands by title as text, which puts "Lesson 10" to
"Lesson 15" before "Lesson 2", and reads each title as markup: a lesson's title comes from a
lesson file, so ``[b]`` in it would turn bold (or a stray ``[/]`` fail). This provider
compares the numbers in a title as numbers and shows every title exactly as written.
"""

from __future__ import annotations

import re

from textual.command import DiscoveryHit, Hit, Hits
from textual.content import Content
from textual.system_commands import SystemCommandsProvider

_NUMBER = re.compile(r"(\d+)")


def counting_order(title: str) -> list[str | int]:
    """A sort key for ``title`` that compares its runs of digits as numbers."""
    # re.split with a group alternates text and digits, so equal positions hold equal types.
    return [int(part) if i % 2 else part.casefold() for i, part in enumerate(_NUMBER.split(title))]


class OrderedSystemCommands(SystemCommandsProvider):
    """Textual's system commands, listed in ``counting_order``, titles as plain text."""

    async def discover(self) -> Hits:
        commands = self.app.get_system_commands(self.screen)
        for command in sorted(commands, key=lambda command: counting_order(command.title)):
            if command.discover:
                yield DiscoveryHit(
                    Content(command.title), command.callback, text=command.title, help=command.help
                )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.app.get_system_commands(self.screen):
            score = matcher.match(command.title)
            if score > 0:
                # The matcher's highlighting reads its text as markup: only plain titles get it.
                plain = "[" not in command.title
                display = matcher.highlight(command.title) if plain else Content(command.title)
                yield Hit(score, display, command.callback, text=command.title, help=command.help)
