"""Hold a parsed lesson front matter to the schema, collecting every problem with its line."""

from __future__ import annotations

import math
import re
from typing import Any

from gradtui.curriculum.budget import lesson_over_budget, over_budget, task_work
from gradtui.curriculum.keylines import KeyLines
from gradtui.curriculum.schema import (
    ANSWER,
    ANSWER_KINDS,
    CHECK_KINDS,
    CODE,
    FIELD_KINDS,
    IMAGES_KINDS,
    LESSON_KEYS,
    MAX_CHECK_STEPS,
    MAX_CODE,
    MAX_TASKS,
    PROBE_KINDS,
    TASK_KEYS,
    Check,
    Lesson,
    LessonProblem,
    Task,
)
from gradtui.engine.autograd.numeric import DIFFERENCES
from gradtui.engine.expr.expr import ExprError, compile_expr
from gradtui.engine.expr.values import DTYPES, ValueParseError
from gradtui.engine.training.examples import EXAMPLES
from gradtui.engine.training.loop import STOP_REASONS, stop_rule_error
from gradtui.engine.training.playground import MAX_EPOCHS, MAX_LR, MODES, parse_start
from gradtui.safe_text import char_name, unsafe_char

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
_MISSING = object()


class _Invalid(ValueError):
    """A value that breaks its rule; the message says which."""


def _kind_of(value: Any) -> str:
    names = {bool: "true/false", int: "an integer", float: "a number", str: "text"}
    names.update({list: "a list", dict: "a table"})
    return names.get(type(value), type(value).__name__)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(f"must be a number, not {_kind_of(value)}")
    if not math.isfinite(value):
        raise _Invalid("must be a finite number")
    return float(value)


def _integer(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"must be an integer, not {_kind_of(value)}")
    if not low <= value <= high:
        raise _Invalid(f"must be between {low:,} and {high:,}")
    return value


def _text(value: Any, limit: int = 2000) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"must be text, not {_kind_of(value)}")
    if not value.strip():
        raise _Invalid("must not be empty")
    if len(value) > limit:
        raise _Invalid(f"is {len(value):,} characters long; the limit is {limit:,}")
    control = unsafe_char(value, allow_cr=False)  # a TOML escape such as \u001b makes one
    if control:
        raise _Invalid(f"holds {char_name(control)}: no control or bidi characters in lessons")
    return value


