"""The check kinds, and how a task's declarative check is evaluated on a learner's playground.

Each kind is one entry of ``KINDS``, made by ``@check_kind`` on its function: the parameters
a lesson file may give it (each with its rule, from ``curriculum.rules``), the modes it can
check, whether it judges a typed answer, and how many loop steps it may run (the work
budget). The lesson validator, the budget and ``evaluate`` read nothing else.

Each check is a small function of (params, playground, answer, cancelled). Bad learner input
(an expression that does not compile, a value torch refuses, a run that errors) never raises:
the check simply does not pass, and its detail says why. Torch is imported only while
evaluating.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gradtui.curriculum import rules
from gradtui.curriculum.budget import Work, loop_steps, over_budget, step_numbers
from gradtui.curriculum.schema import (
    CODE,
    DEFAULT_REL_TOL,
    DEFAULT_TOL,
    MAX_CHECK_STEPS,
    Check,
    Lesson,
    LessonProblem,
)
from gradtui.engine.autograd.numeric import DIFFERENCES
from gradtui.engine.training.loop import STOP_REASONS
from gradtui.engine.training.playground import Playground

# ExprError, ValueParseError and TorchError are ValueErrors.
LEARNER_ERRORS = (ValueError, TypeError, RuntimeError, ArithmeticError)
Cancelled = Callable[[], bool]  # asked between steps: True stops the check (CheckCancelled)


def _never() -> bool:
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


def _probe_steps(params: Mapping, pg: Playground, free: bool) -> int:
    return 1  # fn evaluated once at its start


def _loop(param: str, default: int | None = None, runs: int = 1, extra: int = 0) -> Steps:
    """``steps`` of a kind that runs the loop up to its parameter ``param`` (+ ``extra``)."""

    def steps(params: Mapping, pg: Playground, free: bool) -> int:
        limit = params.get(param, default)
        return loop_steps(None if limit is None else limit + extra, pg, free, runs)

    return steps


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
    cancelled: Cancelled = _never,
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


# --- the autograd probe: fn at start --------------------------------------------------------


def _probe(pg: Playground) -> Any:
    from gradtui.engine.autograd.probe import probe

    if pg.mode != "descend":
        raise ValueError("this check looks at fn at its start value: it needs mode 'descend'")
    return probe(pg.fn, pg.starting_values(), dtype=pg.dtype)


def _variable(result: Any, params: Mapping[str, Any]) -> str:
    name = params.get("variable")
    if name is None:
        if len(result.grads) != 1:
            raise ValueError(f"fn has several variables ({', '.join(result.grads)}): which one?")
        return next(iter(result.grads))
    if name not in result.grads:
        raise ValueError(f"fn does not use the variable '{name}'")
    return name


def _close(actual: Any, expected: Any, tol: float) -> tuple[bool, str]:
    """Do two numbers, or two lists of numbers, match within ``tol``? And if not, why not."""
    got = actual if isinstance(actual, list) else [actual]
    want = expected if isinstance(expected, list) else [expected]
    if isinstance(actual, list) != isinstance(expected, list) or len(got) != len(want):
        return False, f"{len(got)} number(s) where {len(want)} are wanted"
    worst = max(abs(g - w) for g, w in zip(got, want, strict=True))
    how = f"off by {worst:.4g}, tolerance {tol:g}" if worst else "exactly"
    return worst <= tol, how  # a nan is never close


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return f"{value:g}"


@check_kind(
    "grad_equals",
    params={
        "value": Param(rules.numbers, required=True),
        "tol": Param(rules.tol),
        "variable": Param(rules.name),
    },
    modes=("descend",),
    steps=_probe_steps,
)
def check_grad_equals(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    result = _probe(pg)
    name = _variable(result, params)
    grad = result.grads[name]
    if grad is None:
        return CheckResult(False, f"{name}.grad is None: y does not depend on {name}")
    ok, how = _close(grad, params["value"], params.get("tol", DEFAULT_TOL))
    goal = _show(params["value"])
    return CheckResult(ok, f"{name}.grad is {result.grad_reprs[name]}; the goal is {goal} ({how})")


@check_kind(
    "value_equals",
    params={"value": Param(rules.numbers, required=True), "tol": Param(rules.tol)},
    modes=("descend",),
    steps=_probe_steps,
)
def check_value_equals(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    result = _probe(pg)
    ok, how = _close(result.value, params["value"], params.get("tol", DEFAULT_TOL))
    return CheckResult(
        ok, f"y is {result.value_repr}; the goal is {_show(params['value'])} ({how})"
    )


@check_kind(
    "grad_fn_is",
    params={"name": Param(rules.text(500), required=True)},
    modes=("descend",),
    steps=_probe_steps,
)
def check_grad_fn_is(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    result = _probe(pg)
    want = params["name"]
    return CheckResult(
        result.grad_fn == want, f"y has grad_fn=<{result.grad_fn}>; the goal is <{want}>"
    )


@check_kind(
    "error_is",
    params={"fragment": Param(rules.text(500), required=True)},
    modes=("descend",),
    steps=_probe_steps,
)
def check_error_is(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    try:
        result = _probe(pg)
    except LEARNER_ERRORS as err:
        text = str(err)
        return CheckResult(params["fragment"].lower() in text.lower(), text)
    grads = ", ".join(f"{n}.grad = {r}" for n, r in result.grad_reprs.items())
    return CheckResult(False, f"no error: y = {result.value_repr}, {grads}")


@check_kind(
    "finite_difference_close",
    params={
        "tol": Param(rules.tol, required=True),
        "variable": Param(rules.name),
        "difference": Param(rules.choice(tuple(DIFFERENCES))),
    },
    modes=("descend",),
    steps=lambda params, pg, free: 1 + step_numbers(pg),  # fn once, then once per number
)
def check_finite_difference_close(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    """The forward (default) or central difference at ``h`` is within ``tol`` of ``.grad``."""
    from gradtui.engine.autograd.numeric import differences
    from gradtui.engine.expr.expr import compile_expr
    from gradtui.engine.training.problem import name_values

    result = _probe(pg)
    name = _variable(result, params)
    expr = compile_expr(pg.fn)
    values = name_values(expr, pg.starting_values())
    tensors = {n: v.to_tensor(pg.dtype) for n, v in values.items()}
    kind = params.get("difference", "forward")
    slope = differences(kind, expr, tensors, pg.h)[name].tolist()
    ok, how = _close(slope, result.grads[name], params["tol"])
    formula = DIFFERENCES[kind].replace("x", name)
    detail = (
        f"with h = {pg.h:g}, {formula} = {_show(slope)} and "
        f"{name}.grad = {_show(result.grads[name])} ({how})"
    )
    return CheckResult(ok, detail)


@check_kind(
    "answer_is",
    params={"accept": Param(rules.texts, required=True)},
    modes=LOOP_MODES,
    answer=True,
)
def check_answer_is(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    given = normalise_answer(answer)
    if not given:
        return CheckResult(False, "no answer typed yet")
    ok = given in {normalise_answer(a) for a in params["accept"]}
    return CheckResult(
        ok, f"'{answer.strip()}' is right" if ok else f"'{answer.strip()}' is not it"
    )


@check_kind(
    "answer_near",
    params={"value": Param(rules.number, required=True), "rel_tol": Param(rules.tol)},
    modes=LOOP_MODES,
    answer=True,
)
def check_answer_near(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    """The typed answer is a number within ``rel_tol`` (relative) of ``value``."""
    typed = answer.strip()
    if not typed:
        return CheckResult(False, "no answer typed yet")
    try:
        number = float(typed.replace(" ", "").replace("_", ""))
    except ValueError:
        return CheckResult(False, f"'{typed}' is not a number (type it as 0.0123 or 1.23e-2)")
    value, tol = params["value"], params.get("rel_tol", DEFAULT_REL_TOL)
    ok = math.isfinite(number) and abs(number - value) <= tol * abs(value)
    return CheckResult(ok, f"'{typed}' is right" if ok else f"'{typed}' is not it")


def normalise_answer(text: str) -> str:
    """Lowercase, without spaces or punctuation: ``'Step 5.'`` becomes ``'step5'``."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


