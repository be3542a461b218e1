"""The ``gradtui`` command line: the app by default, and scriptable engine commands.

Building the parser and ``--help`` import neither torch nor textual; each command imports what
it needs when it runs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

EXIT_BAD_INPUT = 2

_EXAMPLES = {
    "grad": """examples:
  gradtui grad 'x**2' --at 3              # tensor(9., grad_fn=<PowBackward0>), grad tensor(6.)
  gradtui grad '(x**2).sum()' --at 3,5,12 # grad tensor([ 6., 10., 24.])
  gradtui grad 'x*w + b' --at x=2 --at w=3 --at b=1 --json
  gradtui grad 'x**2' --at 3 --dtype auto # 3 stays an integer: torch's real error""",
    "descend": """examples:
  gradtui descend 'x**2' --from 3 --lr 0.1 --until-loss 0.01
  gradtui descend 'x**2' --from 3 --lr 1.1            # diverges
  gradtui descend '(x - 2)**2 + (y + 1)**2' --from x=0 --from y=0 --lr 0.1 --json""",
    "fit": """examples:
  gradtui fit --example roller-coaster               # lr 1e-5, 10 steps, as in fastbook
  gradtui fit --example roller-coaster --steps 1000 --json""",
    "sandbox": """examples:
  gradtui sandbox --fn 'x**2' --from 3 --lr 0.1
  gradtui sandbox --fit                               # fit the roller coaster""",
}


