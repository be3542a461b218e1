"""What the progress file holds, how a read of it is checked, and how changes merge into it.

The file is untrusted: it may be damaged, hand-edited or written by another version. ``parse``
refuses a file that is not a progress file at all (``CorruptProgress``) and otherwise keeps
what is well formed, listing every value it dropped, in words, so it can be said once.

Every change a window makes is an ``Op``. The window applies its ops to its own copy at once,
and again, under the file lock, to what is on disk when it saves (``apply``): so two windows on
one data folder never drop each other's progress. Per field, the merge rule is: solved tasks
are a union, hints shown the larger count, inputs the last writer of each key this window set,
current lesson and theme this window's; a reset removes what it resets, whoever wrote it.

Nothing here imports the engine: the app reads progress before its first paint.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

VERSION = 1
MAX_ID = 64  # a lesson id, an input name or a theme name longer than this is not one
MAX_INDEX = 9_999  # task numbers and hint counts
MAX_SHOWN = 40  # characters of a dropped key quoted in a notice
MAX_SAID = 3  # bad entries of one list named
_TASK_KEY = re.compile(r"[0-9]{1,4}")
_SCALARS = (str, int, float, bool, type(None))

Op = tuple  # ("solve", lesson, task), ("hint", lesson, task, count), see ``apply``


class CorruptProgress(ValueError):
    """The progress file is not what this module writes."""


def empty() -> dict[str, Any]:
    """A progress state with nothing in it."""
    return {"version": VERSION, "current": None, "theme": None, "lessons": {}}


def dump(state: dict[str, Any]) -> str:
    """The file's text for ``state``."""
    data = {k: v for k, v in state.items() if k != "theme" or v is not None}
    return json.dumps(data, indent=1, sort_keys=True, allow_nan=False)


def shown(text: str) -> str:
    """``text`` quoted for a plain-text notice: shortened, control characters escaped."""
    short = text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"
    return repr(short)


# --- reading --------------------------------------------------------------------------------


def parse(raw: bytes) -> tuple[dict[str, Any], list[str]]:
    """The state in ``raw`` and what was dropped from it; ``CorruptProgress`` if it is none.

    A file that is not JSON, not an object, of another version, or whose ``lessons`` is not
    an object is refused whole. Anything below that is checked value by value.
    """
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as err:  # bad UTF-8, bad JSON, absurd nesting
        raise CorruptProgress(f"not JSON: {err}") from None
    version = data.get("version") if isinstance(data, dict) else None
    if type(version) is not int or version != VERSION:
        raise CorruptProgress(f"not a version {VERSION} progress object")
    lessons = data.get("lessons", {})
    if not isinstance(lessons, dict):
        raise CorruptProgress("'lessons' is not an object")
    dropped: list[str] = []
    state = empty()
    for key in ("current", "theme"):
        value = data.get(key)
        if value is None or _is_name(value):
            state[key] = value
        else:
            dropped.append(f"{key} {_describe(value, 'a name')}")
    for lesson_id, record in lessons.items():
        if not _is_name(lesson_id):
            dropped.append(f"lesson {shown(lesson_id)} (not a lesson id)")
        elif not isinstance(record, dict):
            dropped.append(f"lesson {shown(lesson_id)} (not a progress record)")
        else:
            state["lessons"][lesson_id] = _record(record, f"lesson {shown(lesson_id)}", dropped)
    return state, dropped


