"""Parse the numbers a learner types (``3``, ``3.``, ``3,5,12``, ``[3., 4.]``, ``w=1,2``).

Numbers are parsed with a strict pattern, never evaluated. Whether each one was typed as an
integer is kept, because ``torch.tensor(3)`` and ``torch.tensor(3.)`` differ and the
floats-only lesson shows that difference.

Numbers are written back here too: ``format_number`` as torch prints them in a literal,
``format_value`` (six significant digits) as the panels, the graph and the reports show them.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from typing import Any

from gradtui.limits import MAX_LENGTH

DTYPES = ("float32", "float64", "int64", "auto")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)", re.ASCII)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")


class ValueParseError(ValueError):
    """Numbers that could not be read: what and where (1-based ``column`` of ``text``)."""

    def __init__(self, message: str, column: int | None = None, text: str = ""):
        self.message = message
        self.column = column
        self.text = text
        super().__init__(message + (f" (column {column})" if column else ""))


@dataclass(frozen=True)
class Values:
    """Numbers as typed: a scalar or a vector, and whether every one was an integer literal."""

    numbers: tuple[float, ...]
    is_vector: bool
    integer_literals: bool
    text: str = ""

    def to_tensor(self, dtype: str = "float32"):
        """The tensor ``torch.tensor(...)`` would build; ``auto`` infers as torch does."""
        import torch

        if dtype not in DTYPES:
            raise ValueParseError(f"unknown dtype '{dtype}' (choose from {', '.join(DTYPES)})")
        data = list(self.numbers) if self.is_vector else self.numbers[0]
        if dtype == "auto":
            if self.integer_literals:
                ints = [int(n) for n in self.numbers]
                return torch.tensor(ints if self.is_vector else ints[0])
            return torch.tensor(data)
        if dtype == "int64":
            ints = [int(n) for n in self.numbers]
            return torch.tensor(ints if self.is_vector else ints[0], dtype=torch.int64)
        return torch.tensor(data, dtype=getattr(torch, dtype))

    def literal(self) -> str:
        """How the numbers read in Python source, e.g. ``3.`` or ``[3., 5., 12.]``."""
        items = [format_number(n, self.integer_literals) for n in self.numbers]
        return f"[{', '.join(items)}]" if self.is_vector else items[0]


def format_number(value: float, as_int: bool = False) -> str:
    """A number as torch prints it in a literal: ``3.``, ``0.5``, ``1e-05``."""
    if as_int:
        return str(int(value))
    if value == int(value) and abs(value) < 1e16:
        return f"{int(value)}."
    return repr(float(value))


def format_value(value: Any, items: int = 4) -> str:
    """A number (6 significant digits), None, or a list shortened to its first ``items``."""
    if isinstance(value, list):
        inner = ", ".join(format_value(v) for v in value[:items])
        return f"[{inner}{', …' if len(value) > items else ''}]"
    if value is None:
        return "None"
    return f"{value:.6g}"


def round_trip(value: float, dtype: str = "float32") -> float:
    """``value`` with the fewest significant digits that still give the same ``dtype`` number.

    Printed with ``format_number``, the result reads back as exactly ``value`` in that dtype:
    ``0.336690009`` rather than ``0.33669`` for a float32 weight, ``3.`` when it is exact.
    """
    if dtype not in ("float32", "auto") or not math.isfinite(value):
        return float(value)
    target = _float32(value)
    for digits in range(1, 10):  # 9 significant digits always round-trip a float32
        shorter = float(f"{value:.{digits}g}")
        if _float32(shorter) == target:
            return shorter
    return float(value)


def _float32(value: float) -> float:
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:  # beyond float32's range: compare as float64
        return value


def parse_values(text: str) -> Values:
    """Parse ``3``, ``3.``, ``-1.5e-3``, ``3,5,12`` or ``[3., 4., 10.]``."""
    try:
        return _parse_values(text)
    except ValueParseError as err:
        raise ValueParseError(err.message, err.column, text if err.column else "") from None


def _parse_values(text: str) -> Values:
    if not isinstance(text, str) or not text.strip():
        raise ValueParseError("no number given")
    if len(text) > MAX_LENGTH * 24:
        raise ValueParseError(f"too much text for {MAX_LENGTH:,} numbers")
    body, offset = text, 0
    stripped = text.strip()
    bracketed = stripped.startswith("[")
    if bracketed:
        if not stripped.endswith("]"):
            raise ValueParseError("'[' is never closed", len(text))
        offset = text.index("[") + 1
        body = text[offset : text.rindex("]")]
    if bracketed and not body.strip():
        raise ValueParseError("an empty vector: give at least one number, as in [3.]", offset + 1)
    parts = body.split(",")
    if bracketed and parts and not parts[-1].strip() and len(parts) > 1:
        parts = parts[:-1]  # a trailing comma, as Python allows
    if len(parts) > MAX_LENGTH:
        raise ValueParseError(f"{len(parts):,} numbers; the limit is {MAX_LENGTH:,}")
    numbers: list[float] = []
    integers = True
    column = offset
    for part in parts:
        token = part.strip()
        where = column + (len(part) - len(part.lstrip())) + 1
        column += len(part) + 1
        if not token:
            raise ValueParseError("a number is missing between commas", where)
        lowered = token.lower().lstrip("+-")
        if lowered in ("nan", "inf", "infinity"):
            raise ValueParseError(
                f"'{token}' is not a finite number: start from a real number", where
            )
        if not _NUMBER.fullmatch(token):
            raise ValueParseError(f"'{token[:20]}' is not a number", where)
        value = float(token)
        if not math.isfinite(value) or abs(value) > 3.4e38:
            raise ValueParseError(
                f"'{token[:20]}' is too large for float32 (the cap for every dtype is 3.4e38)",
                where,
            )
        integers = integers and re.fullmatch(r"[+-]?\d+", token) is not None
        numbers.append(value)
    return Values(tuple(numbers), bracketed or len(numbers) > 1, integers, text)


def parse_assignments(items: list[str]) -> dict[str, Values]:
    """Parse ``["x=3", "w=1,2"]``, ``["x=3; w=1,2"]`` or a single unnamed ``["3"]`` (key ``""``).

    Several variables are named either one per item (a repeated ``--at``/``--from``) or
    separated by ``;`` within one text (the app's start field); both ways mix freely.
    """
    parts: list[tuple[str, str, int]] = []  # (piece, the text it is in, where it starts there)
    for whole in items:
        if "=" not in whole:
            parts.append((whole, whole, 0))
            continue
        start = 0
        for piece in whole.split(";"):
            if piece.strip():
                parts.append((piece, whole, start))
            start += len(piece) + 1
    result: dict[str, Values] = {}
    for item, whole, start in parts:
        name, sep, rest = item.partition("=")
        if not sep:
            if len(parts) > 1:
                raise ValueParseError(f"'{item}': with several values, name each one: x=3")
            return {"": parse_values(item)}
        name = name.strip()
        if not _NAME.fullmatch(name):
            raise ValueParseError(f"'{name[:20]}' is not a variable name")
        if name in result:
            raise ValueParseError(f"'{name}' is given twice")
        try:
            result[name] = parse_values(rest)
        except ValueParseError as err:
            # the column within the whole text, where the caret is drawn
            column = err.column and err.column + start + len(item) - len(rest)
            raise ValueParseError(f"{name}: {err.message}", column, whole) from None
    return result
