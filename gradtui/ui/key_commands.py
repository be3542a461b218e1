"""Command palette entries made from a screen's key bindings: one rule, one place.

Each entry is a binding that is on for the screen now (its ``check_action``), titled with
the binding's own description (what the Footer shows) and explained with the help's words
for its action (``help.KEY_WORDS``) and its keys. A key added to a screen's bindings reaches
the Footer, the help and the palette together.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

# The help says where a key acts; the palette lists what acts where it was opened.
PLACES = ("lesson: ", "loop playground: ", "loop playground on a small terminal: ")


def binding_commands(screen: Screen, bindings: Iterable[Binding]) -> Iterable[SystemCommand]:
    """Palette entries for the ``bindings`` of ``screen`` that are on now (once per action)."""
    from gradtui.ui.screens.help import KEY_WORDS, key_label

    seen: set[str] = set()
    for binding in bindings:
        if binding.action in seen or binding.action not in KEY_WORDS:
            continue
        _, name, parameters = parse(binding.action)
        if not screen.check_action(name, parameters):
            continue
        seen.add(binding.action)
        keys = " or ".join(key_label(key) for key in binding.key.split(","))
        words = KEY_WORDS[binding.action]
        words = words.split(": ", 1)[1] if words.startswith(PLACES) else words
        yield SystemCommand(
            binding.description, f"{words[:1].upper()}{words[1:]} ({keys})",
            partial(screen.run_action, binding.action),
        )  # fmt: skip