# --- the loop: run the playground's seven steps ---------------------------------------------


@dataclass(frozen=True)
class _Run:
    stop: Any
    capped: bool  # the check's step limit, not the learner's rules, ended the run
    kept: Any = None  # the StepRecord asked for, if the run got that far


def _run(pg: Playground, limit: int, cancelled: Cancelled, keep: int | None = None) -> _Run:
    """Run the playground's loop, never past ``limit`` (nor ``MAX_CHECK_STEPS``) steps, nor
    past the work budget (a ``ValueError`` saying so); ``cancelled`` is asked at each step."""
    from gradtui.engine.training.loop import StepRecord

    limit = min(limit, MAX_CHECK_STEPS)
    own = pg.max_steps
    steps = limit if own is None or own > limit else own
    problem = over_budget(Work(steps, step_numbers(pg)))
    if problem:
        raise ValueError(f"{problem}: use fewer numbers")
    stepper = pg.with_(max_steps=steps).stepper()
    kept = None
    for item in stepper.run():
        if cancelled():
            raise CheckCancelled
        if isinstance(item, StepRecord) and item.step == keep:
            kept = item
    stop = stepper.stopped
    capped = stop.reason == "max_steps" and steps == limit and (own is None or own > limit)
    return _Run(stop, capped, kept)


