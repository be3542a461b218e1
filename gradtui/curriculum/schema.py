"""Lessons as data: ``Lesson``, ``Task``, ``Check``, and the rules lesson files are held to.

A lesson file is untrusted input, so everything here is plain data: the loader builds these
objects only after the file passed every rule, and the checks are evaluated by the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gradtui.engine.training.playground import Playground
from gradtui.safe_text import clean

ANSWER = "answer"  # the special editable field: a typed answer, not a Playground field
CODE = "code"  # the other one: a program typed in the loop playground's editor
MAX_CODE = 20_000  # characters of a program (as gradtui's PyTorch subset allows)
MAX_ANSWER = 1_000  # characters of a typed answer (its field, and the saved progress)
MAX_CHECK_STEPS = 100_000  # no check runs the loop longer than this
MAX_FILE_BYTES = 256 * 1024
MAX_TASKS = 20
DEFAULT_TOL = 1e-4

LESSON_KEYS = ("id", "title", "order", "tasks")
TASK_KEYS = ("goal", "setup", "editable", "hints", "solution", "check")

# answer_near's default: the typed number may be off by 1% (a value read off a view, which
# shows three significant digits, is within 0.5%).
DEFAULT_REL_TOL = 0.01


@dataclass(frozen=True)
class LessonProblem:
    """One thing wrong with a lesson file, printed as ``file:line: message``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        """``file:line: message``, safe to print: a message may quote the file's text."""
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return clean(f"{where}: {self.message}")


@dataclass(frozen=True)
class Check:
    """A declarative check: its ``kind`` (a key of ``checks.KINDS``) and its parameters."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass(frozen=True)
class Task:
    """One goal inside a lesson: how the playground starts, what may change, how it is checked.

    ``setup`` and ``solution`` map Playground field names (and, in ``solution``, ``answer``)
    to values; ``editable`` lists the fields the learner may change.
    """

    goal: str
    setup: Mapping[str, Any]
    editable: tuple[str, ...]
    hints: tuple[str, ...]
    solution: Mapping[str, Any]
    check: Check
    line: int = 0

    def playground(self, inputs: Mapping[str, Any] | None = None) -> Playground:
        """The starting playground, with the learner's ``inputs`` to editable fields applied.

        ``inputs`` holds Playground values (already parsed, e.g. by ``parse_fields``); keys
        that are not editable, and ``answer``, are ignored.
        """
        changes = {k: v for k, v in self.setup.items() if k != CODE}
        for name, value in (inputs or {}).items():
            if name in self.editable and name not in (ANSWER, CODE):
                changes[name] = value
        return Playground(**changes)

    def solution_playground(self) -> Playground:
        """The playground with the reference solution typed in."""
        return self.playground(self.solution)

    @property
    def solution_answer(self) -> str:
        """The reference typed answer, or the reference code of a code task ('' for none)."""
        if self.is_code:
            return str(self.solution.get(CODE, ""))
        return str(self.solution.get(ANSWER, ""))

    @property
    def is_code(self) -> bool:
        """A code task: the learner writes a program in the loop playground."""
        return CODE in self.editable

    @property
    def start_answer(self) -> str:
        """What the check sees before the learner did anything: the starter code of a code
        task, no answer otherwise."""
        return str(self.setup.get(CODE, "")) if self.is_code else ""

    @property
    def inputs(self) -> str:
        """The input set a code task's program is given ('' for none)."""
        return str(self.check.get("inputs", "")) if self.check.kind == "program" else ""


@dataclass(frozen=True)
class Lesson:
    """A lesson: id, title, order, the Markdown prose and its tasks."""

    id: str
    title: str
    order: int
    body: str
    tasks: tuple[Task, ...]
    path: str = ""
    line: int = 1
