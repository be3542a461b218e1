"""The check kinds' registry, and how a task's declarative check is evaluated.

Each kind is one entry of ``KINDS``, made by ``@check_kind`` on its function (in this
package's modules, one family each): the parameters a lesson file may give it (each with its
rule, from ``curriculum.rules``), the modes it can check, whether it judges a typed answer,
and how many loop steps it may run (the work budget). The lesson validator, the budget and
``evaluate`` read nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gradtui.curriculum import rules
from gradtui.curriculum.schema import Check, Lesson, LessonProblem
from gradtui.engine.training.playground import Playground

# ExprError, ValueParseError and TorchError are ValueErrors.
LEARNER_ERRORS = (ValueError, TypeError, RuntimeError, ArithmeticError)
Cancelled = Callable[[], bool]  # asked between steps: True stops the check (CheckCancelled)


def never() -> bool:
    """The default ``cancelled``: a check that nobody stops."""
    return False


@dataclass(frozen=True)
class Param:
    """A parameter of a check kind: the rule its value is held to, and whether it must be
    given."""

    rule: rules.Rule
    required: bool = False


Steps = Callable[[Mapping[str, Any], Playground, bool], int]


@dataclass(frozen=True)
class CheckKind:
    """Everything about one check kind, declared with its function (``@check_kind``).

    ``modes``: the playground modes it can check (a task in another mode is refused).
    ``answer``: it judges a typed answer, so the task needs ``answer`` in editable and in its
    solution. ``steps(params, playground, free_steps)``: the most loop steps one evaluation
    may run (``curriculum.budget``). ``fits(check, setup, solution, editable)``: the kind's
    own rules about the task around it, as messages (none by default).
    """

    name: str
    run: Callable[[Mapping, Playground, str, Cancelled], CheckResult]
    params: Mapping[str, Param]
    modes: tuple[str, ...]
    answer: bool = False
    steps: Steps = lambda params, pg, free: 0
    fits: Callable[..., list[str]] | None = None


KINDS: dict[str, CheckKind] = {}
LOOP_MODES = ("descend", "fit")


def check_kind(name: str, *, params: Mapping[str, Param], modes: tuple[str, ...], **more: Any):
    """Register the decorated function as check kind ``name`` (see ``CheckKind``)."""

    def register(run: Callable) -> Callable:
        KINDS[name] = CheckKind(name, run, params, modes, **more)
        return run

    return register


class CheckCancelled(Exception):
    """The check was stopped before its end (a newer check replaced it, or the app quit)."""


@dataclass(frozen=True)
class CheckResult:
    """Whether the check passed, and a sentence saying what was seen.

    ``steps``: for a check that runs the loop, the step (epoch, for the image classifier) of
    the run at which the verdict was read; a screen shows the verdict once its own run of the
    same settings has got there (None: the check runs nothing the learner has to watch).
    """

    passed: bool
    detail: str
    steps: int | None = None


def evaluate(
    check: Check | Mapping[str, Any],
    playground: Playground,
    answer: str = "",
    cancelled: Cancelled = never,
) -> CheckResult:
    """Run ``check`` on ``playground`` (and the typed ``answer``); never raises for bad input.

    Checks that run the loop may work up to the budget of ``curriculum.budget`` (a check over
    it does not pass, and says so): call this off the UI thread. ``cancelled`` is asked
    between steps (and epochs); when it returns True, ``CheckCancelled`` is raised.
    """
    if isinstance(check, Check):
        kind, params = check.kind, dict(check.params)
    else:
        params = dict(check)
        kind = params.pop("kind", None)
    entry = KINDS.get(kind) if isinstance(kind, str) else None
    if entry is None:
        return CheckResult(False, f"unknown check kind {kind!r}")
    missing = [n for n, p in entry.params.items() if p.required and n not in params]
    if missing:
        return CheckResult(False, f"the {kind} check needs {', '.join(missing)}")
    try:
        return entry.run(params, playground, answer, cancelled)
    except LEARNER_ERRORS as err:
        return CheckResult(False, _error_text(err))


def _error_text(err: BaseException) -> str:
    from gradtui.engine.expr.syntax import pointed

    return pointed(err)


def close(actual: Any, expected: Any, tol: float) -> tuple[bool, str]:
    """Do two numbers, or two lists of numbers, match within ``tol``? And if not, why not."""
    got = actual if isinstance(actual, list) else [actual]
    want = expected if isinstance(expected, list) else [expected]
    if isinstance(actual, list) != isinstance(expected, list) or len(got) != len(want):
        return False, f"{len(got)} number(s) where {len(want)} are wanted"
    worst = max(abs(g - w) for g, w in zip(got, want, strict=True))
    how = f"off by {worst:.4g}, tolerance {tol:g}" if worst else "exactly"
    return worst <= tol, how  # a nan is never close


def show(value: Any) -> str:
    """A number, or a list of them, as a check's detail writes it (``%g``)."""
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return f"{value:g}"


def verify_lesson(lesson: Lesson) -> list[LessonProblem]:
    """Every task must fail at its start and pass with its reference solution."""
    problems = []
    for i, task in enumerate(lesson.tasks, 1):
        start = evaluate(task.check, task.playground(), task.start_answer)
        if start.passed:
            message = f"task {i}: the check already passes at the start ({start.detail})"
            problems.append(LessonProblem(lesson.path, task.line, message))
        solved = evaluate(task.check, task.solution_playground(), task.solution_answer)
        if not solved.passed:
            message = f"task {i}: the reference solution does not pass ({solved.detail})"
            problems.append(LessonProblem(lesson.path, task.line, message))
    return problems