def _choice(value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise _Invalid(f"must be one of {', '.join(choices)}, not {value!r}")
    return value


def _positive(value: Any, what: str, high: float) -> float:
    value = _number(value)
    if not 0 < abs(value) <= high:
        raise _Invalid(f"must be {what}")
    return value


def _patience(value: Any) -> int:
    whole = isinstance(value, int) and not isinstance(value, bool)
    problem = whole and stop_rule_error("patience", value)
    if problem:
        raise _Invalid(problem)
    return _integer(value, 1, MAX_CHECK_STEPS)


def _seconds(value: Any, high: float) -> float:
    value = _number(value)
    problem = stop_rule_error("time_budget", value)
    if problem:
        raise _Invalid(problem)
    if value > high:
        raise _Invalid(f"must be at most {high:g} seconds")
    return value


def _fraction(value: Any) -> float:
    value = _number(value)
    if not 0 <= value <= 1:
        raise _Invalid("must be between 0 and 1")
    return value


def _tol(value: Any) -> float:
    value = _number(value)
    if value < 0:
        raise _Invalid("must be 0 or more")
    return value


def _expr(value: Any) -> str:
    try:
        compile_expr(_text(value, 1000))
    except ExprError as err:
        raise _Invalid(f"is not a usable expression: {err}") from None
    return value


def _start(value: Any) -> str:
    text = _text(value, 10_000)
    if text.strip().lower() != "random":
        try:
            parse_start(text)
        except ValueParseError as err:
            raise _Invalid(f"is not a usable starting value: {err}") from None
    return text


def _numbers(value: Any) -> float | list[float]:
    if isinstance(value, list):
        if not value or len(value) > 10_000:
            raise _Invalid("must hold 1 to 10,000 numbers")
        return [_number(v) for v in value]
    return _number(value)


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _Invalid(f"must be a non-empty list of text, not {_kind_of(value)}")
    return [_text(v, 200) for v in value]


def _name(value: Any) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise _Invalid("must be a variable name such as x")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false, not {_kind_of(value)}")
    return value


def _csv(value: Any) -> str:
    from gradtui.io.csvdata import CsvError, parse_csv_text

    text = _text(value, 100_000)
    try:
        parse_csv_text(text, "data_csv")
    except CsvError as err:
        where = f"line {err.line} of the data: " if err.line else ""
        raise _Invalid(f"is not usable data: {where}{err.message}") from None
    return text


def _code(value: Any) -> str:
    """A program's text (a starter may hold blanks: it is compiled only when it runs)."""
    if not isinstance(value, str):
        raise _Invalid(f"must be text, not {_kind_of(value)}")
    if len(value) > MAX_CODE:
        raise _Invalid(f"is {len(value):,} characters long; the limit is {MAX_CODE:,}")
    control = unsafe_char(value, allow_cr=False)
    if control:
        raise _Invalid(f"holds {char_name(control)}: no control or bidi characters in lessons")
    return value


def _program(value: Any, inputs: str = "") -> str:
    """A program that gradtui's subset accepts as it is."""
    from gradtui.engine.program import ProgramRefused, compile_program
    from gradtui.engine.program.inputs import input_names

    text = _code(value)
    try:
        compile_program(text, input_names(inputs))
    except ProgramRefused as refused:
        raise _Invalid(f"is refused: {refused}") from None
    return text


def _inputs(value: Any) -> str:
    from gradtui.engine.program.inputs import INPUT_SETS

    return _choice(value, tuple(INPUT_SETS))


VALIDATORS = {
    "mode": lambda v: _choice(v, MODES),
    "expr": _expr,
    "start": _start,
    "lr": lambda v: _positive(v, f"a non-zero number up to {MAX_LR:g}", MAX_LR),
    "dtype": lambda v: _choice(v, DTYPES),
    "steps": lambda v: _integer(v, 0, MAX_CHECK_STEPS),
    "positive_int": lambda v: _integer(v, 1, MAX_CHECK_STEPS),
    "number": _number,
    "seconds": lambda v: _seconds(v, 3600),
    "patience": _patience,
    "bool": _bool,
    "example": lambda v: _choice(v, tuple(EXAMPLES)),
    "seed": lambda v: _integer(v, 0, 2**32 - 1),
    "h": lambda v: _positive(v, "a non-zero number up to 1e6", 1e6),
    "numbers": _numbers,
    "tol": _tol,
    "text": lambda v: _text(v, 500),
    "texts": _texts,
    "name": _name,
    "reason": lambda v: _choice(v, STOP_REASONS),
    "difference": lambda v: _choice(v, tuple(DIFFERENCES)),
    "csv": _csv,
    "epochs": lambda v: _integer(v, 1, MAX_EPOCHS),
    "fraction": _fraction,
    "code": _code,
    "program": _code,  # compiled in _cross, with the check's inputs
    "inputs": _inputs,
}


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
        title = self._field(doc, "title", (), lambda v: _text(v, 100))
        order = self._field(doc, "order", (), lambda v: _integer(v, -(10**6), 10**6))
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
        goal = self._field(raw, "goal", at, lambda v: _text(v, 300))
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
            self.report(at, f"'{at[-1]}' must be a table, not {_kind_of(raw)}")
            return None
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if answer and key == ANSWER:
                validate = VALIDATORS["text"]
            elif key == CODE:
                validate = VALIDATORS["code"]
            elif key in FIELD_KINDS:
                validate = VALIDATORS[FIELD_KINDS[key]]
            else:
                known = ", ".join(FIELD_KINDS) + (f", {ANSWER}" if answer else "")
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
            self.report(where, f"'check' must be a table, not {_kind_of(raw)}")
            return None
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in CHECK_KINDS:
            known = ", ".join(CHECK_KINDS)
            message = f"unknown check kind {kind!r}" if kind else "the check has no 'kind'"
            self.report(where + ("kind",), f"{message} (known: {known})")
            return None
        spec = CHECK_KINDS[kind]
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
            checked = self._value(value, where + (name,), VALIDATORS[spec[name][0]])
            if checked is not _MISSING:
                params[name] = checked
        for name, (_, required) in spec.items():
            if required and name not in raw:
                self.report(where, f"the {kind} check needs '{name}'")
        return Check(kind, params, self.lines.line(where + ("kind",)))

    def _cross(self, check: Check, setup: dict, solution: dict, editable: Any, at: tuple, i: int):
        """Rules between parts of a task: the check must fit the playground it checks."""
        where = at + ("check", "kind")
        if check.kind in PROBE_KINDS:
            for name, values in (("setup", setup), ("solution", {**setup, **solution})):
                if values.get("mode", "descend") != "descend":
                    self.report(
                        where, f"{check.kind} probes fn at start: the {name} needs mode descend"
                    )
                    break
        modes = {setup.get("mode", "descend"), {**setup, **solution}.get("mode", "descend")}
        if "images" in modes and check.kind not in IMAGES_KINDS:
            allowed = " or ".join(sorted(IMAGES_KINDS))
            self.report(where, f"task {i + 1}: mode images is checked with {allowed}")
        elif check.kind == "accuracy_at_least" and modes != {"images"}:
            self.report(where, f"task {i + 1}: accuracy_at_least needs mode images")
        self._cross_code(check, setup, solution, editable, at, i)
        if check.kind in ANSWER_KINDS:
            if editable is not _MISSING and ANSWER not in editable:
                self.report(where, f"task {i + 1}: {check.kind} needs 'answer' in editable")
            if ANSWER not in solution:
                self.report(at + ("solution",), f"task {i + 1}: the solution needs an 'answer'")

    def _cross_code(self, check: Check, setup: dict, solution: dict, editable: Any, at, i: int):
        """A code task: starter code, a reference program that compiles, a program check."""
        where = at + ("check", "kind")
        coded = editable is not _MISSING and CODE in editable
        if check.kind != "program":
            if coded:
                self.report(where, f"task {i + 1}: a code task is checked with kind program")
            return
        if not coded:
            self.report(where, f"task {i + 1}: the program check needs 'code' in editable")
        if CODE not in setup:
            self.report(at + ("setup",), f"task {i + 1}: a code task needs starter 'code'")
        inputs = check.get("inputs", "")
        for name, table in (("solution", solution), ("check", check.params)):
            key = CODE if name == "solution" else "reference"
            if key in table:
                try:
                    _program(table[key], inputs)
                except _Invalid as err:
                    self.report(at + (name, key), f"task {i + 1}: '{key}' {err}")
            elif name == "solution":
                self.report(at + ("solution",), f"task {i + 1}: the solution needs its 'code'")
        params = check.params
        conditions = ("value", "at_least", "below", "loss_below", "error", "reference", "uses")
        if not any(c in params for c in conditions):
            self.report(where, f"task {i + 1}: the program check names nothing that must hold")
        if any(c in params for c in ("value", "at_least", "below")) and "variable" not in params:
            self.report(where, f"task {i + 1}: value, at_least and below need 'variable'")
        if "message" in params and "error" not in params:
            self.report(where, f"task {i + 1}: 'message' goes with 'error'")

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
        except _Invalid as err:
            self.report(at, f"'{at[-1]}' {err}")
            return _MISSING


def _lesson_id(value: Any) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _Invalid("must be lowercase letters, digits and '-', such as 'first-gradient'")
    return value


def _table(value: Any) -> dict:
    if not isinstance(value, dict):
        raise _Invalid(f"must be a table, not {_kind_of(value)}")
    return value


def _table_list(value: Any) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Invalid("must be one or more [[tasks]] tables")
    if not 1 <= len(value) <= MAX_TASKS:
        raise _Invalid(f"must hold 1 to {MAX_TASKS} tasks")
    return value


def _editable(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _Invalid("must be a non-empty list of field names")
    for name in value:
        if not isinstance(name, str) or (name not in (ANSWER, CODE) and name not in FIELD_KINDS):
            known = ", ".join([*FIELD_KINDS, ANSWER, CODE])
            raise _Invalid(f"names an unknown Playground field {name!r} (known: {known})")
    return value


def _hints(value: Any) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= 3:
        raise _Invalid("must be a list of 1 to 3 hints")
    return [_text(v, 1000) for v in value]
