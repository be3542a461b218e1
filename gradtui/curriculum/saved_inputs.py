"""A task's saved inputs, held to the rules its form applies before a lesson uses them.

The progress file is untrusted: ``"lr": "abc"`` or a 100,000-character ``fn`` must not reach
a ``Playground``. A typed field's value goes through the same parser as the learner's typing
(``field_errors``); the choices and switches through the lesson files' rules for that field;
and the kept values must still build a problem together (a lesson may have changed since).
"""

from __future__ import annotations

from typing import Any

from gradtui.curriculum.schema import ANSWER, CODE, FIELD_KINDS, MAX_ANSWER, MAX_CODE, Task
from gradtui.curriculum.validate import VALIDATORS
from gradtui.engine.training.playground import FIELDS, Playground, field_errors
from gradtui.safe_text import char_name, unsafe_char

_KIND_TYPES = {"expr": (str,), "start": (str,), "count": (int,), "float": (int, float)}
_KIND_WORDS = {"expr": "an expression", "start": "starting values", "count": "a whole number"}


def check_inputs(task: Task, saved: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The saved inputs ``task`` can use, and the refused ones with why (by name).

    Names the task does not make editable are left out of both: ``Task.playground`` ignores
    them, and they may be a former version of the lesson's.
    """
    base = task.playground()
    kept: dict[str, Any] = {}
    refused: dict[str, str] = {}
    for name, value in saved.items():
        if name not in task.editable:
            continue
        problem = value_problem(name, value, base)
        if problem:
            refused[name] = problem
        else:
            kept[name] = value
    fields = {name: value for name, value in kept.items() if name not in (ANSWER, CODE)}
    if fields:
        _, errors = field_errors(task.playground(fields), {})
        if errors:
            why = str(next(iter(errors.values()))[0]).splitlines()[-1]
            for name in fields:
                refused[name] = f"does not fit with the lesson: {why}"
                del kept[name]
    return kept, refused


def value_problem(name: str, value: Any, base: Playground) -> str | None:
    """Why ``value`` cannot be field ``name`` of a playground like ``base`` (None: it can).

    Text holding a character ``safe_text.clean`` would remove is refused whatever the field:
    some parsers read such characters as spaces (``"1\x0b2"`` is two starting values), so
    removing them would change the value, and keeping them would put them on screen."""
    if isinstance(value, str) and (control := unsafe_char(value, allow_cr=False)):
        return f"text with control characters, such as {char_name(control)}"
    if name == ANSWER:
        if not isinstance(value, str):
            return f"{_kind(value)}, not text"
        if len(value) > MAX_ANSWER:
            return f"{len(value):,} characters; the limit is {MAX_ANSWER:,}"
        return None if value.isprintable() else "text with control characters"
    if name == CODE:
        if not isinstance(value, str):
            return f"{_kind(value)}, not text"
        if len(value) > MAX_CODE:
            return f"{len(value):,} characters; the limit is {MAX_CODE:,}"
        return None  # control characters: refused above
    kind = FIELDS.get(name)
    if kind is None:
        return _lesson_rule(name, value)
    if value is None:
        return None if kind.endswith("?") else "empty"
    base_kind = kind.rstrip("?")
    types = _KIND_TYPES[base_kind]
    if isinstance(value, bool) or not isinstance(value, types):
        return f"{_kind(value)}, not {_KIND_WORDS.get(base_kind, 'a number')}"
    text = value if isinstance(value, str) else repr(value)
    _, errors = field_errors(base, {name: text})
    err, typed = errors.get(name, (None, None))
    if err is not None and typed is not None:  # its own error, not one of the whole problem
        return str(err).splitlines()[-1]
    return None


def _lesson_rule(name: str, value: Any) -> str | None:
    """Fields chosen from a list or switched (mode, dtype, zero_grad...): the lesson rule."""
    if name == "data_csv" and value == "":
        return None  # no data of its own: the example's
    kind = FIELD_KINDS.get(name)
    if kind is None:
        return "not a field of the playground"
    try:
        VALIDATORS[kind](value)
    except ValueError as err:
        return str(err)
    return None


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "text" if len(value) > 40 else f"text {value!r}"
    names = {bool: "true/false", int: "a whole number", float: "a number", type(None): "empty"}
    return names.get(type(value), type(value).__name__)
