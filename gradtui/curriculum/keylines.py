"""Line numbers for TOML keys: ``tomllib`` keeps none, so the text is scanned for them.

Good enough for error messages: table headers (``[tasks.check]``, ``[[tasks]]``) and
``key = value`` lines are found; a key inside an inline table or a multi-line array falls
back to the line of the nearest enclosing key or table.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"""\s*([A-Za-z0-9_\-."' ]+?)\s*=""")
_HEADER = re.compile(r"""\s*(\[\[?)\s*([A-Za-z0-9_\-."' ]+?)\s*\]""")
_STRINGS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


class KeyLines:
    """Maps key paths such as ``("tasks", 1, "check", "kind")`` to 1-based file lines."""

    def __init__(self, toml_text: str, first_line: int = 1):
        self.first_line = first_line
        self._lines: dict[tuple, int] = {}
        arrays: dict[tuple[str, ...], int] = {}  # array-of-tables name -> current index
        table: tuple = ()
        fence: str | None = None  # the delimiter of the multi-line string we are inside
        depth = 0  # open '[' of a multi-line array
        for number, raw in enumerate(toml_text.splitlines(), start=first_line):
            if fence is not None:
                if fence in raw:
                    fence = None
                continue
            if depth <= 0:
                depth = 0
                header = _HEADER.match(raw)
                key = _KEY.match(raw)
                if header and not key:
                    names = _parts(header.group(2))
                    if header.group(1) == "[[":
                        arrays[names] = arrays.get(names, -1) + 1
                    table = self._resolve(names, arrays)
                    self._lines.setdefault(table, number)
                    continue
                if key:
                    self._lines.setdefault(table + _parts(key.group(1)), number)
            for delimiter in ('"""', "'''"):
                if raw.count(delimiter) % 2:
                    fence = delimiter
            if fence is None:
                bare = _STRINGS.sub("", raw).split("#", 1)[0]
                depth += bare.count("[") - bare.count("]")

    @staticmethod
    def _resolve(names: tuple[str, ...], arrays: dict[tuple[str, ...], int]) -> tuple:
        """``tasks.check`` inside the current ``[[tasks]]`` becomes ``("tasks", i, "check")``."""
        path: list = []
        for i, name in enumerate(names):
            path.append(name)
            if names[: i + 1] in arrays:
                path.append(arrays[names[: i + 1]])
        return tuple(path)

    def line(self, path: tuple) -> int:
        """The line of ``path``, or of its nearest ancestor found, or the first line."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self.first_line
