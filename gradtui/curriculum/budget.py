"""How much work a task's check may ask for, so that checking a lesson stays quick.

A check that runs the loop costs its steps times the numbers each step works on: the
parameters and the data points (``step_numbers``). A step has a fixed cost too (about that of
1,000 numbers here), so each counts as at least ``STEP_FLOOR``. One run of a check may cost
``MAX_CHECK_WORK``, and the checks of a lesson ``MAX_LESSON_WORK`` in all: a lesson of 20 tasks
of 100,000 steps on 5,000 numbers (ten billion) kept ``lessons check`` busy for half an hour.
The loader refuses a lesson that asks for more, naming the budget; a check refuses to run a
learner's playground beyond it. Image checks (mode images) are bounded by their epochs.
Imports no torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gradtui.curriculum.schema import Check, Task
    from gradtui.engine.training.playground import Playground

MAX_CHECK_WORK = 20_000_000
MAX_LESSON_WORK = 100_000_000
STEP_FLOOR = 1_000  # a step costs at least as much as this many numbers


@dataclass(frozen=True)
class Work:
    """The most a check's run may cost: ``steps`` steps on ``numbers`` numbers each."""

    steps: int
    numbers: int

    @property
    def units(self) -> int:
        return self.steps * max(self.numbers, STEP_FLOOR)

    def __str__(self) -> str:
        steps = f"{self.steps:,} step{'s' if self.steps != 1 else ''}"
        numbers = f"{self.numbers:,} number{'s' if self.numbers != 1 else ''}"
        return f"{steps} on {numbers} ({self.units:,} units of work)"


def over_budget(work: Work) -> str | None:
    """Why a check's run of ``work`` may not run (None when it may)."""
    if work.units <= MAX_CHECK_WORK:
        return None
    return (
        f"this check may run {work}; a check may ask for at most {MAX_CHECK_WORK:,} "
        f"(steps × numbers, each step counting at least {STEP_FLOOR:,})"
    )


def lesson_over_budget(total: int) -> str | None:
    """Why a lesson whose checks cost ``total`` units in all is refused (None if it is not)."""
    if total <= MAX_LESSON_WORK:
        return None
    return (
        f"the checks of this lesson may run {total:,} units of work in all; a lesson may ask "
        f"for at most {MAX_LESSON_WORK:,} (steps × numbers, each step counting at least "
        f"{STEP_FLOOR:,}): use fewer steps or fewer numbers"
    )


def task_work(task: Task) -> Work:
    """The most one run of ``task``'s check may cost, at its start or with its solution.

    When the learner may change ``max_steps``, the check's own limit counts; otherwise the
    playground's ``max_steps`` may stop the run sooner.
    """
    free = "max_steps" in task.editable
    costs = [
        check_work(task.check, pg, free) for pg in (task.playground(), task.solution_playground())
    ]
    return max(costs, key=lambda work: work.units)


def check_work(check: Check, pg: Playground, free_steps: bool = False) -> Work:
    """The most a run of ``check`` on ``pg`` may cost (``free_steps``: ignore its max_steps)."""
    steps = check_steps(check, pg, free_steps)
    return Work(steps, step_numbers(pg) if steps else 0)


def check_steps(check: Check, pg: Playground, free_steps: bool = False) -> int:
    """How many steps a run of ``check`` on ``pg`` may make, as its kind declares them (one
    for a check that probes ``fn`` once, the loop's steps, none for a typed answer); none
    for an image check (bounded by its epochs)."""
    from gradtui.curriculum.checks import KINDS

    kind = KINDS.get(check.kind)
    if pg.mode == "images" or kind is None:
        return 0
    return kind.steps(check.params, pg, free_steps)


def loop_steps(limit: int | None, pg: Playground, free_steps: bool, runs: int = 1) -> int:
    """The steps of ``runs`` runs of ``pg``'s loop up to ``limit`` (None: a check's most),
    never past ``MAX_CHECK_STEPS``, nor past ``pg``'s own max_steps unless ``free_steps``."""
    from gradtui.curriculum.schema import MAX_CHECK_STEPS

    limit = min(limit or MAX_CHECK_STEPS, MAX_CHECK_STEPS)
    if not free_steps and pg.max_steps is not None:
        limit = min(limit, pg.max_steps)
    return runs * limit


def step_numbers(pg: Playground) -> int:
    """The numbers one step of ``pg``'s loop works on: its parameters and its data points."""
    from gradtui.engine.expr.expr import compile_expr
    from gradtui.engine.training.examples import OUTLINES
    from gradtui.io.csvdata import INPUT_NAME, parse_csv_text

    random_start = pg.start.strip().lower() in ("", "random")
    params = 0 if random_start else sum(len(v.numbers) for v in pg.starting_values().values())
    if pg.mode != "fit":
        return params
    if pg.data_csv:
        rows, inputs = len(parse_csv_text(pg.data_csv)), {INPUT_NAME}
    else:
        outline = OUTLINES[pg.example](pg.seed)
        rows, inputs = len(outline.targets), set(outline.inputs)
    if random_start:  # one number per weight of the model
        params = sum(1 for name in compile_expr(pg.fn).variables if name not in inputs)
    return params + rows
