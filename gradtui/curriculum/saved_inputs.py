"""A task's saved inputs, held to the rules its form applies before a lesson uses them.

The progress file is untrusted: ``"lr": "abc"`` or a 100,000-character ``fn`` must not reach
a ``Playground``. Each value is held to its setting's rule (``engine.settings``: the one
the form, the command line and lesson files use), and the kept values must still build a
problem together (a lesson may have changed since).
"""

from __future__ import annotations

from typing import Any

from gradtui.curriculum.schema import ANSWER, CODE, MAX_ANSWER, MAX_CODE, Task
from gradtui.engine.training.playground import field_errors
from gradtui.engine.training.settings import SETTINGS, SettingError
from gradtui.safe_text import char_name, unsafe_char


def check_inputs(task: Task, saved: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The saved inputs ``task`` can use, and the refused ones with why (by name).

    Names the task does not make editable are left out of both: ``Task.playground`` ignores
    them, and they may be a former version of the lesson's.
    """
    kept: dict[str, Any] = {}
    refused: dict[str, str] = {}
    for name, value in saved.items():
        if name not in task.editable:
            continue
        problem = value_problem(name, value)
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


def value_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be setting ``name`` of the playground (None: it can).

    Text holding a character ``safe_text.clean`` would remove is refused whatever the setting,
    before any parser reads it: some read such characters as spaces (``"1\x0b2"`` is two
    starting values), so removing them would change the value, and keeping them would put
    them on screen."""
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
    setting = SETTINGS.get(name)
    if setting is None:
        return "not a field of the playground"
    if name == "data_csv" and value == "":
        return None  # no data of its own: the example's
    try:
        setting.check(value)
    except ValueError as err:  # SettingError, ExprError, ValueParseError
        return f"{name} {err}" if isinstance(err, SettingError) else str(err)
    return None


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "text" if len(value) > 40 else f"text {value!r}"
    names = {bool: "true/false", int: "a whole number", float: "a number", type(None): "empty"}
    return names.get(type(value), type(value).__name__)
