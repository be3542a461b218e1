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
  gradtui fit --example roller-coaster --steps 1000 --json
  gradtui fit --data temps.csv --lr 1e-6 --steps 200  # your own rows of input,target""",
    "serve": """examples:
  gradtui serve                                       # http://127.0.0.1:8000, this computer only
  gradtui serve --port 8080
  gradtui serve --host 0.0.0.0                        # learners on your network connect
  gradtui --lessons my-lessons serve                  # with your own lessons too""",
    "lr-find": """examples:
  gradtui lr-find 'x**2' --from 3                     # one step per lr, 1e-7 up to 10
  gradtui lr-find --example roller-coaster --json""",
    "sandbox": """examples:
  gradtui sandbox --fn 'x**2' --from 3 --lr 0.1
  gradtui sandbox --fit                               # fit the roller coaster
  gradtui sandbox --data temps.csv                    # fit a model to your own CSV""",
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
    fit.add_argument(
        "--example", default="roller-coaster", choices=("roller-coaster", "pullover-dress")
    )
    fit.add_argument("--seed", type=int, default=42, help="random seed for data and weights")
    fit.add_argument(
        "--data",
        metavar="PATH",
        help="a CSV file of input,target columns "
        "(or the Fashion-MNIST folder with --example pullover-dress)",
    )
    _add_run_options(fit, lr=1e-5, steps=10)
    _add_images_commands(fit, sub)

    _add_lr_find_parser(sub)

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
    sandbox.add_argument(
        "--data", metavar="FILE", help="open in fit mode on a CSV file of input,target columns"
    )

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
    _add_serve_parser(sub)

    from gradtui.cli_graph_export import add_commands as add_graph_export

    add_graph_export(sub)
    return parser


