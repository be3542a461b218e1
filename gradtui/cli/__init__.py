"""The ``gradtui`` command line: the app by default, and scriptable engine commands.

Building the parser and ``--help`` import neither torch nor textual; each command imports what
it needs when it runs. Plain ``gradtui`` (the app, maybe with ``--lessons``) builds no parser:
argparse's thirteen subcommand parsers took longer than anything else before the app started.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gradtui.lazy import lazy_names

__all__ = ["CliError", "build_parser", "main"]

EXIT_FAILED = 1  # the command could not run (no torch, out of memory)


# Names this package offered when it imported them all at start, now imported on first use.
_LATER = {
    "EXIT_BAD_INPUT": "common",
    "CliError": "common",
    "find_lesson": "common",
    "build_parser": "parser",
    "cmd_descend": "runs",
    "cmd_fit": "runs",
    "cmd_grad": "runs",
    "cmd_lr_find": "runs",
    "cmd_serve": "runs",
    "read_data": "runs",
}


__getattr__ = lazy_names(__name__, _LATER)


def app_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """What the full parser makes of ``argv`` when it only opens the app, else None.

    Only ``--lessons DIR`` options (any number) qualify; anything else, even a spelling the
    full parser accepts (``--lessons=DIR``, an abbreviation), returns None and goes to it.
    """
    lessons, rest = [], list(argv)
    while rest:
        if len(rest) < 2 or rest[0] != "--lessons" or rest[1].startswith("-"):
            return None
        lessons.append(rest[1])
        del rest[:2]
    return argparse.Namespace(lessons=lessons, command=None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from gradtui import startup

    startup.start()  # the process-wide settings, before anything else is imported
    argv = sys.argv[1:] if argv is None else list(argv)
    app_args = app_arguments(argv)
    if app_args is not None:
        try:
            return open_app(app_args)
        except KeyboardInterrupt:
            return 130
        except (ImportError, OSError) as err:
            return no_torch(err)
    from gradtui.cli.common import EXIT_BAD_INPUT, CliError, find_lesson, lesson_dirs
    from gradtui.cli.parser import build_parser
    from gradtui.cli.runs import cmd_descend, cmd_fit, cmd_grad, cmd_lr_find, cmd_serve, read_data

    parser = build_parser()
    args = parser.parse_args(argv)
    args.lessons = lesson_dirs(args)
    try:
        if args.command in (None, "sandbox", "lesson"):
            if args.command == "sandbox" and args.data is not None:
                args.data_csv = read_data(args.data).to_text()
            if args.command == "sandbox":
                from gradtui.cli.sandbox import sandbox_playground

                if args.start is not None:  # the app's start field is one text
                    args.start = "; ".join(args.start)
                args.playground = sandbox_playground(args)
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
        if args.command == "run":
            from gradtui.cli.program import cmd_run

            return cmd_run(args)
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
        from gradtui.safe_text import clean

        print(f"gradtui: error: {clean(err)}", file=sys.stderr)  # it may quote a file
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except (ImportError, OSError) as err:
        return no_torch(err)
    except MemoryError:  # its own message is empty
        print("gradtui: error: out of memory: try fewer numbers or fewer steps", file=sys.stderr)
        return EXIT_FAILED


def no_torch(error: ImportError | OSError) -> int:
    """A failed ``import torch``: one message saying how to install it, exit status 1.

    Any other ``ImportError`` or ``OSError`` is a bug, raised again with its traceback.
    """
    from gradtui.torch_loading import torch_failed, torch_help

    if not torch_failed(error):
        raise error
    print(f"gradtui: error: {torch_help(error)}", file=sys.stderr)
    return EXIT_FAILED


def open_app(args: argparse.Namespace) -> int:
    from gradtui.ui.app import run_app

    return run_app(args)
