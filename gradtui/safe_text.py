"""Untrusted text, made safe to show: control characters out, and never read as markup.

Lesson files, typed fields, CSV cells, progress files, browser messages and every error that
quotes them are untrusted. Whatever the screen or the terminal shows of them goes through
here, after parsing (a TOML escape such as ``\\u001b`` is an ESC only once parsed):

- ``clean`` removes the characters a terminal acts on (C0 controls but newline and tab, DEL,
  C1 controls, ESC starting an OSC 52 clipboard write or a title change) and those that
  reorder how text reads (the bidi overrides and isolates, "Trojan Source").
- ``plain`` wraps the cleaned text as Textual ``Content``: shown as is, so ``[@click=...]``
  is text and never an action, and ``x[/]`` is text and never a markup error.

This module imports nothing from textual until ``plain`` is called, so the curriculum, the
engine and the command line can use ``clean``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.content import Content

# C0 controls but tab and newline, DEL, C1 controls; the bidi marks, embeddings, overrides
# and isolates; the Unicode line and paragraph separators (a terminal may break lines there).
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\t]")


def clean(text: object, *, one_line: bool = False) -> str:
    """``text`` without control or bidi-override characters (CR LF becomes LF).

    With ``one_line``, newlines and tabs become spaces too: for a menu entry, a title or a
    single terminal line.
    """
    text = str(text).replace("\r\n", "\n")
    if one_line:
        text = _LINE_BREAKS.sub(" ", text)
    return UNSAFE.sub("", text)


def clean_pasted(text: str) -> str:
    """Pasted text, cleaned: its lines stay lines. Many terminals (GNOME's, tmux) send a
    pasted line break as a carriage return, which ``clean`` would drop with the controls."""
    return clean(text.replace("\r\n", "\n").replace("\r", "\n"))


def unsafe_char(text: str, *, allow_cr: bool = True) -> str | None:
    """The first character ``clean`` would remove from ``text`` (CR allowed), or None."""
    for match in UNSAFE.finditer(text):
        if not (allow_cr and match.group() == "\r"):
            return match.group()
    return None


def char_name(char: str) -> str:
    """A character as a person can read it: ``U+001B (ESC)``, ``U+202E (RIGHT-TO-LEFT ...)``."""
    names = {"\x1b": "ESC", "\x07": "BEL", "\x7f": "DEL", "\x08": "BACKSPACE", "\r": "CR"}
    name = names.get(char) or unicodedata.name(char, "a control character")
    return f"U+{ord(char):04X} ({name})"


def plain(text: object, style: str = "", *, one_line: bool = False) -> Content:
    """``text`` as Textual ``Content`` that is never parsed as markup, control characters out.

    ``style`` (such as ``"bold"``) styles the whole of it; it is ours, never the text's.
    """
    from textual.content import Content

    content = Content(clean(text, one_line=one_line))
    return content.stylize(style) if style else content
