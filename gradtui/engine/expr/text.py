"""A learner's typed expression as text: checked before parsing, parsed, and explained when
Python cannot parse it.

Before ``ast.parse`` sees it, the text is held to a length, one line, plain ASCII and a bracket
depth (``check_text``); when the parse fails, a statement (``x = 1``, ``import os``) or a
number next to a name (``2x``) is named in a learner's words, and any other error points at
its column. ``ExprError`` is the one error of the expression compiler.
"""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
import warnings

MAX_CHARS = 1000
MAX_DEPTH = 32

# What a line that parses as a statement (not an expression) is called in the message.
_STATEMENTS: dict[type, str] = {
    ast.Assign: "'=' (assignment)",
    ast.AugAssign: "assignment",
    ast.AnnAssign: "annotated assignment",
    ast.Import: "'import'",
    ast.ImportFrom: "'import'",
    ast.Delete: "'del'",
    ast.FunctionDef: "'def'",
    ast.AsyncFunctionDef: "'async def'",
    ast.ClassDef: "'class'",
    ast.AsyncFor: "'async for'",
    ast.AsyncWith: "'async with'",
}


class ExprError(ValueError):
    """A refused or malformed expression: what is wrong and where (1-based column)."""

    def __init__(self, message: str, text: str = "", column: int | None = None):
        self.message = message
        self.text = text
        self.column = column
        where = f" (column {column})" if column else ""
        super().__init__(f"{message}{where}")


def parse_text(text: str) -> ast.expr:
    """The ``ast`` of one expression, once its text passes ``check_text``; ``ExprError``
    saying what is wrong and where when it does not, or when Python cannot parse it."""
    check_text(text)
    try:
        with warnings.catch_warnings():  # e.g. '1or x': a warning on stderr would garble the TUI
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        _refuse_statement(stripped, text, lead)
        _refuse_implicit_product(stripped, text, lead, err.offset)
        if not err.offset or err.offset > len(stripped):  # Python points past the end
            message = "syntax error: the expression ends too early (something is missing)"
            raise ExprError(message, text, lead + len(stripped) + 1) from None
        raise ExprError(f"syntax error: {err.msg}", text, err.offset + lead) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("the expression is too deeply nested", text, 1) from None


def _refuse_statement(stripped: str, text: str, lead: int) -> None:
    """Name the statement when the text is one (``x = 1``, ``import os``, ``del x``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            body = ast.parse(stripped, mode="exec").body
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return
    if not body or isinstance(body[0], ast.Expr):
        return
    stmt = body[0]
    what = _STATEMENTS.get(type(stmt), f"'{type(stmt).__name__.lower()}' statements")
    column = stmt.col_offset + 1
    if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        end = target.end_col_offset or 0
        column = end + len(stripped[end:]) - len(stripped[end:].lstrip(" )")) + 1
    message = f"{what} not allowed: type one expression, such as x**2"
    raise ExprError(message, text, column + lead)


def _refuse_implicit_product(stripped: str, text: str, lead: int, offset: int | None) -> None:
    """``2x`` or ``2 x`` where Python stopped: algebra leaves the ``*`` out, Python cannot."""
    if not offset:
        return
    previous: tokenize.TokenInfo | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(stripped).readline):
            if (
                previous is not None
                and previous.type == tokenize.NUMBER
                and token.type == tokenize.NAME
                and token.string[0].isalpha()  # not 1__0, a number with a bad underscore
                and not keyword.iskeyword(token.string)
                and previous.start[1] < offset <= token.end[1]
            ):
                number, name = previous.string, token.string
                message = f"write {number}*{name}: a number next to a name needs a * between them"
                raise ExprError(message, text, lead + token.start[1] + 1)
            previous = token
    except (tokenize.TokenError, SyntaxError):
        return


def check_text(text: str) -> None:
    """Refuse, before parsing, a text that is empty, too long, on several lines, with a
    character outside plain ASCII, a ';' or a '#', or brackets nested too deep."""
    if not text.strip():
        raise ExprError("the expression is empty", text)
    if len(text) > MAX_CHARS:
        raise ExprError(
            f"the expression is {len(text):,} characters long; the limit is {MAX_CHARS:,}",
            text,
            MAX_CHARS + 1,
        )
    depth = 0
    for col, ch in enumerate(text, 1):
        if ch in "\n\r":
            raise ExprError("an expression is one line: remove the line break", text, col)
        if ord(ch) < 32 or ord(ch) == 127:
            raise ExprError(f"control character {ch!r} is not allowed", text, col)
        if ord(ch) > 127:
            raise ExprError(
                f"character {ch!r} is not allowed: type plain ASCII (letters, digits, + - * / ( ))",
                text,
                col,
            )
        if ch == ";":
            raise ExprError("';' is not allowed: type a single expression", text, col)
        if ch == "#":
            raise ExprError("comments ('#') are not allowed", text, col)
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExprError(f"brackets nested deeper than {MAX_DEPTH} levels", text, col)
        elif ch in ")]}":
            depth -= 1
