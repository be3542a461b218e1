"""The playground's settings as typed by a learner, and what the engine makes of them.

The sandbox edits a ``Playground``; a lesson task sets one up and checks it. Every text field
is kept as typed, and turned into engine objects (``problem()``, ``rules()``) on demand, so
an invalid entry raises a clear error and never replaces the last good state.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from gradtui.engine.examples import EXAMPLES, example_problem
from gradtui.engine.expr import compile_expr
from gradtui.engine.loop import Stepper, StopRules
from gradtui.engine.problem import Problem, descend_problem, fit_problem
from gradtui.engine.values import ValueParseError, Values, parse_assignments

MODES = ("descend", "fit")


@dataclass(frozen=True)
class Playground:
    """Everything a learner can set: function or model, start, lr, dtype, stop rules.

    ``start``: ``3.`` or ``3,5,12`` for one variable, ``x=3; w=1,2`` for several; in fit mode
    ``random`` draws the example's seeded starting weights.
    """

    mode: str = "descend"
    fn: str = "x**2"
    start: str = "3."
    lr: float = 0.1
    dtype: str = "float32"
    max_steps: int | None = 100
    target: float | None = None
    patience: int | None = None
    time_budget: float | None = None
    zero_grad: bool = True
    example: str = "roller-coaster"
    seed: int = 42
    h: float = 0.1

    def with_(self, **changes: Any) -> Playground:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def starting_values(self) -> dict[str, Values]:
        """The parsed ``start`` field, keyed by variable (``""`` for one unnamed value)."""
        return parse_start(self.start)

    def problem(self) -> Problem:
        """The engine problem (raises ``ExprError``/``ValueParseError``/``ValueError``)."""
        if self.mode not in MODES:
            raise ValueError(f"unknown mode '{self.mode}' (choose from {', '.join(MODES)})")
        if self.mode == "descend":
            return descend_problem(self.fn, self.starting_values(), self.dtype)
        if self.example not in EXAMPLES:
            raise ValueError(f"unknown example '{self.example}'")
        base = example_problem(self.example, self.seed, self.dtype)
        model = compile_expr(self.fn)
        if self.start.strip().lower() in ("", "random"):
            start = dict(base.start)
        else:
            start = self.starting_values()
        return fit_problem(model, base.data, base.targets, start, dtype=self.dtype)

    def rules(self) -> StopRules:
        """The stop rules."""
        return StopRules(self.max_steps, self.target, self.patience, self.time_budget)

    def stepper(self) -> Stepper:
        """A fresh stepper at step 1 (init)."""
        if not (self.lr == self.lr) or abs(self.lr) > 1e10:
            raise ValueError(f"learning rate {self.lr} is not usable")
        return Stepper(self.problem(), self.lr, self.rules(), zero_grad=self.zero_grad)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def parse_start(text: str) -> dict[str, Values]:
    """``3.`` / ``3,5,12`` (one variable) or ``x=3; w=1,2`` (several)."""
    if "=" not in text:
        return parse_assignments([text])
    items = [part for part in text.split(";") if part.strip()]
    if not items:
        raise ValueParseError("no starting value given")
    return parse_assignments(items)
