"""What the expression compiler and the program compiler share about the learner's text.

Both walk Python's ``ast`` against an allowlist and refuse the rest with a message and a
column: the caret drawn under that column, the names of operators and of refused kinds of
syntax, and the check on number literals live here, once.
"""

from __future__ import annotations

import ast
import math

MAX_LITERAL = 1e15

# What a refused kind of expression is called in a message.
NODE_NAMES: dict[type, str] = {
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "':=' (assignment)",
    ast.Subscript: "indexing with [ ]",
    ast.Compare: "comparisons",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "'if' expressions",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.Starred: "'*' unpacking",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
    ast.Slice: "slices",
}

_SYMBOLS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Invert: "~",
    ast.Not: "not",
    ast.USub: "-",
    ast.UAdd: "+",
}


def op_symbol(op: ast.AST) -> str:
    """An operator as typed, quoted: ``'//'``, ``'@'``, ``'not'``."""
    return f"'{_SYMBOLS.get(type(op), type(op).__name__)}'"


def caret(text: str, column: int | None, width: int = 60, span: int = 1) -> str:
    """``text`` (a window of it, if long) with carets under ``span`` characters from ``column``.

    Characters that are not printable ASCII show as '?', so the carets stay under the right
    character whatever the terminal does with the rest. Without a column, just the window.
    """
    if not column:
        return text[:width]
    start = max(0, min(column - 1 - width // 2, len(text) - width))
    snippet = text[start : start + width]
    shown = "".join(ch if ch.isprintable() and ord(ch) < 128 else "?" for ch in snippet)
    offset = column - 1 - start
    marks = max(1, min(span, len(shown) - offset))
    return f"{shown}\n{' ' * offset}{'^' * marks}"


def pointed(err: BaseException) -> str:
    """An error as every place shows it (the form, the command line, a check's detail): the
    message, then the text it points into with a caret under the column when it has both
    (``ExprError``, ``ValueParseError``)."""
    text, column = getattr(err, "text", ""), getattr(err, "column", None)
    if isinstance(text, str) and text and column:
        return f"{err}\n{caret(text, column)}"
    return str(err)


def literal_problem(value: int | float) -> str | None:
    """Why a number literal is refused ('number too large ...'), or None when it is fine."""
    if isinstance(value, int) and value.bit_length() > 64:
        return "number too large"
    if not math.isfinite(float(value)) or abs(float(value)) > MAX_LITERAL:
        return f"number too large (the limit is {MAX_LITERAL:g})"
    return None
