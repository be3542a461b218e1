"""The command line's parser: building it and ``--help`` import neither torch nor textual."""

from __future__ import annotations

import argparse
from typing import Any

from gradtui import __version__
from gradtui.cli.common import (
    Parser,
    add_at_option,
    add_lessons_option,
    add_run_options,
    number_in,
    setting,
)

EXAMPLES = {
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
  gradtui serve --host 0.0.0.0 --max-sessions 30      # a room of 30 (about 250 MB each)
  gradtui serve --files workshop-data                 # learners import the CSV files in it
  gradtui --lessons my-lessons serve                  # with your own lessons too""",
    "lr-find": """examples:
  gradtui lr-find 'x**2' --from 3                     # one step per lr, 1e-7 up to 10
  gradtui lr-find --example roller-coaster --json""",
    "sandbox": """examples:
  gradtui sandbox --fn 'x**2' --from 3 --lr 0.1
  gradtui sandbox --fit                               # fit the roller coaster
  gradtui sandbox --data temps.csv                    # fit a model to your own CSV
  gradtui sandbox --loop                              # write the training loop in code
  gradtui sandbox --loop loop.py                      # ... starting from a file""",
    "lesson": """examples:
  gradtui lesson 2                                    # by its number in 'gradtui lessons'
  gradtui lesson first-gradient                       # or by its id
  gradtui --lessons my-lessons lesson my-own-id       # one of your own lessons""",
    "lessons": """examples:
  gradtui lessons                                     # the list, with your progress
  gradtui --lessons my-lessons lessons                # your own lessons in the list too
  gradtui lessons check my-lessons                    # validate a folder: file:line: message
  gradtui lessons check my-lessons --no-solve         # the same without torch (faster)""",
}

LESSONS_DESCRIPTION = """With no subcommand, lists every lesson with your progress: [x] solved,
[~] started, [ ] not yet, and > at the lesson the app opens on. 'lessons check DIR'
validates a folder of lesson files."""


