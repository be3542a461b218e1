"""``gradtui sandbox``: its options are checked before the app starts, named as typed."""

from __future__ import annotations

import argparse

from gradtui.cli.common import CliError, describe

# Playground field -> the option that fills it
FLAGS = {"fn": "--fn", "start": "--from", "lr": "--lr"}


def check_sandbox(args: argparse.Namespace) -> None:
    """Raise ``CliError`` naming each refused option, its text and a caret under the column."""
    from gradtui.engine.expr.values import ValueParseError
    from gradtui.engine.training.playground import Playground, field_errors

    base = Playground().switch_mode("fit") if args.fit else Playground()
    if getattr(args, "data_csv", None):
        base = Playground().switch_mode("fit").with_(data_csv=args.data_csv)
    given = {"fn": args.fn, "start": args.start, "lr": None if args.lr is None else repr(args.lr)}
    _, refused = field_errors(base, {k: v for k, v in given.items() if v is not None})
    messages = []
    for field, (err, typed) in refused.items():
        message = f"{FLAGS.get(field, field)}: {describe(err)}"
        # a column counts within one value; after x= it would not point into the whole text
        single = typed is not None and "=" not in typed and len(typed) <= 60
        if isinstance(err, ValueParseError) and err.column and single:
            message += f"\n{typed}\n{' ' * (err.column - 1)}^"
        messages.append(message)
    if messages:
        raise CliError("\n".join(messages))
