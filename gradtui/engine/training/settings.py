"""Every setting a learner or a lesson can give the playground, declared once.

Each ``Setting`` holds its kind, its bounds and the words that refuse a bad value. The
settings form (typed text), the command line (option values) and lesson files (TOML values)
all ask it, so the three accept the same values and refuse the others with the same words:
a ``SettingError`` whose text is the rule (``must be a whole number from 1 to 10,000,000,
not 0``). Each place puts its own name for the setting in front: the form its label
(``max steps``), the command line its option (``argument --steps:``), a lesson file its key
(``'max_steps'``).

Imports nothing heavy: the command line's parser uses this table to build its options.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from gradtui.engine.expr.syntax import pointed
from gradtui.engine.expr.values import DTYPES
from gradtui.engine.training.examples import EXAMPLES
from gradtui.safe_text import char_name, unsafe_char

MODES = ("descend", "fit", "images")  # images: the pullover-vs-dress classifier
MAX_STEPS = 10_000_000
MAX_EPOCHS = 100
MAX_LR = 1e10  # larger learning rates only ever overflow
MAX_H = 1_000
MAX_SECONDS = 3_600  # a time budget of an hour at most
MAX_SEED = 2**32 - 1


class SettingError(ValueError):
    """A value a setting refuses: the rule it breaks and, when known, the value as given."""

    def __init__(self, rule: str, given: str | None = None):
        self.rule = rule
        self.given = given
        shown = given if given is None or len(given) <= 20 else given[:20] + "…"
        super().__init__(rule if given is None else f"{rule}, not {shown}")


@dataclass(frozen=True)
class Setting:
    """One playground setting: how it is typed, what it may be, and how it is named.

    ``kind``: ``expr`` (an expression), ``start`` (starting values), ``number``, ``whole``
    (a whole number), ``choice``, ``switch`` (true/false) or ``csv`` (data rows). Numbers lie
    in ``low``..``high`` (``above``: more than ``low``, not equal; ``nonzero``: never 0).
    ``blank``: what an empty field means (``no limit``, ``off``); empty means required.
    """

    name: str
    label: str
    kind: str
    low: float | None = None
    high: float | None = None
    nonzero: bool = False
    above: bool = False
    blank: str = ""
    choices: tuple[str, ...] = ()
    unit: str = ""
    note: str = ""  # said after the bounds: what the value is, or a value to try
    title: str = ""  # the form's label, when it is not ``label``
    placeholder: str = ""  # the form's hint in an empty field
    length: int = 1_000  # characters, for text kinds

    @property
    def rule(self) -> str:
        """What a value must be, in words (the same in the form, the CLI and lesson files)."""
        if self.kind == "whole":
            words = f"must be a whole number from {_bound(self.low)} to {_bound(self.high)}"
        elif self.kind == "number":
            words = self._number_rule()
        elif self.kind == "choice":
            words = f"must be one of {', '.join(self.choices)}"
        elif self.kind == "switch":
            words = "must be true or false"
        else:
            words = "must be text"
        return f"{words} ({self.note})" if self.note else words

    def _number_rule(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.low is None and self.high is None:
            return "must be a finite number"
        if self.above:
            return f"must be more than {_bound(self.low)} and at most {_bound(self.high)}{unit}"
        what = "a non-zero number" if self.nonzero else "a number"
        return f"must be {what} from {_bound(self.low)} to {_bound(self.high)}{unit}"

    def parse(self, text: str) -> Any:
        """The value of a typed text (the form, the command line); ``SettingError`` if refused.

        Expressions and starting values raise the parser's own error (``ExprError``,
        ``ValueParseError``): they point at a column of the text.
        """
        text = text.strip()
        if not text and self.blank:
            return None
        if self.kind == "expr":
            from gradtui.engine.expr.expr import compile_expr

            compile_expr(text)
            return text
        if self.kind == "start":
            from gradtui.engine.expr.values import parse_assignments

            parse_assignments([text])
            return text
        if self.kind in ("whole", "number"):
            if not text:
                raise SettingError(self.rule, "empty")
            try:
                value: Any = int(text) if self.kind == "whole" else float(text)
            except ValueError:
                raise SettingError(self.rule, repr(text)) from None
            return self._bounded(value, text)
        if self.kind == "choice":
            return self.check(text)
        raise SettingError(f"is not typed: {self.rule}")

    def check(self, value: Any) -> Any:
        """A value from a file (a lesson, the saved progress); ``SettingError`` if refused."""
        if value is None and self.blank:
            return None
        if self.kind in ("whole", "number"):
            wanted = int if self.kind == "whole" else (int, float)
            if isinstance(value, bool) or not isinstance(value, wanted):
                raise SettingError(self.rule, kind_of(value))
            return self._bounded(value, str(value) if isinstance(value, int) else _num(value))
        if self.kind == "choice":
            if value not in self.choices:
                raise SettingError(self.rule, repr(value))
            return value
        if self.kind == "switch":
            if not isinstance(value, bool):
                raise SettingError(self.rule, kind_of(value))
            return value
        text = text_value(value, self.length)
        if self.kind == "csv":
            from gradtui.io.csvdata import CsvError, parse_csv_text

            try:
                parse_csv_text(text, self.name)
            except CsvError as err:
                where = f"line {err.line} of the data: " if err.line else ""
                raise SettingError(f"is not usable data: {where}{err.message}") from None
            return text
        if self.kind == "start" and text.strip().lower() == "random":
            return text
        try:
            self.parse(text)
        except ValueError as err:  # ExprError, ValueParseError: a file has no caret to show
            what = "expression" if self.kind == "expr" else "starting value"
            raise SettingError(f"is not a usable {what}: {err}") from None
        return text

    def require(self, value: Any) -> Any:
        """``check`` for a value set in code: a refusal names the setting (``lr must be ...``)."""
        try:
            return self.check(value)
        except SettingError as err:
            raise SettingError(f"{self.label} {err.rule}", err.given) from None

    def _bounded(self, value: Any, given: str) -> Any:
        if not math.isfinite(value):
            raise SettingError(self.rule, given)
        too_low = self.low is not None and (value <= self.low if self.above else value < self.low)
        too_high = self.high is not None and value > self.high
        if too_low or too_high or (self.nonzero and value == 0):
            raise SettingError(self.rule, given)
        return value

    def message(self, err: Exception) -> str:
        """``err`` as the form shows it under this setting: ``max steps must be ...``."""
        if isinstance(err, SettingError):
            return f"{self.label} {err}"
        return pointed(err)


def _num(value: float | None) -> str:
    """A number as people write it: ``1e10``, ``5000``, ``0.5``, ``inf``."""
    return f"{value:g}".replace("e+", "e")


def _bound(value: float | None) -> str:
    """A bound in a rule: whole numbers as ``10,000,000``, others as ``1e10``, ``0.5``."""
    return f"{value:,}" if isinstance(value, int) else _num(value)


def kind_of(value: Any) -> str:
    """What a file's value is, in words: ``text``, ``a number``, ``true/false``..."""
    names = {bool: "true/false", int: "an integer", float: "a number", str: "text"}
    names.update({list: "a list", dict: "a table", type(None): "empty"})
    return names.get(type(value), type(value).__name__)


