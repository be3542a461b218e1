"""``gradtui graph`` and ``gradtui export``: the computation graph and a runnable script.

Parsers cost nothing to build; each command imports the engine (and torch) only when run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gradtui.cli.common import (
    CliError,
    add_at_option,
    add_run_options,
    describe,
    dumps,
    engine_errors,
    find_lesson,
    number_in,
    setting,
)

EXAMPLES = {
    "graph": """examples:
  gradtui graph 'x**2' --at 3                 # PowBackward0 <- x, with values and grads
  gradtui graph '(x*sin(x)).sum()' --at 1,2,3 # vector nodes show their shapes
  gradtui graph 'x*w + b' --at x=2 --at w=3 --at b=1 --json""",
    "export": """examples:
  gradtui export 'x**2' --from 3 --lr 0.1 --steps 20 > descend.py
  gradtui export --fit --steps 10 -o roller_coaster.py   # fastbook's loop, same seed
  gradtui export --lesson 8 --task 2                     # a lesson task, as you left it""",
}


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``graph`` and ``export`` to the command line's subcommands."""
    graph = sub.add_parser(
        "graph",
        help="the grad_fn graph of an expression at a point, with values and grads",
        epilog=EXAMPLES["graph"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    graph.add_argument("expr", help="expression giving one number, e.g. 'x**2'")
    add_at_option(graph)
    graph.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    graph.add_argument("--json", action="store_true", help="print one JSON object")

    export = sub.add_parser(
        "export",
        help="a standalone PyTorch script that reproduces a run",
        epilog=EXAMPLES["export"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("expr", nargs="?", help="f to minimise, or with --fit the model")
    export.add_argument(
        "--from",
        dest="start",
        action="append",
        metavar="VALUES",
        help="3 | 3,5 | x=3; y=1 (or repeat: --from x=3 --from y=1)",
    )
    add_run_options(export, lr=None, steps=None, json=False)
    export.add_argument("--dtype", default=None, choices=("float32", "float64"))
    export.add_argument("--fit", action="store_true", help="fit the roller-coaster data")
    export.add_argument("--seed", type=setting("seed"), help="random seed of the data (with --fit)")
    export.add_argument("--lesson", metavar="N", help="export lesson N's task instead")
    export.add_argument(
        "--task", type=number_in("--task", 1, 1_000), default=1, help="task number (from 1)"
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def cmd_graph(args: argparse.Namespace) -> int:
    """``gradtui graph``: the traced graph as a text tree or JSON."""
    from gradtui.engine.autograd.graph import render_tree, trace_graph
    from gradtui.engine.expr.values import parse_assignments
    from gradtui.engine.training.problem import descend_problem

    try:
        problem = descend_problem(args.expr, parse_assignments(args.at), args.dtype)
        trace = trace_graph(problem)
    except engine_errors() as err:
        raise CliError(describe(err)) from None
    if args.json:
        data = {
            "expr": args.expr,
            "dtype": args.dtype,
            "value_repr": trace.value_repr,
            "graph": trace.root.to_dict(),
            "nodes": trace.total,
            "nodes_shown": trace.shown,
        }
        print(dumps(data))
        return 0
    print("\n".join(render_tree(trace)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``gradtui export``: the script on stdout, or in ``--output``."""
    from gradtui.engine.present.export import export_script

    try:
        playground = _lesson_playground(args) if args.lesson else _playground(args)
        script = export_script(playground)
    except engine_errors() as err:
        raise CliError(describe(err)) from None
    if not args.output:
        sys.stdout.write(script)
        return 0
    try:
        Path(args.output).write_text(script, encoding="utf-8")
    except OSError as err:
        raise CliError(f"cannot write {args.output}: {err.strerror or err}") from None
    from gradtui.safe_text import clean

    shown = clean(args.output, one_line=True)
    print(f"wrote {shown}: run it with python {shown}", file=sys.stderr)
    return 0


def _playground(args: argparse.Namespace):
    from gradtui.engine.training.playground import Playground, parse_fields

    if args.expr is None and not args.fit:
        raise CliError("give an expression to minimise (as in 'x**2' --from 3 --lr 0.1) or --fit")
    base = Playground().switch_mode("fit") if args.fit else Playground()
    texts = {
        "fn": args.expr,
        "start": None if args.start is None else "; ".join(args.start),
        "lr": args.lr,
        "max_steps": args.steps,
        "target": args.until_loss,
        "patience": args.patience,
        "time_budget": args.time_budget,
    }
    given = {
        k: repr(v) if isinstance(v, float) else str(v) for k, v in texts.items() if v is not None
    }
    playground, problems = parse_fields(base, given)
    if problems:
        raise CliError("\n".join(f"{_flag(k)}: {m.strip()}" for k, m in problems.items()))
    if args.dtype:
        playground = playground.with_(dtype=args.dtype)
    if args.seed is not None:
        playground = playground.with_(seed=args.seed)
    return playground


def _flag(field: str) -> str:
    flags = {"fn": "EXPR", "start": "--from", "max_steps": "--steps", "target": "--until-loss"}
    return flags.get(field, "--" + field.replace("_", "-"))


def _lesson_playground(args: argparse.Namespace):
    from gradtui.curriculum.progress import ProgressStore

    given = [
        flag
        for flag, value in (
            ("EXPR", args.expr),
            ("--from", args.start),
            ("--lr", args.lr),
            ("--steps", args.steps),
            ("--fit", args.fit or None),
        )
        if value is not None
    ]
    if given:
        raise CliError(f"--lesson exports the task as you left it: drop {', '.join(given)}")
    lesson = find_lesson(args.lesson, args.lessons)
    if not 1 <= args.task <= len(lesson.tasks):
        raise CliError(f"lesson {lesson.order} has tasks 1 to {len(lesson.tasks)}, not {args.task}")
    task = lesson.tasks[args.task - 1]
    store = ProgressStore()
    saved = store.task_inputs(lesson.id, args.task - 1, task)
    if store.notice:
        from gradtui.safe_text import clean

        print(f"gradtui: {clean(store.notice)}", file=sys.stderr)  # it quotes the file
    return task.playground(saved)
