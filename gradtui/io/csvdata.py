"""A learner's own data for fit mode: a CSV file of input,target rows, checked line by line.

Files are untrusted input: only regular files are read (``gradtui.io.safe_read``: never stuck on
a pipe or a device), at most ``MAX_READ_BYTES`` of them, binary or non-UTF-8 content is
refused, and every bad cell is reported as ``file:line: ...``.
Rows beyond ``MAX_ROWS`` are left out with a note rather than refused. Imports no torch.
"""

from __future__ import annotations

import csv
import functools
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gradtui.io.safe_read import ReadCancelled, ReadError, read_limited
from gradtui.limits import MAX_LENGTH

MAX_ROWS = MAX_LENGTH  # a fit problem holds at most this many points
MAX_READ_BYTES = 4 * 1024 * 1024  # beyond this only the start of the file is read
MAX_CELL = 40
INPUT_NAME = "t"  # the model's input variable, as in the roller-coaster example
DELIMITERS = ("\t", ";", ",")
# Numbers as values.py reads typed ones: ASCII digits, an optional exponent, nothing else.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)", re.ASCII)
_NON_FINITE = ("nan", "inf", "infinity")
FOLDER_HINT = "give a CSV file (a folder of images goes with --example pullover-dress)"


class CsvError(ValueError):
    """A CSV that cannot be used: ``source:line: message`` (no line for whole-file problems)."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class CsvData:
    """Input and target columns, the header's names if there was one, and notes for the user."""

    inputs: tuple[float, ...]
    targets: tuple[float, ...]
    header: tuple[str, str] | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)
    source: str = field(default="data", compare=False)

    def __len__(self) -> int:
        return len(self.inputs)

    def to_text(self) -> str:
        """The rows as plain CSV text (numbers written exactly), which parses back to them."""
        lines = [",".join(self.header)] if self.header else []
        lines += [f"{x!r},{y!r}" for x, y in zip(self.inputs, self.targets, strict=True)]
        return "\n".join(lines) + "\n"

    def describe(self) -> str:
        """``40 rows (celsius → fahrenheit)``: for notices and titles."""
        names = f" ({self.header[0]} → {self.header[1]})" if self.header else ""
        return f"{len(self):,} rows{names}"


