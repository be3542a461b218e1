"""``gradtui run FILE``: run a program written in gradtui's PyTorch subset.

Exit status 0 when it ran to its end, 1 when it raised (the learner's error), 2 when it was
refused before running, stopped by a budget, or on bad usage. ``--json`` prints one object:
``variables`` (every top-level name holding a number or a tensor, tensors as nested lists),
``grads``, ``printed``, ``error``, ``refused``, ``stopped``, ``notes``, ``warnings``, ``losses``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gradtui.cli.common import EXIT_BAD_INPUT, CliError, dumps

EXAMPLES = """examples:
  gradtui run loop.py                 # the printed lines, then the error if there is one
  gradtui run loop.py --json          # variables, grads, printed, error, refused, stopped
  cat loop.py | gradtui run -         # the program from standard input"""
MAX_BYTES = 100_000
# Tensors with more elements are listed by shape and dtype in --json, not number by number.
JSON_ELEMENTS = 100_000


def add_command(sub: Any) -> None:
    """Register ``run`` on the command line's subparsers."""
    run = sub.add_parser(
        "run",
        help="run a program written in gradtui's PyTorch subset",
        description="Run a program in gradtui's PyTorch subset (checked before it runs, "
        "within budgets). Exit status: 0 ran to the end, 1 the program raised an error, "
        "2 refused, stopped by a budget, or bad usage.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("file", metavar="FILE", help="the program ('-' reads standard input)")
    run.add_argument("--json", action="store_true", help="print one JSON object")


def read_program(name: str) -> str:
    """The program's text, or a ``CliError`` naming the file."""
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with Path(name).open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise CliError(f"cannot read {name}: {err.strerror or err}") from None
    if len(raw) > MAX_BYTES:
        raise CliError(f"{name} is larger than {MAX_BYTES:,} bytes: a program is shorter")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CliError(f"{name} is not UTF-8 text (byte {err.start + 1})") from None


def cmd_run(args: argparse.Namespace) -> int:
    """Run the file; print the output (text) or one JSON object."""
    from gradtui.engine.program.run import run_program

    text = read_program(args.file)
    run, result = run_program(text)
    if args.json:
        print(dumps(result_json(run, result)))
    else:
        _print_text(result)
    if result.status == "finished":
        return 0
    return 1 if result.status == "error" else EXIT_BAD_INPUT


def _print_text(result: Any) -> None:
    """What the program printed (its text is the program's: cleaned of what a terminal acts
    on), then warnings, notes and how it ended, on standard error."""
    from gradtui.engine.program.errors import render_refusal
    from gradtui.safe_text import clean

    for line in result.printed:
        print(clean(line))
    sys.stdout.flush()
    for warning in result.warnings:
        print(clean(warning), file=sys.stderr)
    for note in result.notes:
        print(f"note: {clean(note)}", file=sys.stderr)
    if result.error is not None:
        print(clean(result.error.render()), file=sys.stderr)
    elif result.stop is not None:
        print(clean(result.stop.render()), file=sys.stderr)
    elif result.refused is not None:
        print(clean(render_refusal(result.refused)), file=sys.stderr)


def result_json(run: Any, result: Any) -> dict[str, Any]:
    """The ``--json`` object of a run (``run`` is None when the program was refused)."""
    variables: dict[str, Any] = {}
    grads: dict[str, Any] = {}
    if run is not None:
        for name, value in run.globals.items():
            if name in run.prelude and run.prelude[name] is value:
                continue
            listed = json_value(value)
            if listed is not None:
                variables[name] = listed
            grad = _grad(value)
            if grad is not None:
                grads[name] = json_value(grad)
    return {
        "variables": variables,
        "grads": grads,
        "printed": list(result.printed),
        "error": result.error.to_json() if result.error else None,
        "refused": result.refused.to_json() if result.refused else None,
        "stopped": result.stop.to_json() if result.stop else None,
        "notes": list(result.notes),
        "warnings": list(result.warnings),
        "losses": list(result.losses),
    }


def json_value(value: Any) -> Any:
    """A number as is, a tensor as nested lists (a large one by shape); anything else None."""
    import torch

    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, torch.Tensor):
        if value.numel() > JSON_ELEMENTS:
            return {"shape": list(value.shape), "dtype": str(value.dtype), "omitted": True}
        return value.detach().tolist()
    return None


def _grad(value: Any) -> Any:
    from gradtui.engine.program.snapshot import leaf_grad

    return leaf_grad(value)