def _add_lr_find_parser(sub: Any) -> None:
    finder = sub.add_parser(
        "lr-find",
        help="fastai's learning-rate finder: loss vs lr from 1e-7 to 10, and a suggestion",
        epilog=_EXAMPLES["lr-find"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    finder.add_argument("expr", nargs="?", help="the function to minimise (or use --example)")
    finder.add_argument(
        "--from",
        dest="start",
        action="append",
        metavar="VALUES",
        help="starting value(s) for EXPR: 3 | 3,5 | x=3 (repeatable)",
    )
    finder.add_argument("--example", choices=("roller-coaster",), help="fit this example instead")
    finder.add_argument("--seed", type=int, default=42, help="random seed for --example")
    finder.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    finder.add_argument("--json", action="store_true", help="print one JSON object")


def _add_serve_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the app to web browsers (one app per browser tab)",
        description="Serve the app over HTTP: open the printed address in a browser.\n"
        "Listens on this computer only unless --host says otherwise.",
        epilog=_EXAMPLES["serve"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; "
        "0.0.0.0: every network, anyone who can reach it)",
    )
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, not {value}")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    """``gradtui serve``: the app in web browsers, until Ctrl+C."""
    from gradtui.serve import ServeError, serve

    try:
        serve(args.host, args.port, args.lessons)
    except ServeError as err:
        raise CliError(str(err)) from None
    return 0


def _add_images_commands(fit: argparse.ArgumentParser, sub: Any) -> None:
    """``fit --example pullover-dress`` options and the ``data`` command (Fashion-MNIST)."""
    from gradtui.cli_images import add_data_parser, add_fit_options

    add_fit_options(fit, _count)
    add_data_parser(sub)


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
            if args.command == "sandbox" and args.data is not None:
                args.data_csv = _read_data(args.data).to_text()
            return _open_app(args)
        if args.command == "lessons":
            from gradtui.curriculum.commands import check_dir, list_lessons

            if args.lessons_command == "check":
                return check_dir(args.dir, solve=not args.no_solve)
            return list_lessons(args.lessons)
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "data":
            from gradtui.cli_images import cmd_data

            return cmd_data(args, CliError)
        handler = {
            "grad": cmd_grad,
            "descend": cmd_descend,
            "fit": cmd_fit,
            "lr-find": cmd_lr_find,
        }.get(args.command)
        if handler is None:
            from gradtui.cli_graph_export import cmd_export, cmd_graph

            handler = {"graph": cmd_graph, "export": cmd_export}[args.command]
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

    if args.example == "pullover-dress":
        from gradtui.cli_images import cmd_fit_pullover_dress

        return cmd_fit_pullover_dress(args, CliError)
    if args.epochs is not None:
        raise CliError("--epochs is for --example pullover-dress; the roller coaster takes --steps")
    args.lr = 1e-5 if args.lr is None else args.lr
    args.steps = 10 if args.steps is None else args.steps
    if args.data is not None:
        return cmd_fit_csv(args)
    return _run(example_problem(args.example, seed=args.seed), args)


def _read_data(path: str) -> Any:
    """A CSV file of input,target rows, or a ``CliError`` naming the file and line."""
    from gradtui.engine.csvdata import CsvError, read_csv_file

    try:
        data = read_csv_file(path)
    except CsvError as err:
        raise CliError(str(err)) from None
    for note in data.notes:
        print(f"gradtui: note: {data.source}: {note}", file=sys.stderr)
    return data


def cmd_fit_csv(args: argparse.Namespace) -> int:
    """``gradtui fit --data FILE``: the example's model fitted to your own rows."""
    from gradtui.engine.examples import ROLLER_COASTER_MODEL
    from gradtui.engine.playground import Playground

    data = _read_data(args.data)
    playground = Playground(mode="fit", fn=ROLLER_COASTER_MODEL, start="random", seed=args.seed)
    try:
        problem = playground.with_(data_csv=data.to_text()).problem()
    except _engine_errors() as err:
        raise CliError(_describe(err)) from None
    return _run(problem, args)


def _run(problem: Any, args: argparse.Namespace) -> int:
    from gradtui.engine.history import MAX_POINTS, Thinned
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

    freeze_heap()  # the run keeps records: spare the collector torch's heap
    # --json prints every step; the table samples rows and the chart is 72 columns wide, so
    # without it an evenly thinned sample keeps memory flat on long runs.
    kept: Thinned[StepRecord] = Thinned(10**12 if args.json else MAX_POINTS)
    for item in stepper.run():
        if isinstance(item, StepRecord):
            kept.add(item)
    records = kept.items
    stop = stepper.stopped
    if stop.reason == "error":
        raise CliError(stop.message.removeprefix("error: "))
    if args.json:
        print(_dumps(run_json(problem, args.lr, records, stop)))
    else:
        print(render_run(problem, records, stop, color=sys.stdout.isatty()))
    return 0


def cmd_lr_find(args: argparse.Namespace) -> int:
    """``gradtui lr-find``: the sweep on an expression or an example, as a table or JSON."""
    from gradtui.engine.lrfind import render_lr_find

    if (args.expr is None) == (args.example is None):
        raise CliError("give an expression with --from, or --example roller-coaster (not both)")
    if args.example is not None:
        if args.start:
            raise CliError("--from is for an expression; --example starts from its own weights")
        from gradtui.engine.examples import example_problem

        problem = example_problem(args.example, seed=args.seed, dtype=args.dtype)
    else:
        if not args.start:
            raise CliError("an expression needs a starting point: add --from, e.g. --from 3")
        from gradtui.engine.problem import descend_problem
        from gradtui.engine.values import parse_assignments

        try:
            problem = descend_problem(args.expr, parse_assignments(args.start), args.dtype)
        except _engine_errors() as err:
            raise CliError(_describe(err)) from None
    from gradtui.engine.lrfind import lr_find

    try:
        result = lr_find(problem)
    except _engine_errors() as err:
        raise CliError(_describe(err)) from None
    if args.json:
        print(_dumps({"expr": problem.expr.text, **result.to_json()}))
    else:
        print(render_lr_find(result))
    return 0
