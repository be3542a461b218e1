"""``gradtui sandbox``: its options are checked before the app starts, named as typed."""

from __future__ import annotations

import argparse

from gradtui.cli.common import CliError

# Playground field -> the option that fills it
FLAGS = {"fn": "--fn", "start": "--from", "lr": "--lr"}


def sandbox_playground(args: argparse.Namespace):
    """The sandbox's playground from the options, or ``CliError`` naming each refused option
    with its message (and a caret under the column) as the app's form shows it."""
    from gradtui.engine.training.playground import Playground, parse_fields

    base = Playground().switch_mode("fit") if args.fit else Playground()
    if getattr(args, "data_csv", None):
        base = base.switch_mode("fit").with_(data_csv=args.data_csv)
    given = {"fn": args.fn, "start": args.start, "lr": None if args.lr is None else repr(args.lr)}
    playground, errors = parse_fields(base, {k: v for k, v in given.items() if v is not None})
    if errors:
        raise CliError("\n".join(f"{FLAGS.get(k, k)}: {m}" for k, m in errors.items()))
    return playground