class CliError(Exception):
    """Bad input from the command line: printed as one message, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors: same status and style
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"gradtui: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser for every command (cheap: imports nothing heavy)."""
    parser = _Parser(
        prog="gradtui",
        description="Learn how a machine learns: autograd and gradient descent, live, "
        "in PyTorch. With no command, opens the app.",
        epilog="Run 'gradtui COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        action="append",
        default=[],
        help="also load lessons from DIR (repeatable)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    grad = sub.add_parser(
        "grad",
        help="value, grad_fn and .grad of an expression at a point",
        epilog=_EXAMPLES["grad"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grad.add_argument("expr", help="expression over named variables, e.g. 'x**2'")
    grad.add_argument(
        "--at",
        action="append",
        required=True,
        metavar="VALUES",
        help="3 | 3,5,12 | x=3 (repeat --at for several variables)",
    )
    grad.add_argument(
        "--dtype",
        default="float32",
        choices=("float32", "float64", "int64", "auto"),
        help="tensor dtype (auto: as torch.tensor infers from what you typed)",
    )
    grad.add_argument("--json", action="store_true", help="print one JSON object")

    desc = sub.add_parser(
        "descend",
        help="gradient descent on an expression (the loss is f)",
        epilog=_EXAMPLES["descend"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    desc.add_argument("expr", help="the function to minimise, e.g. 'x**2'")
    desc.add_argument(
        "--from",
        dest="start",
        action="append",
        required=True,
        metavar="VALUES",
        help="starting value(s): 3 | 3,5 | x=3 (repeatable)",
    )
    _add_run_options(desc, lr=None, steps=100)
    desc.add_argument("--dtype", default="float32", choices=("float32", "float64"))

    fit = sub.add_parser(
        "fit",
        help="the full seven-step loop on example data",
        epilog=_EXAMPLES["fit"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument("--example", default="roller-coaster", choices=("roller-coaster",))
    fit.add_argument("--seed", type=int, default=42, help="random seed for data and weights")
    _add_run_options(fit, lr=1e-5, steps=10)

    sandbox = sub.add_parser(
        "sandbox",
        help="open the app's sandbox, prefilled",
        epilog=_EXAMPLES["sandbox"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sandbox.add_argument("--fn", help="the function f(x), e.g. 'x**2'")
    sandbox.add_argument("--from", dest="start", help="starting value, e.g. 3")
    sandbox.add_argument("--lr", type=_number("--lr"), help="learning rate")
    sandbox.add_argument("--fit", action="store_true", help="open in fit mode (roller coaster)")

    lesson = sub.add_parser("lesson", help="open a lesson in the app")
    lesson.add_argument("number", help="the lesson's number or id, e.g. 2")

    lessons = sub.add_parser(
        "lessons",
        help="list the lessons with your progress; 'lessons check DIR' validates a folder",
    )
    lessons_sub = lessons.add_subparsers(dest="lessons_command", parser_class=_Parser)
    check = lessons_sub.add_parser("check", help="validate a folder of lesson files")
    check.add_argument("dir", help="folder of lesson .md files")
    check.add_argument(
        "--no-solve", action="store_true", help="skip running each task's check (no torch)"
    )
    return parser


def _add_run_options(p: argparse.ArgumentParser, lr: float | None, steps: int) -> None:
    p.add_argument(
        "--lr",
        type=_number("--lr"),
        required=lr is None,
        default=lr,
        help="learning rate" + (f" (default {lr:g})" if lr else ""),
    )
    p.add_argument(
        "--steps",
        type=_count("--steps"),
        default=steps,
        help=f"stop after this many updates (default {steps})",
    )
    p.add_argument(
        "--until-loss",
        type=_number("--until-loss"),
        metavar="T",
        help="stop once loss <= T (good enough)",
    )
    p.add_argument(
        "--patience",
        type=_count("--patience"),
        metavar="K",
        help="stop once the loss rose K steps in a row (getting worse)",
    )
    p.add_argument(
        "--time-budget",
        type=_number("--time-budget"),
        metavar="S",
        help="stop after S seconds (out of time)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _number(flag: str):
    def parse(text: str) -> float:
        import math

        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{flag} must be a finite number, not '{text}'")
        return value

    return parse


def _count(flag: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < 0 or value > 10_000_000:
            raise argparse.ArgumentTypeError(f"{flag} must be between 0 and 10,000,000")
        return value

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "sandbox", "lesson"):
            return _open_app(args)
        if args.command == "lessons":
            from gradtui.curriculum.commands import check_dir, list_lessons

            if args.lessons_command == "check":
                return check_dir(args.dir, solve=not args.no_solve)
            return list_lessons(args.lessons)
        handler = {"grad": cmd_grad, "descend": cmd_descend, "fit": cmd_fit}[args.command]
        return handler(args)
    except CliError as err:
        print(f"gradtui: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def _open_app(args: argparse.Namespace) -> int:
    from gradtui.ui.app import run_app

    return run_app(args)


def _engine_errors() -> tuple[type[Exception], ...]:
    from gradtui.engine.expr import ExprError
    from gradtui.engine.probe import TorchError
    from gradtui.engine.values import ValueParseError

    return ExprError, TorchError, ValueParseError, ValueError


def _describe(err: Exception) -> str:
    from gradtui.engine.expr import ExprError
    from gradtui.engine.probe import TorchError

    if isinstance(err, ExprError) and err.column:
        return f"{err}\n{err.caret()}"
    if isinstance(err, TorchError) and err.lines:
        return f"at: {err.lines[-1][0]}\n{err}"
    return str(err)


def _finite(value: Any) -> Any:
    """nan/inf spelled as strings ('nan', 'inf', '-inf'), as run_json does for the loss."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def _dumps(obj: Any) -> str:
    """One JSON object; strict JSON has no NaN/Infinity, so they become strings."""
    return json.dumps(_finite(obj), allow_nan=False)


def cmd_grad(args: argparse.Namespace) -> int:
    """``gradtui grad``: the seed's three autograd steps at a point."""
    from gradtui.engine.probe import probe
    from gradtui.engine.values import parse_assignments

    try:
        result = probe(args.expr, parse_assignments(args.at), dtype=args.dtype)
    except _engine_errors() as err:
        raise CliError(_describe(err)) from None
    if args.json:
        print(_dumps(result.to_json()))
        return 0
    for code, output in result.lines:
        print(f">>> {code}")
        if output:
            print(output)
    return 0


def cmd_descend(args: argparse.Namespace) -> int:
    """``gradtui descend``: gradient descent on f itself."""
    from gradtui.engine.problem import descend_problem
    from gradtui.engine.values import parse_assignments

    try:
        problem = descend_problem(args.expr, parse_assignments(args.start), args.dtype)
    except _engine_errors() as err:
        raise CliError(_describe(err)) from None
    return _run(problem, args)


def cmd_fit(args: argparse.Namespace) -> int:
    """``gradtui fit``: the whole loop on example data."""
    from gradtui.engine.examples import example_problem

    return _run(example_problem(args.example, seed=args.seed), args)


def _run(problem: Any, args: argparse.Namespace) -> int:
    from gradtui.engine.loop import Stepper, StepRecord, StopRules
    from gradtui.engine.report import render_run, run_json

    rules = StopRules(
        max_steps=args.steps,
        target=args.until_loss,
        patience=args.patience,
        time_budget=args.time_budget,
    )
    try:
        stepper = Stepper(problem, args.lr, rules)
    except _engine_errors() as err:
        raise CliError(_describe(err)) from None
    from gradtui.engine.torch_loading import freeze_heap

    freeze_heap()  # the run keeps a record per step: spare the collector torch's heap
    records: list[StepRecord] = []
    for item in stepper.run():
        if isinstance(item, StepRecord):
            records.append(item)
    stop = stepper.stopped
    if stop.reason == "error":
        raise CliError(stop.message.removeprefix("error: "))
    if args.json:
        print(_dumps(run_json(problem, args.lr, records, stop)))
    else:
        print(render_run(problem, records, stop, color=sys.stdout.isatty()))
    return 0
