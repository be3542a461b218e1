"""The program's text: its size and characters checked, parsed safely, and positions in it.

``ast`` counts columns in UTF-8 bytes; a learner counts characters. ``Source.column`` turns
one into the other so carets land under the right character on lines with non-ASCII text.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from dataclasses import dataclass

from gradtui.engine.expr.syntax import caret
from gradtui.safe_text import char_name, unsafe_char

MAX_CHARS = 20_000
MAX_LINES = 1_000
MAX_DEPTH = 100  # nested nodes in the syntax tree
MAX_NODES = 20_000


class ProgramRefused(ValueError):
    """The program uses something outside the subset: refused before anything runs."""

    def __init__(self, message: str, line: int = 0, column: int = 0, text: str = "", span=1):
        self.message = message
        self.line = line
        self.column = column
        self.text = text  # the line's text
        self.span = span
        where = f"line {line}, column {column}: " if line else ""
        super().__init__(f"{where}{message}")

    def caret(self) -> str:
        """The line with a caret under the refused part."""
        return caret(self.text.expandtabs(1), self.column, width=76, span=self.span)

    def to_json(self) -> dict:
        """``{"line", "column", "message"}`` as ``gradtui run --json`` prints it."""
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Source:
    """The program text split in lines, for messages and carets."""

    text: str
    lines: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Source:
        """``text`` with its line ends normalised."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return cls(text, tuple(text.split("\n")))

    def line(self, number: int) -> str:
        """Line ``number`` (1-based), '' if there is none."""
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def column(self, line: int, byte_offset: int | None) -> int:
        """The 1-based character column of ``ast``'s byte offset on ``line``."""
        if byte_offset is None:
            return 0
        text = self.line(line)
        if text.isascii():  # a byte is a character
            return min(byte_offset, len(text)) + 1
        raw = text.encode("utf-8")[:byte_offset]
        return len(raw.decode("utf-8", errors="replace")) + 1

    def span(self, node: ast.AST) -> tuple[int, int, int]:
        """(line, column, width in characters) of a node; the width stops at the line's end."""
        line = getattr(node, "lineno", 0)
        column = self.column(line, getattr(node, "col_offset", None))
        end_line = getattr(node, "end_lineno", line)
        if end_line == line and getattr(node, "end_col_offset", None) is not None:
            width = self.column(line, node.end_col_offset) - column
        else:
            width = len(self.line(line)) - column + 1
        return line, column, max(1, width)

    def refuse(self, message: str, node: ast.AST | None = None) -> ProgramRefused:
        """A refusal pointing at ``node`` (or at no place)."""
        if node is None:
            return ProgramRefused(message)
        line, column, width = self.span(node)
        return ProgramRefused(message, line, column, self.line(line), width)


def parse(text: str) -> tuple[Source, ast.Module]:
    """Check the text and parse it; raise ``ProgramRefused`` with a place when it is refused."""
    if not isinstance(text, str):
        raise ProgramRefused("a program is text")
    source = Source.of(text)
    _check_characters(source)
    try:
        with warnings.catch_warnings():  # '1if x' warns: a warning would garble the screen
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source.text, mode="exec")
    except SyntaxError as err:
        line = err.lineno or 0
        message = f"{type(err).__name__}: {err.msg}"
        column = err.offset or 0
        if line and column:  # SyntaxError counts characters already (1-based)
            column = min(column, len(source.line(line)) + 1)
        raise ProgramRefused(message, line, column, source.line(line)) from None
    except (RecursionError, MemoryError, ValueError):
        raise ProgramRefused("the program is nested too deeply to read") from None
    _check_tree(source, tree)
    return source, tree


def _check_characters(source: Source) -> None:
    text = source.text
    if len(text) > MAX_CHARS:
        raise ProgramRefused(f"the program is {len(text):,} characters; the limit is {MAX_CHARS:,}")
    if len(source.lines) > MAX_LINES:
        raise ProgramRefused(
            f"the program is {len(source.lines):,} lines; the limit is {MAX_LINES:,}"
        )
    for number, line in enumerate(source.lines, 1):
        odd = unsafe_char(line, allow_cr=False)  # controls, and bidi marks ("Trojan Source")
        if odd is not None:
            message = f"the character {char_name(odd)} is not allowed in a program"
            raise ProgramRefused(message, number, line.index(odd) + 1, line)
    _check_names(source)


def _check_names(source: Source) -> None:
    """Names are plain ASCII: Python reads 'ｅval' as 'eval', a learner would not."""
    if source.text.isascii() and "___" not in source.text:
        return  # no name can have another letter, or be a blank: nothing to read tokens for
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source.text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError, RecursionError):
        return  # ast.parse reports the syntax error itself, with its place
    for token in tokens:
        if token.type == tokenize.NAME and is_blank(token.string):
            line, col = token.start
            message = f"fill in the blank '{token.string}' first: it stands for code to write"
            raise ProgramRefused(message, line, col + 1, source.line(line), len(token.string))
        if token.type == tokenize.NAME and not token.string.isascii():
            line, col = token.start
            odd = next(ch for ch in token.string if not ch.isascii())
            message = (
                f"names are plain ASCII letters, digits and _: '{token.string}' has "
                f"{odd!r} (U+{ord(odd):04X}); retype it"
            )
            raise ProgramRefused(message, line, col + 1, source.line(line))


def is_blank(name: str) -> bool:
    """``___`` (three or more underscores): a lesson's blank, for the learner to fill in."""
    return len(name) >= 3 and not name.strip("_")


def _check_tree(source: Source, tree: ast.Module) -> None:
    """Depth and size of the tree, walked without recursion."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise source.refuse(f"the program has more than {MAX_NODES:,} parts", node)
        if depth > MAX_DEPTH:
            raise source.refuse(f"this is nested more than {MAX_DEPTH} levels deep", node)
        stack.extend((child, depth + 1) for child in children(node))


def children(node: ast.AST) -> list[ast.AST]:
    """The nodes directly inside ``node`` (``ast.iter_child_nodes``, as a list), kept on it."""
    found = node.__dict__.get("_gradtui_children")
    if found is None:
        found = []
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                found.append(value)
            elif isinstance(value, list):
                found.extend([v for v in value if isinstance(v, ast.AST)])
        node.__dict__["_gradtui_children"] = found
    return found


def walk(node: ast.AST) -> list[ast.AST]:
    """``node`` and every node inside it (``ast.walk``'s, in another order). What is inside
    is worked out once and kept on the node (the compiler reads a statement's nodes several
    times); the node is not kept in its own list, so no reference cycle keeps the tree."""
    inside = node.__dict__.get("_gradtui_inside")
    if inside is None:
        inside = list(children(node))
        for item in inside:  # grows as it goes: each node's children are added once
            inside.extend(children(item))
        node.__dict__["_gradtui_inside"] = inside
    return [node, *inside]