def build_parser() -> argparse.ArgumentParser:
    """The parser for every command (cheap: imports nothing heavy)."""
    parser = Parser(
        prog="gradtui",
        description="Learn how a machine learns: autograd and gradient descent, live, "
        "in PyTorch. With no command, opens the app.",
        epilog="Run 'gradtui COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"gradtui {__version__}")
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        action="append",
        default=[],
        help="also load lessons from DIR (repeatable)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    grad = sub.add_parser(
        "grad",
        help="value, grad_fn and .grad of an expression at a point",
        epilog=EXAMPLES["grad"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grad.add_argument("expr", help="expression over named variables, e.g. 'x**2'")
    add_at_option(grad)
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
        epilog=EXAMPLES["descend"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    desc.add_argument("expr", help="the function to minimise, e.g. 'x**2'")
    desc.add_argument(
        "--from",
        dest="start",
        action="append",
        required=True,
        metavar="VALUES",
        help="starting value(s): 3 | 3,5 | x=3; y=1 (or repeat: --from x=3 --from y=1)",
    )
    add_run_options(desc, lr=None, steps=100)
    desc.add_argument("--dtype", default="float32", choices=("float32", "float64"))

    fit = sub.add_parser(
        "fit",
        help="the full seven-step loop on example data",
        epilog=EXAMPLES["fit"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument(
        "--example", default="roller-coaster", choices=("roller-coaster", "pullover-dress")
    )
    fit.add_argument(
        "--seed", type=setting("seed"), default=42, help="random seed for data and weights"
    )
    fit.add_argument(
        "--data",
        metavar="PATH",
        help="a CSV file of input,target columns "
        "(or the Fashion-MNIST folder with --example pullover-dress)",
    )
    add_run_options(fit, lr=1e-5, steps=10)
    _add_images_commands(fit, sub)

    _add_lr_find_parser(sub)

    sandbox = sub.add_parser(
        "sandbox",
        help="open the app's sandbox, prefilled",
        epilog=EXAMPLES["sandbox"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sandbox.add_argument("--fn", help="the function f(x), e.g. 'x**2'")
    sandbox.add_argument(
        "--from",
        dest="start",
        action="append",
        metavar="VALUES",
        help="starting value(s): 3 | 3,5 | x=3; y=1 (or repeat --from)",
    )
    sandbox.add_argument("--lr", type=setting("lr"), help="learning rate")
    sandbox.add_argument("--fit", action="store_true", help="open in fit mode (roller coaster)")
    sandbox.add_argument(
        "--data", metavar="FILE", help="open in fit mode on a CSV file of input,target columns"
    )
    sandbox.add_argument(
        "--loop",
        nargs="?",
        const="",
        metavar="FILE",
        help="open the loop playground (with the program in FILE, written in gradtui's subset)",
    )
    add_lessons_option(sandbox)

    lesson = sub.add_parser(
        "lesson",
        help="open a lesson in the app",
        epilog=EXAMPLES["lesson"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lesson.add_argument("number", help="the lesson's number or id, e.g. 2")
    add_lessons_option(lesson)

    lessons = sub.add_parser(
        "lessons",
        help="list the lessons with your progress; 'lessons check DIR' validates a folder",
        description=LESSONS_DESCRIPTION,
        epilog=EXAMPLES["lessons"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_lessons_option(lessons)
    lessons_sub = lessons.add_subparsers(dest="lessons_command", parser_class=Parser)
    check = lessons_sub.add_parser("check", help="validate a folder of lesson files")
    check.add_argument("dir", help="folder of lesson .md files")
    check.add_argument(
        "--no-solve", action="store_true", help="skip running each task's check (no torch)"
    )
    _add_serve_parser(sub)

    from gradtui.cli.graph_export import add_commands as add_graph_export

    add_graph_export(sub)
    from gradtui.cli.program import add_command as add_run

    add_run(sub)
    return parser


def _add_lr_find_parser(sub: Any) -> None:
    finder = sub.add_parser(
        "lr-find",
        help="fastai's learning-rate finder: loss vs lr from 1e-7 to 10, and a suggestion",
        epilog=EXAMPLES["lr-find"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    finder.add_argument("expr", nargs="?", help="the function to minimise (or use --example)")
    finder.add_argument(
        "--from",
        dest="start",
        action="append",
        metavar="VALUES",
        help="starting value(s) for EXPR: 3 | 3,5 | x=3; y=1 (or repeat --from)",
    )
    finder.add_argument("--example", choices=("roller-coaster",), help="fit this example instead")
    finder.add_argument(
        "--seed", type=setting("seed"), default=42, help="random seed for --example"
    )
    finder.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    finder.add_argument("--json", action="store_true", help="print one JSON object")


def _add_serve_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the app to web browsers (one app per browser tab)",
        description="Serve the app over HTTP: open the printed address in a browser.\n"
        "Listens on this computer only unless --host says otherwise.",
        epilog=EXAMPLES["serve"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; "
        "0.0.0.0: every network, anyone who can reach it)",
    )
    serve.add_argument(
        "--port",
        type=number_in("--port", 1, 65535, what="a port number"),
        default=8000,
        help="port to listen on (default 8000)",
    )
    add_lessons_option(serve)
    from gradtui.web.serve import DEFAULT_MAX_SESSIONS, MAX_SESSIONS_LIMIT

    serve.add_argument(
        "--max-sessions",
        type=number_in("--max-sessions", 1, MAX_SESSIONS_LIMIT),
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"most browser tabs served at once (default {DEFAULT_MAX_SESSIONS}); each runs "
        "its own app of about 250 MB, and a tab over the limit is told the server is full",
    )
    serve.add_argument(
        "--files",
        metavar="DIR",
        help="the only folder learners' apps may read and write files in (CSV imports, "
        "exports, screenshots), shared by every browser; default: a folder of each "
        "browser's own",
    )


def _add_images_commands(fit: argparse.ArgumentParser, sub: Any) -> None:
    """``fit --example pullover-dress`` options and the ``data`` command (Fashion-MNIST)."""
    from gradtui.cli.images import add_data_parser, add_fit_options

    add_fit_options(fit)
    add_data_parser(sub)