def read_csv_file(
    path: str | os.PathLike[str],
    name: str | None = None,
    timeout: float | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CsvData:
    """Read and check a CSV file of input,target rows (raises ``CsvError``).

    ``name`` is how messages call the file (default: the path as given). Only a regular file
    is read, and a read that takes over ``timeout`` seconds (default ``READ_TIMEOUT``) is given
    up (see ``safe_read``);
    ``ReadCancelled`` is raised when ``cancelled()`` turns true meanwhile.
    """
    name = name or str(path)
    try:
        raw, size = read_limited(
            Path(path).expanduser(), MAX_READ_BYTES, timeout, cancelled, FOLDER_HINT
        )
    except ReadCancelled:
        raise
    except ReadError as err:
        raise CsvError(name, None, str(err)) from None
    notes = []
    if len(raw) > MAX_READ_BYTES:
        # Keep whole lines only: the cut may fall inside a line or a UTF-8 character.
        raw = raw[: raw.rfind(b"\n", 0, MAX_READ_BYTES) + 1]
        notes.append(
            f"the file is {byte_size(size)}: only its first {byte_size(MAX_READ_BYTES)} were read"
        )
    text = _decode(raw, name)
    return parse_csv_text(text, name, tuple(notes))


@functools.lru_cache(maxsize=8)
def parse_csv_text(text: str, source: str = "data", notes: tuple[str, ...] = ()) -> CsvData:
    """Parse CSV text: an optional header line, then rows of two numbers (input, target).

    Blank lines and lines starting with ``#`` are skipped; cells may be separated by commas,
    semicolons or tabs. Raises ``CsvError`` naming the first bad line.
    """
    if "\x00" in text:
        raise CsvError(source, None, "holds NUL bytes: a binary file, not CSV text")
    lines = text.splitlines()
    delimiter: str | None = None
    header: tuple[str, str] | None = None
    columns_line = 0
    inputs: list[float] = []
    targets: list[float] = []
    notes = list(notes)
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(inputs) >= MAX_ROWS:
            rest = sum(1 for later in lines[number - 1 :] if _is_row(later))
            notes.append(
                f"only the first {MAX_ROWS:,} rows are used: {rest:,} more from line "
                f"{number} on were left out"
            )
            break
        if delimiter is None:
            delimiter = next((d for d in DELIMITERS if d in line), ",")
        row = (
            line.split(delimiter)
            if '"' not in line
            else next(csv.reader([line], delimiter=delimiter))
        )
        cells = [c.strip() for c in row]
        while len(cells) > 2 and not cells[-1]:  # spreadsheets often end rows with a comma
            cells.pop()
        if len(cells) != 2:
            raise CsvError(source, number, _column_count(cells, delimiter, columns_line))
        if not columns_line:
            columns_line = number
            if not any(_NUMBER.fullmatch(c) for c in cells):
                header = _header(cells, source, number)
                continue
        x, y = (_number(cell, source, number, column) for column, cell in enumerate(cells, 1))
        inputs.append(x)
        targets.append(y)
    if not inputs:
        what = "only a header" if header else "no rows"
        raise CsvError(source, None, f"has {what}: a fit needs rows of input,target numbers")
    if len(inputs) < 2:
        raise CsvError(source, None, "has a single row: a fit needs at least 2 points")
    return CsvData(tuple(inputs), tuple(targets), header, tuple(notes), source)


def _is_row(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _column_count(cells: list[str], delimiter: str, first: int) -> str:
    names = {",": "commas", ";": "semicolons", "\t": "tabs"}
    count = f"{len(cells)} cell{'s' if len(cells) != 1 else ''}"
    if first:
        return f"{count}, but line {first} has 2: every row needs input,target"
    return f"{count} separated by {names[delimiter]}; expected 2 columns: input,target"


def _header(cells: list[str], source: str, line: int) -> tuple[str, str]:
    for cell in cells:
        if not cell or len(cell) > MAX_CELL or not cell.isprintable():
            raise CsvError(source, line, f"header {cell[:MAX_CELL]!r} is not a column name")
    return cells[0], cells[1]


def _number(cell: str, source: str, line: int, column: int) -> float:
    where = f"column {column}"
    if not cell:
        raise CsvError(source, line, f"{where} is empty")
    shown = "".join(ch if ch.isprintable() else "?" for ch in cell[:MAX_CELL])
    shown += "…" if len(cell) > MAX_CELL else ""
    if cell.lower().lstrip("+-") in _NON_FINITE:
        raise CsvError(source, line, f"{where}: '{shown}' is not a finite number")
    if not _NUMBER.fullmatch(cell):
        hint = " (write decimals with a dot)" if re.fullmatch(r"[+-]?\d+,\d+", cell) else ""
        raise CsvError(source, line, f"{where}: '{shown}' is not a number{hint}")
    value = float(cell)
    if not math.isfinite(value) or abs(value) > 3.4e38:
        raise CsvError(source, line, f"{where}: '{shown}' is too large for float32")
    return value


def _decode(raw: bytes, source: str) -> str:
    if b"\x00" in raw:
        raise CsvError(source, None, "holds NUL bytes: a binary file, not CSV text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        byte = raw[err.start]
        raise CsvError(source, line, f"byte 0x{byte:02x} is not UTF-8 text") from None


def byte_size(count: int) -> str:
    """``812 bytes``, ``4.0 MiB``: a size for a message."""
    if count < 1024:
        return f"{count} bytes"
    units = ("KiB", "MiB", "GiB")
    power = min(int(math.log(count, 1024)), len(units))
    return f"{count / 1024**power:.1f} {units[power - 1]}"