def _ended(stop: Any) -> str:
    from gradtui.engine.training.loop import STOP_WORDS

    words = STOP_WORDS.get(stop.reason, stop.reason)
    return f"the run stopped after {stop.steps} step(s) ({words}) with loss {stop.loss:.6g}"


@check_kind(
    "loss_below_within_steps",
    params={
        "loss": Param(rules.number, required=True),
        "steps": Param(rules.positive_int, required=True),
    },
    modes=LOOP_MODES,
    steps=_loop("steps"),
)
def check_loss_below_within_steps(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    goal, steps = params["loss"], params["steps"]
    stop = _run(pg, steps, cancelled).stop
    if stop.reason in ("error", "diverged"):
        return CheckResult(False, stop.message, stop.steps)
    ok = stop.loss < goal
    detail = f"{_ended(stop)}; the goal is below {goal:g} within {steps} steps"
    return CheckResult(ok, detail, stop.steps)


@check_kind(
    "stop_reason_is",
    params={
        "reason": Param(rules.choice(STOP_REASONS), required=True),
        "within": Param(rules.positive_int),
        "loss_at_most": Param(rules.number),
    },
    modes=LOOP_MODES,
    steps=_loop("within"),
)
def check_stop_reason_is(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    reason, within = params["reason"], params.get("within", MAX_CHECK_STEPS)
    run = _run(pg, within, cancelled)
    stop = run.stop
    wanted = f"the goal is to stop as '{reason}'"
    if "within" in params:
        wanted += f" within {within} steps"
    if run.capped:
        detail = f"the run was still going after {within} steps; {wanted}"
        return CheckResult(False, detail, stop.steps)
    ok = stop.reason == reason
    limit = params.get("loss_at_most")
    if ok and limit is not None and not stop.loss <= limit:
        ok, wanted = False, f"{wanted} with loss at most {limit:g}"
    return CheckResult(ok, f"{_ended(stop)}, reason '{stop.reason}'; {wanted}", stop.steps)


@check_kind(
    "diverges",
    params={"within": Param(rules.positive_int, required=True)},
    modes=(*LOOP_MODES, "images"),  # in images mode ``within`` counts epochs
    steps=_loop("within"),
)
def check_diverges(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    within = params["within"]
    if pg.mode == "images":
        return _classifier_diverges(pg, within, cancelled)
    run = _run(pg, within, cancelled)
    stop = run.stop
    if run.capped:
        detail = f"no divergence within {within} steps (loss {stop.loss:.6g})"
        return CheckResult(False, detail, stop.steps)
    return CheckResult(stop.reason == "diverged", _ended(stop), stop.steps)


@check_kind(
    "grads_accumulate",
    params={"step": Param(rules.positive_int), "tol": Param(rules.tol)},
    modes=LOOP_MODES,
    steps=_loop("step", default=1, runs=2, extra=1),  # with and without zeroing
)
def check_grads_accumulate(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    step, tol = params.get("step", 1), params.get("tol", 1e-6)
    mine = _run(pg, step + 1, cancelled, keep=step).kept
    clean = _run(pg.with_(zero_grad=True), step + 1, cancelled, keep=step).kept
    if mine is None or clean is None:
        return CheckResult(False, f"the run stopped before step {step}", step)
    worst = 0.0
    for name, grad in mine.grads.items():
        got, want = _flat(grad), _flat(clean.grads[name])
        worst = max([worst, *(abs(g - w) for g, w in zip(got, want, strict=True))])
    shown = ", ".join(f"{n}.grad = {_show(g)}" for n, g in mine.grads.items())
    zeroed = ", ".join(f"{_show(g)}" for g in clean.grads.values())
    ok = worst > tol or math.isnan(worst)
    same = "it has piled up" if ok else "the same: nothing piles up"
    detail = f"at step {step}, {shown}; zeroed each step it would be {zeroed}: {same}"
    return CheckResult(ok, detail, step)


# --- the image classifier (mode "images"): train the linear model on pullovers and dresses --


def _trainer(pg: Playground, epochs: int) -> Any:
    from gradtui.engine.training.classifier import LinearTrainer
    from gradtui.io.fashion import load_pullover_dress

    if pg.mode != "images":
        raise ValueError("this check trains the image classifier: it needs mode 'images'")
    data = load_pullover_dress()  # DataNotFound (a ValueError) says how to get it
    return LinearTrainer(data, lr=pg.lr, epochs=min(pg.epochs, epochs), seed=pg.seed)


@check_kind(
    "accuracy_at_least",
    params={
        "accuracy": Param(rules.fraction, required=True),
        "epochs": Param(rules.setting("epochs"), required=True),
    },
    modes=("images",),
)
def check_accuracy_at_least(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    from gradtui.engine.training.classifier import EpochRecord

    goal, epochs = params["accuracy"], params["epochs"]
    wanted = f"the goal is at least {goal:g} within {epochs} epochs"
    trainer = _trainer(pg, epochs)
    best = 0.0
    for item in trainer.run():
        if cancelled():
            raise CheckCancelled
        if isinstance(item, EpochRecord):
            best = max(best, item.accuracy)
            if item.accuracy >= goal:
                detail = f"test accuracy {item.accuracy:.4f} after epoch {item.epoch}; {wanted}"
                return CheckResult(True, detail, item.epoch)
    end = trainer.ended
    detail = f"{end.message}; best test accuracy {best:.4f}; {wanted}"
    return CheckResult(False, detail, end.epochs)


def _classifier_diverges(pg: Playground, within: int, cancelled: Cancelled) -> CheckResult:
    trainer = _trainer(pg, within)
    for _ in trainer.run():
        if cancelled():
            raise CheckCancelled
    end = trainer.ended
    if end.reason == "diverged":
        return CheckResult(True, f"{end.message} (test accuracy {end.accuracy:.4f})", end.epochs)
    detail = f"no divergence within {trainer.epochs} epochs: test accuracy {end.accuracy:.4f}"
    return CheckResult(False, detail, end.epochs)


def _flat(grad: Any) -> list[float]:
    if grad is None:
        return [0.0]
    return grad if isinstance(grad, list) else [grad]


# --- the learner's code (the task's "code" field), run in gradtui's PyTorch subset -----------


def _program_fits(check: Check, setup: Mapping, solution: Mapping, editable: Any) -> list[str]:
    """A code task: starter code, a solution and a reference that compile with the check's
    inputs, and a check that names something that must hold."""
    from gradtui.curriculum.program_check import CONDITIONS

    problems = []
    if not (isinstance(editable, list | tuple) and CODE in editable):
        problems.append("the program check needs 'code' in editable")
    if CODE not in setup:
        problems.append("a code task needs starter 'code'")
    params = check.params
    given = params.get("inputs", "")
    for key, table in ((CODE, solution), ("reference", params)):
        if key in table:
            try:
                rules.program(table[key], given)
            except rules.Invalid as err:
                problems.append(f"'{key}' {err}")
        elif key == CODE:
            problems.append("the solution needs its 'code'")
    if not any(c in params for c in CONDITIONS):
        problems.append("the program check names nothing that must hold")
    if any(c in params for c in ("value", "at_least", "below")) and "variable" not in params:
        problems.append("value, at_least and below need 'variable'")
    if "message" in params and "error" not in params:
        problems.append("'message' goes with 'error'")
    return problems


@check_kind(
    "program",
    params={
        "inputs": Param(rules.inputs),
        "variable": Param(rules.name),
        "value": Param(rules.numbers),
        "tol": Param(rules.tol),
        "at_least": Param(rules.number),
        "below": Param(rules.number),
        "loss_below": Param(rules.number),
        "steps": Param(rules.positive_int),
        "error": Param(rules.name),
        "message": Param(rules.text(500)),
        "reference": Param(rules.code),  # compiled by fits, with the check's inputs
        "compare": Param(rules.texts),
        "uses": Param(rules.texts),
    },
    modes=LOOP_MODES,
    fits=_program_fits,
)
def check_program(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = _never
) -> CheckResult:
    """Run the learner's code (``answer``) and judge what holds after it (program_check.py)."""
    from gradtui.curriculum.program_check import check_program as run_and_judge

    return run_and_judge(params, pg, answer, cancelled)


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
