"""The playground's settings as typed by a learner, and what the engine makes of them.

The sandbox edits a ``Playground``; a lesson task sets one up and checks it. Every text field
is kept as typed, and turned into engine objects (``problem()``, ``rules()``) on demand, so
an invalid entry raises a clear error and never replaces the last good state.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from gradtui.engine.expr.expr import compile_expr
from gradtui.engine.expr.values import Values, parse_assignments
from gradtui.engine.training.examples import EXAMPLES, example_problem
from gradtui.engine.training.loop import Stepper, StopRules
from gradtui.engine.training.problem import (
    Problem,
    descend_problem,
    fit_problem,
    seeded_start,
)
from gradtui.engine.training.settings import MAX_LR, MODES, SETTINGS, TYPED

# What a mode starts from when the learner switches to it.
MODE_DEFAULTS = {
    "descend": {"mode": "descend", "fn": "x**2", "start": "3.", "lr": 0.1, "max_steps": 100},
    "fit": {
        "mode": "fit",
        "fn": "a*t**2 + b*t + c",
        "start": "random",
        "lr": 1e-5,
        "max_steps": 1000,
    },
}


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
    data_csv: str = ""  # fit mode: CSV text of input,target rows; blank uses ``example``
    epochs: int = 20

    def with_(self, **changes: Any) -> Playground:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def switch_mode(self, mode: str) -> Playground:
        """This playground in ``mode``, with that mode's example function and settings."""
        if mode == self.mode:
            return self
        return self.with_(**MODE_DEFAULTS[mode])

    def starting_values(self) -> dict[str, Values]:
        """The parsed ``start`` field, keyed by variable (``""`` for one unnamed value)."""
        return parse_start(self.start)

    def problem(self, outline: bool = False) -> Problem:
        """The engine problem (raises ``ExprError``/``ValueParseError``/``ValueError``).

        ``outline=True`` fills an example's data with zeros (``example_problem``): it checks
        the fields the same way without importing torch.
        """
        if self.mode not in MODES:
            raise ValueError(f"unknown mode '{self.mode}' (choose from {', '.join(MODES)})")
        if self.mode == "descend":
            return descend_problem(self.fn, self.starting_values(), self.dtype)
        if self.data_csv:
            return self._csv_problem()
        if self.mode == "images":
            raise ValueError("images mode trains the classifier of engine.classifier")
        if self.example not in EXAMPLES:
            raise ValueError(f"unknown example '{self.example}'")
        base = example_problem(self.example, self.seed, self.dtype, outline=outline)
        model = compile_expr(self.fn)
        if self.start.strip().lower() in ("", "random"):
            start = dict(base.start)
        else:
            start = self.starting_values()
        return fit_problem(model, base.data, base.targets, start, dtype=self.dtype)

    def _csv_problem(self) -> Problem:
        """The model fitted to the rows of ``data_csv`` (its input is ``t``)."""
        from gradtui.io.csvdata import INPUT_NAME, parse_csv_text

        data = parse_csv_text(self.data_csv)
        model = compile_expr(self.fn)
        if self.start.strip().lower() in ("", "random"):
            names = [n for n in model.variables if n != INPUT_NAME]
            start = seeded_start(names, self.seed)
        else:
            start = self.starting_values()
        inputs = {INPUT_NAME: data.inputs}
        return fit_problem(model, inputs, data.targets, start, dtype=self.dtype)

    def rules(self) -> StopRules:
        """The stop rules."""
        return StopRules(self.max_steps, self.target, self.patience, self.time_budget)

    def stepper(self) -> Stepper:
        """A fresh stepper at step 1 (init)."""
        SETTINGS["lr"].require(self.lr)
        return Stepper(self.problem(), self.lr, self.rules(), zero_grad=self.zero_grad)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def scale_lr(lr: float, factor: float) -> float:
    """``lr * factor`` to 6 significant digits, kept within the cap (``MAX_LR``)."""
    return max(-MAX_LR, min(MAX_LR, float(f"{lr * factor:.6g}")))


def lr_note(lr: float) -> str:
    """A word on a learning rate that is allowed but will not descend ('' when there is none)."""
    if lr == 0:
        return "lr is 0: the weights will not move"
    if lr < 0:
        return "lr is negative: each step climbs, so the loss will rise"
    return ""


def parse_start(text: str) -> dict[str, Values]:
    """``3.`` / ``3,5,12`` (one variable) or ``x=3; w=1,2`` (several)."""
    return parse_assignments([text])


def parse_fields(base: Playground, texts: dict[str, str]) -> tuple[Playground, dict[str, str]]:
    """Apply typed texts to ``base``; returns the new playground and any errors by field.

    An error is ready to show under its field (with a caret where there is a column). When
    there are errors, the returned playground keeps ``base``'s value for those fields.
    """
    result, refused = field_errors(base, texts)
    errors = {name: SETTINGS[name].message(err) for name, (err, _) in refused.items()}
    return result, errors


def field_errors(
    base: Playground, texts: dict[str, str]
) -> tuple[Playground, dict[str, tuple[ValueError, str | None]]]:
    """``parse_fields`` before wording: each refused field's error and the text it points into.

    The text is ``None`` when the error is about the fields together (e.g. a variable with no
    starting value), not about one typed text.
    """
    from gradtui.engine.expr.expr import ExprError

    changes: dict[str, Any] = {}
    errors: dict[str, tuple[ValueError, str | None]] = {}
    for name, text in texts.items():
        if name not in TYPED:
            continue
        if name == "start" and base.mode == "fit" and text.strip().lower() in ("", "random"):
            changes[name] = "random"
            continue
        try:
            changes[name] = SETTINGS[name].parse(text)
        except ValueError as err:  # SettingError, ExprError and ValueParseError among them
            errors[name] = (err, text)
    result = base.with_(**changes)
    if not errors and result.mode != "images":
        try:
            result.problem(outline=True)  # the same checks, before torch has to load
        except ExprError as err:
            errors["start" if "value" in err.message else "fn"] = (err, None)
        except ValueError as err:
            errors["start"] = (err, None)
    return result, errors
