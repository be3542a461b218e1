"""The rules a lesson file's values are held to, beside the playground's settings.

Each rule takes a value as TOML gave it and returns it, or raises ``Invalid`` with the words
that follow the key in the message (``'tol' must be 0 or more``). A playground setting is
held to its own rule (``setting``): the one the form and the command line use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from gradtui.curriculum.schema import MAX_CHECK_STEPS, MAX_CODE
from gradtui.engine.training.settings import SETTINGS, SettingError, kind_of, text_value
from gradtui.safe_text import char_name, unsafe_char

Invalid = SettingError  # a value that breaks its rule; the message says which
Rule = Callable[[Any], Any]
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")


def setting(name: str) -> Rule:
    """The rule of the playground setting ``name`` (its bounds and words, everywhere)."""
    return SETTINGS[name].check


def number(value: Any) -> float:
    """Any finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid("must be a number", kind_of(value))
    if not math.isfinite(value):
        raise Invalid("must be a finite number")
    return float(value)


def integer(low: int, high: int) -> Rule:
    """A whole number from ``low`` to ``high``."""

    def rule(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("must be an integer", kind_of(value))
        if not low <= value <= high:
            raise Invalid(f"must be between {low:,} and {high:,}")
        return value

    return rule


def text(limit: int) -> Rule:
    """Text that is not empty, at most ``limit`` characters, without control characters."""
    return lambda value: text_value(value, limit)


def choice(choices: tuple[str, ...]) -> Rule:
    """One of ``choices``."""

    def rule(value: Any) -> str:
        if value not in choices:
            raise Invalid(f"must be one of {', '.join(choices)}", repr(value))
        return value

    return rule


def tol(value: Any) -> float:
    """A tolerance: a number, 0 or more."""
    value = number(value)
    if value < 0:
        raise Invalid("must be 0 or more")
    return value


def fraction(value: Any) -> float:
    """A number from 0 to 1."""
    value = number(value)
    if not 0 <= value <= 1:
        raise Invalid("must be between 0 and 1")
    return value


def numbers(value: Any) -> float | list[float]:
    """A number or a list of 1 to 10,000 numbers."""
    if isinstance(value, list):
        if not value or len(value) > 10_000:
            raise Invalid("must hold 1 to 10,000 numbers")
        return [number(v) for v in value]
    return number(value)


def texts(value: Any) -> list[str]:
    """A non-empty list of short texts."""
    if not isinstance(value, list) or not value:
        raise Invalid("must be a non-empty list of text", kind_of(value))
    return [text_value(v, 200) for v in value]


def name(value: Any) -> str:
    """A variable name such as x."""
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise Invalid("must be a variable name such as x")
    return value


positive_int = integer(1, MAX_CHECK_STEPS)


def code(value: Any) -> str:
    """A program's text (a starter may hold blanks: it is compiled only when it runs)."""
    if not isinstance(value, str):
        raise Invalid("must be text", kind_of(value))
    if len(value) > MAX_CODE:
        raise Invalid(f"is {len(value):,} characters long; the limit is {MAX_CODE:,}")
    control = unsafe_char(value, allow_cr=False)  # a TOML escape such as \u001b makes one
    if control:
        raise Invalid(f"holds {char_name(control)}: no control or bidi characters")
    return value


def program(value: Any, given: str = "") -> str:
    """A program that gradtui's subset accepts as it is, given the input set ``given``."""
    from gradtui.engine.program import ProgramRefused, compile_program
    from gradtui.engine.program.inputs import input_names

    source = code(value)
    try:
        compile_program(source, input_names(given))
    except ProgramRefused as refused:
        raise Invalid(f"is refused: {refused}") from None
    return source


def inputs(value: Any) -> str:
    """The name of an input set a program is given (imported here only: the loader stays
    light)."""
    from gradtui.engine.program.inputs import INPUT_SETS

    return choice(tuple(INPUT_SETS))(value)