def text_value(value: Any, limit: int) -> str:
    """A file's text value: not empty, at most ``limit`` characters, no control characters."""
    if not isinstance(value, str):
        raise SettingError("must be text", kind_of(value))
    if not value.strip():
        raise SettingError("must not be empty")
    if len(value) > limit:
        raise SettingError(f"is {len(value):,} characters long; the limit is {limit:,}")
    control = unsafe_char(value, allow_cr=False)  # a TOML escape such as \u001b makes one
    if control:
        raise SettingError(f"holds {char_name(control)}: no control or bidi characters")
    return value


def _table(*settings: Setting) -> dict[str, Setting]:
    return {s.name: s for s in settings}


SETTINGS: dict[str, Setting] = _table(
    Setting("mode", "mode", "choice", choices=MODES),
    Setting("fn", "fn", "expr", title="f(x) =", placeholder="x**2"),
    Setting("start", "start", "start", placeholder="3.", length=10_000),
    Setting(
        "lr", "lr", "number", low=-MAX_LR, high=MAX_LR, note="try 0.001 to 1", placeholder="0.1"
    ),
    Setting("dtype", "dtype", "choice", choices=DTYPES),
    Setting(
        "max_steps",
        "max steps",
        "whole",
        low=1,
        high=MAX_STEPS,
        blank="no limit",
        placeholder="blank: no limit",
    ),  # fmt: skip
    Setting(
        "target", "target", "number", blank="off", title="stop at loss ≤", placeholder="blank: off"
    ),
    Setting(
        "patience",
        "patience",
        "whole",
        low=1,
        high=MAX_STEPS,
        blank="off",
        note="the rises in a row that stop the run",
        placeholder="rises in a row; blank: off",
    ),  # fmt: skip
    Setting(
        "time_budget",
        "time budget",
        "number",
        low=0,
        high=MAX_SECONDS,
        above=True,
        unit="seconds",
        blank="off",
        title="time budget s",
        placeholder="blank: off",
    ),  # fmt: skip
    Setting("zero_grad", "zero the grad each step", "switch"),
    Setting("example", "example", "choice", choices=tuple(EXAMPLES)),
    Setting("seed", "seed", "whole", low=0, high=MAX_SEED),
    Setting(
        "h",
        "h",
        "number",
        low=-MAX_H,
        high=MAX_H,
        nonzero=True,
        note="such as 0.001",
        placeholder="0.001",
    ),  # fmt: skip
    Setting("data_csv", "data", "csv", length=100_000),
    Setting("epochs", "epochs", "whole", low=1, high=MAX_EPOCHS, placeholder=f"1 to {MAX_EPOCHS}"),
)
# The settings the form shows as text fields, in its order (the rest are picked from a list
# or switched; the seed is set by a lesson or the command line).
TYPED = ("fn", "start", "lr", "max_steps", "target", "patience", "time_budget", "h", "epochs")