def _record(raw: dict[str, Any], where: str, dropped: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key in raw.keys() - {"solved", "hints", "inputs"}:
        dropped.append(f"{where}: {shown(key)} (not part of progress)")
    solved = raw.get("solved", [])
    if isinstance(solved, list):
        good = sorted({t for t in solved if _is_index(t)})
        if len(good) < len(solved):
            for bad in [v for v in solved if not _is_index(v)][:MAX_SAID]:
                dropped.append(f"{where}: solved {_describe(bad, 'a task number')}")
        if good:
            record["solved"] = good
    else:
        dropped.append(f"{where}: solved {_describe(solved, 'a list of task numbers')}")
    hints = _by_task(raw.get("hints", {}), f"{where}: hints", dropped)
    good_hints = {}
    for task, count in hints.items():
        if _is_index(count):
            good_hints[task] = count
        else:
            dropped.append(f"{where}: hints of task {int(task) + 1} {_describe(count, 'a count')}")
    if good_hints:
        record["hints"] = good_hints
    inputs = _by_task(raw.get("inputs", {}), f"{where}: inputs", dropped)
    good_inputs = {}
    for task, values in inputs.items():
        at = f"{where}: task {int(task) + 1}"
        if not isinstance(values, dict):
            dropped.append(f"{at} inputs {_describe(values, 'an object of inputs')}")
            continue
        kept = {}
        for name, value in values.items():
            if not (_is_name(name) and name.isidentifier()):
                dropped.append(f"{at}: input {shown(name)} (not a field name)")
            elif not _is_scalar(value):
                dropped.append(f"{at}: {shown(name)} {_describe(value, 'a plain value')}")
            else:
                kept[name] = value
        good_inputs[task] = kept
    if good_inputs:
        record["inputs"] = good_inputs
    return record


def _by_task(raw: Any, where: str, dropped: list[str]) -> dict[str, Any]:
    """The entries of a task-number -> value object whose key is a task number."""
    if not isinstance(raw, dict):
        dropped.append(f"{where} {_describe(raw, 'an object by task number')}")
        return {}
    good = {}
    for key, value in raw.items():
        if _TASK_KEY.fullmatch(key):
            good[str(int(key))] = value
        else:
            dropped.append(f"{where}: {shown(key)} (not a task number)")
    return good


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID and value.isprintable()


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INDEX


def _is_scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, _SCALARS)


def _describe(value: Any, wanted: str) -> str:
    """Why a value was dropped, in words, without quoting all of it."""
    if isinstance(value, str):
        what = shown(value)
    elif isinstance(value, bool) or value is None:
        what = json.dumps(value)
    elif isinstance(value, int | float) and len(repr(value)) <= MAX_SHOWN:
        what = repr(value)
    else:
        kinds = {int: "a number", float: "a number", list: "a list", dict: "an object"}
        what = kinds.get(type(value), type(value).__name__)
    return f"({what}, not {wanted})"


# --- changing -------------------------------------------------------------------------------


def apply(state: dict[str, Any], op: Op) -> None:
    """Apply one change to ``state`` (a window's copy, or what is on disk when it saves).

    ``("solve", lesson, task)``: add to the solved tasks. ``("hint", lesson, task, count)``:
    the larger of the counts. ``("inputs", lesson, task, values, unset)``: set these keys and
    remove the ``unset`` ones. ``("drop", lesson, task, values)``: remove keys that still hold
    these (bad) values. ``("reset_task", lesson, task)``, ``("reset_all",)``: forget a task's
    mark, hints and inputs, or every lesson and the current one (the theme stays).
    ``("current", lesson)`` and ``("theme", name)``: this window's choice.
    """
    kind = op[0]
    if kind in ("current", "theme"):
        state[kind] = op[1]
        return
    if kind == "reset_all":
        state["lessons"] = {}
        state["current"] = None
        return
    lesson_id, task = op[1], op[2]
    key = str(task)
    record = state["lessons"].setdefault(lesson_id, {})
    if kind == "solve":
        record["solved"] = sorted({*record.get("solved", []), task})
    elif kind == "hint":
        hints = record.setdefault("hints", {})
        hints[key] = max(hints.get(key, 0), op[3])
    elif kind == "inputs":
        values = record.setdefault("inputs", {}).setdefault(key, {})
        values.update(op[3])
        for name in op[4]:
            values.pop(name, None)
    elif kind == "drop":
        values = record.get("inputs", {}).get(key, {})
        for name, bad in op[3].items():
            if name in values and values[name] == bad:
                del values[name]
    elif kind == "reset_task":
        if task in record.get("solved", []):
            record["solved"].remove(task)
        record.get("hints", {}).pop(key, None)
        record.get("inputs", {}).pop(key, None)
    else:
        raise ValueError(f"unknown progress change {kind!r}")
    if not any(record.values()):
        del state["lessons"][lesson_id]


def plain_inputs(inputs: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The inputs a file can hold (JSON scalars, finite numbers), and the names left out."""
    kept = {str(k): v for k, v in inputs.items() if _is_scalar(v)}
    return kept, tuple(str(k) for k in inputs if str(k) not in kept)
