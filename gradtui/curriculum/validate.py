"""Hold a parsed lesson front matter to the schema, collecting every problem with its line."""

from __future__ import annotations

import re
from typing import Any

from gradtui.curriculum.budget import lesson_over_budget, over_budget, task_work
from gradtui.curriculum.checks import KINDS
from gradtui.curriculum.keylines import KeyLines
from gradtui.curriculum.rules import Invalid, code, integer, kind_of, text
from gradtui.curriculum.schema import (
    ANSWER,
    CODE,
    LESSON_KEYS,
    MAX_TASKS,
    TASK_KEYS,
    Check,
    Lesson,
    LessonProblem,
    Task,
)
from gradtui.engine.training.settings import SETTINGS

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_MISSING = object()


class Validator:
    """Checks one file's front matter; ``problems`` collects what is wrong, with lines."""

    def __init__(self, path: str, lines: KeyLines):
        self.path = path
        self.lines = lines
        self.problems: list[LessonProblem] = []

    def report(self, where: tuple, message: str) -> None:
        self.problems.append(LessonProblem(self.path, self.lines.line(where), message))

    def lesson(self, doc: dict[str, Any], body: str, body_line: int) -> Lesson | None:
        """The lesson, or None with ``problems`` filled in."""
        self._unknown(doc, LESSON_KEYS, (), "the front matter")
        lesson_id = self._field(doc, "id", (), _lesson_id)
        title = self._field(doc, "title", (), text(100))
        order = self._field(doc, "order", (), integer(-(10**6), 10**6))
        tasks = []
        raw_tasks = self._field(doc, "tasks", (), _table_list)
        if raw_tasks is not _MISSING:
            tasks = [self.task(t, i) for i, t in enumerate(raw_tasks)]
        if not body.strip():
            self.problems.append(
                LessonProblem(self.path, body_line, "the lesson has no prose after the '+++' line")
            )
        if not self.problems:
            self._budget(tasks)
        if self.problems:
            return None
        line = self.lines.line(("id",))
        return Lesson(lesson_id, title, order, body, tuple(tasks), self.path, line)

    def _budget(self, tasks: list[Task]) -> None:
        """Each task's check, and all of them together, within the work budget."""
        total = 0
        for i, task in enumerate(tasks):
            try:
                work = task_work(task)
            except (ValueError, KeyError):  # settings that do not fit together: reported when run
                continue
            problem = over_budget(work)
            if problem:
                message = f"task {i + 1}: {problem}: lower its steps, or use fewer numbers"
                self.problems.append(LessonProblem(self.path, task.check.line, message))
            total += work.units
        problem = lesson_over_budget(total)
        if problem:
            self.report(("tasks", 0), problem)

    def task(self, raw: dict[str, Any], index: int) -> Task | None:
        """One ``[[tasks]]`` table."""
        at = ("tasks", index)
        self._unknown(raw, TASK_KEYS, at, f"task {index + 1}")
        goal = self._field(raw, "goal", at, text(300))
        setup = self._playground(raw.get("setup", {}), at + ("setup",), answer=False)
        editable = self._field(raw, "editable", at, _editable)
        self._field(raw, "hints", at, _hints)
        solution = self._field(raw, "solution", at, _table)
        if solution is not _MISSING:
            solution = self._playground(solution, at + ("solution",), answer=True)
            if editable is not _MISSING:
                for key in solution:
                    if key not in editable:
                        self.report(
                            at + ("solution", key),
                            f"task {index + 1}: the solution sets '{key}', which is not editable",
                        )
        check = self._check(raw.get("check", _MISSING), at)
        if check is not None and setup is not None and solution is not _MISSING:
            self._cross(check, setup, solution, editable, at, index)
        if any(p is _MISSING for p in (goal, editable, solution)) or check is None:
            return None
        hints = tuple(raw["hints"]) if isinstance(raw.get("hints"), list) else ()
        line = self.lines.line(at)
        return Task(goal, setup or {}, tuple(editable), hints, solution, check, line)

    def _playground(self, raw: Any, at: tuple, answer: bool) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.report(at, f"'{at[-1]}' must be a table, not {kind_of(raw)}")
            return None
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if answer and key == ANSWER:
                validate = text(500)
            elif key == CODE:
                validate = code
            elif key in SETTINGS:
                validate = SETTINGS[key].check
            else:
                known = ", ".join(SETTINGS) + (f", {ANSWER}" if answer else "")
                self.report(at + (key,), f"unknown Playground field {key!r} (known: {known})")
                continue
            checked = self._value(value, at + (key,), validate)
            if checked is not _MISSING:
                values[key] = checked
        return values

    def _check(self, raw: Any, at: tuple) -> Check | None:
        where = at + ("check",)
        if raw is _MISSING:
            self.report(at, "missing 'check' table")
            return None
        if not isinstance(raw, dict):
            self.report(where, f"'check' must be a table, not {kind_of(raw)}")
            return None
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            known = ", ".join(KINDS)
            message = f"unknown check kind {kind!r}" if kind else "the check has no 'kind'"
            self.report(where + ("kind",), f"{message} (known: {known})")
            return None
        spec = KINDS[kind].params
        params: dict[str, Any] = {}
        for name, value in raw.items():
            if name == "kind":
                continue
            if name not in spec:
                allowed = ", ".join(spec)
                self.report(
                    where + (name,), f"unknown {kind} parameter {name!r} (allowed: {allowed})"
                )
                continue
            checked = self._value(value, where + (name,), spec[name].rule)
            if checked is not _MISSING:
                params[name] = checked
        for name, param in spec.items():
            if param.required and name not in raw:
                self.report(where, f"the {kind} check needs '{name}'")
        return Check(kind, params, self.lines.line(where + ("kind",)))

    def _cross(self, check: Check, setup: dict, solution: dict, editable: Any, at: tuple, i: int):
        """Rules between parts of a task: the check must fit the playground it checks."""
        where = at + ("check", "kind")
        kind = KINDS[check.kind]
        for values in (setup, {**setup, **solution}):
            mode = values.get("mode", "descend")
            if mode not in kind.modes:
                modes = " or ".join(kind.modes)
                self.report(where, f"task {i + 1}: {check.kind} checks mode {modes}, not {mode}")
                break
        if kind.answer:
            if editable is not _MISSING and ANSWER not in editable:
                self.report(where, f"task {i + 1}: {check.kind} needs 'answer' in editable")
            if ANSWER not in solution:
                self.report(at + ("solution",), f"task {i + 1}: the solution needs an 'answer'")
        if check.kind != "program" and editable is not _MISSING and CODE in editable:
            self.report(where, f"task {i + 1}: a code task is checked with kind program")
        if kind.fits is not None:
            for message in kind.fits(check, setup, solution, editable):
                self.report(where, f"task {i + 1}: {message}")

    def _unknown(self, table: dict, allowed: tuple[str, ...], at: tuple, what: str) -> None:
        for key in table:
            if key not in allowed:
                self.report(
                    at + (key,), f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})"
                )

    def _field(self, table: dict, key: str, at: tuple, validate) -> Any:
        if key not in table:
            self.report(at, f"missing '{key}'")
            return _MISSING
        return self._value(table[key], at + (key,), validate)

    def _value(self, value: Any, at: tuple, validate) -> Any:
        try:
            return validate(value)
        except Invalid as err:
            self.report(at, f"'{at[-1]}' {err}")
            return _MISSING


def _lesson_id(value: Any) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise Invalid("must be lowercase letters, digits and '-', such as 'first-gradient'")
    return value


def _table(value: Any) -> dict:
    if not isinstance(value, dict):
        raise Invalid("must be a table", kind_of(value))
    return value


def _table_list(value: Any) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Invalid("must be one or more [[tasks]] tables")
    if not 1 <= len(value) <= MAX_TASKS:
        raise Invalid(f"must hold 1 to {MAX_TASKS} tasks")
    return value


def _editable(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise Invalid("must be a non-empty list of field names")
    for name in value:
        if not isinstance(name, str) or (name not in (ANSWER, CODE) and name not in SETTINGS):
            known = ", ".join([*SETTINGS, ANSWER, CODE])
            raise Invalid(f"names an unknown Playground field {name!r} (known: {known})")
    return value


def _hints(value: Any) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= 3:
        raise Invalid("must be a list of 1 to 3 hints")
    return [text(1000)(v) for v in value]
