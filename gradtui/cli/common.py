"""What every command of the command line shares: its error, argument types and JSON."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from typing import Any

EXIT_BAD_INPUT = 2


class CliError(Exception):
    """Bad input from the command line: printed as one message, exit status 2."""


def wants_color(stream: Any) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set and not empty (no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


class Parser(argparse.ArgumentParser):
    """argparse, with our error style, and values that start with ``-`` read as values."""

    def error(self, message: str) -> None:  # argparse's own errors: same status and style
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"gradtui: error: {message}\n")

    def _parse_optional(self, arg_string: str) -> Any:
        # argparse reads any word starting with '-' as an option, unless it is a plain negative
        # number: '-x**2' (an expression) and '-1,0,1' (values) were refused as unknown options
        # or left their option without its argument. Such words are values here.
        if _looks_like_value(arg_string, self._option_string_actions):
            return None
        return super()._parse_optional(arg_string)


def _looks_like_value(word: str, options: dict[str, Any]) -> bool:
    """``-`` then a digit, ``.``, ``(`` or a letter (an expression such as ``-x**2``), and not
    one of the parser's options: ``--lr`` and ``-h`` stay options."""
    if len(word) < 2 or word[0] != "-" or word[1] == "-" or word in options:
        return False
    if word[1].isdigit() or word[1] in ".(":
        return True
    return (word[1].isalpha() or word[1] == "_") and word[:2] not in options


def add_lessons_option(p: argparse.ArgumentParser) -> None:
    """``--lessons DIR`` after a command too (``gradtui lesson 16 --lessons DIR``).

    Before the command it is the main parser's option; ``lesson_dirs`` joins both.
    """
    p.add_argument(
        "--lessons",
        dest="lessons_after",
        metavar="DIR",
        action="append",
        default=[],
        help="also load lessons from DIR (repeatable)",
    )


def lesson_dirs(args: argparse.Namespace) -> list[str]:
    """Every ``--lessons DIR`` given, before the command and after it, in order."""
    return [*getattr(args, "lessons", []), *getattr(args, "lessons_after", [])]


def add_at_option(p: argparse.ArgumentParser) -> None:
    """``--at``: the point where a command evaluates the expression (grad, graph)."""
    p.add_argument(
        "--at",
        action="append",
        required=True,
        metavar="VALUES",
        help="3 | 3,5,12 | x=3; w=1 (or repeat: --at x=3 --at w=1)",
    )


def add_run_options(
    p: argparse.ArgumentParser, lr: float | None, steps: int | None, json: bool = True
) -> None:
    """The loop's options: ``--lr`` (required when ``lr`` is None and ``steps`` is not),
    ``--steps``, ``--until-loss``, ``--patience``, ``--time-budget`` and ``--json``."""
    p.add_argument(
        "--lr",
        type=setting("lr"),
        required=lr is None and steps is not None,
        default=lr,
        help="learning rate" + (f" (default {lr:g})" if lr else ""),
    )
    p.add_argument(
        "--steps",
        type=setting("max_steps"),
        default=steps,
        help="stop after this many updates" + (f" (default {steps})" if steps else ""),
    )
    p.add_argument("--until-loss", type=setting("target"), metavar="T", help="stop once loss <= T")
    p.add_argument(
        "--patience",
        type=setting("patience"),
        metavar="K",
        help="stop once the loss rose K steps in a row (getting worse)",
    )
    p.add_argument(
        "--time-budget",
        type=setting("time_budget"),
        metavar="S",
        help="stop after S seconds (out of time)",
    )
    if json:
        p.add_argument("--json", action="store_true", help="print one JSON object")


def setting(name: str):
    """An option's type: the playground setting ``name``'s own parser, rule and words."""
    from gradtui.engine.training.settings import SETTINGS, SettingError

    rule = SETTINGS[name]

    def parse(text: str) -> object:
        try:
            return rule.parse(text)
        except SettingError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    parse.__name__ = rule.label  # argparse names the type in some of its own messages
    return parse


def number_in(
    flag: str,
    low: float,
    high: float | None = None,
    *,
    what: str = "a whole number",
    read: Callable[[str], float] = int,
    unit: str = "",
):
    """An option's type: a number ``read`` from the text, from ``low`` to ``high``; without
    ``high``, any finite number more than ``low``.

    The one bounded-number parser of the options that are not playground settings (those
    use ``setting``): ``--port``, ``--max-sessions``, ``--deadline``, ``--task``. A bad value
    is refused as ``'<text>' is not <what>``, or ``<flag> must be between <low> and <high>,
    not <value>`` (``more than <low><unit>, not <text>``).
    """

    def parse(text: str) -> float:
        try:
            value = read(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not {what}") from None
        if high is None:
            if not low < value < math.inf:  # nan is never in range
                raise argparse.ArgumentTypeError(
                    f"{flag} must be more than {low:g}{unit}, not {text}"
                )
        elif not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{flag} must be between {low} and {high}, not {value}"
            )
        return value

    parse.__name__ = flag.lstrip("-")  # argparse names the type in some of its own messages
    return parse


def engine_errors() -> tuple[type[Exception], ...]:
    from gradtui.engine.expr.expr import ExprError
    from gradtui.engine.expr.values import ValueParseError
    from gradtui.engine.training.torch_errors import TorchError

    return ExprError, TorchError, ValueParseError, ValueError


def describe(err: Exception) -> str:
    """An engine error as the command line prints it (a caret under a column, as the app)."""
    from gradtui.engine.expr.syntax import pointed
    from gradtui.engine.training.torch_errors import TorchError

    if isinstance(err, TorchError) and err.lines:
        return f"at: {err.lines[-1][0]}\n{err}"
    return pointed(err)


def find_lesson(key: str, dirs: list[str]) -> Any:
    """The lesson with this order number or id, among the shipped lessons and ``dirs``."""
    from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir

    lessons, _ = load_lessons([shipped_lessons_dir(), *dirs])
    for lesson in lessons:
        if key in (lesson.id, str(lesson.order)):
            return lesson
    orders = [lesson.order for lesson in lessons]
    there = f"there are {min(orders)}-{max(orders)}" if orders else "there are none"
    raise CliError(f"no lesson '{key}' ({there}: see gradtui lessons for numbers and ids)")


def finite(value: Any) -> Any:
    """nan/inf spelled as strings ('nan', 'inf', '-inf'), as run_json does for the loss."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    return value


def dumps(obj: Any) -> str:
    """One JSON object; strict JSON has no NaN/Infinity, so they become strings."""
    return json.dumps(finite(obj), allow_nan=False)
