"""The ``gradtui`` command line: the app by default, and scriptable engine commands.

Building the parser and ``--help`` import neither torch nor textual; each command imports what
it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gradtui.cli.common import EXIT_BAD_INPUT, CliError, find_lesson
from gradtui.cli.parser import build_parser
from gradtui.cli.runs import cmd_descend, cmd_fit, cmd_grad, cmd_lr_find, cmd_serve, read_data

__all__ = ["CliError", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "sandbox", "lesson"):
            if args.command == "sandbox" and args.data is not None:
                args.data_csv = read_data(args.data).to_text()
            if args.command == "sandbox":
                from gradtui.cli.sandbox import check_sandbox

                if args.start is not None:  # the app's start field is one text
                    args.start = "; ".join(args.start)
                check_sandbox(args)
            if args.command == "lesson":
                find_lesson(args.number, args.lessons)  # refused here, before the app starts
            return open_app(args)
        if args.command == "lessons":
            from gradtui.curriculum.commands import check_dir, list_lessons

            if args.lessons_command == "check":
                return check_dir(args.dir, solve=not args.no_solve)
            return list_lessons(args.lessons)
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "data":
            from gradtui.cli.images import cmd_data

            return cmd_data(args, CliError)
        handler = {
            "grad": cmd_grad,
            "descend": cmd_descend,
            "fit": cmd_fit,
            "lr-find": cmd_lr_find,
        }.get(args.command)
        if handler is None:
            from gradtui.cli.graph_export import cmd_export, cmd_graph

            handler = {"graph": cmd_graph, "export": cmd_export}[args.command]
        return handler(args)
    except CliError as err:
        print(f"gradtui: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def open_app(args: argparse.Namespace) -> int:
    from gradtui.ui.app import run_app

    return run_app(args)
