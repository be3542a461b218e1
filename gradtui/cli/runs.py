"""The commands that compute: grad, descend, fit, lr-find, and serve."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gradtui.cli.common import CliError, describe, dumps, engine_errors


def cmd_grad(args: argparse.Namespace) -> int:
    """``gradtui grad``: the seed's three autograd steps at a point."""
    from gradtui.engine.probe import probe
    from gradtui.engine.values import parse_assignments

    try:
        result = probe(args.expr, parse_assignments(args.at), dtype=args.dtype)
    except engine_errors() as err:
        raise CliError(describe(err)) from None
    if args.json:
        print(dumps(result.to_json()))
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
    except engine_errors() as err:
        raise CliError(describe(err)) from None
    return run_problem(problem, args)


def cmd_fit(args: argparse.Namespace) -> int:
    """``gradtui fit``: the whole loop on example data."""
    from gradtui.engine.examples import example_problem

    if args.example == "pullover-dress":
        from gradtui.cli.images import cmd_fit_pullover_dress

        return cmd_fit_pullover_dress(args, CliError)
    if args.epochs is not None:
        raise CliError("--epochs is for --example pullover-dress; the roller coaster takes --steps")
    args.lr = 1e-5 if args.lr is None else args.lr
    args.steps = 10 if args.steps is None else args.steps
    if args.data is not None:
        return cmd_fit_csv(args)
    return run_problem(example_problem(args.example, seed=args.seed), args)


def read_data(path: str) -> Any:
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

    data = read_data(args.data)
    playground = Playground(mode="fit", fn=ROLLER_COASTER_MODEL, start="random", seed=args.seed)
    try:
        problem = playground.with_(data_csv=data.to_text()).problem()
    except engine_errors() as err:
        raise CliError(describe(err)) from None
    return run_problem(problem, args)


def run_problem(problem: Any, args: argparse.Namespace) -> int:
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
    except engine_errors() as err:
        raise CliError(describe(err)) from None
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
        print(dumps(run_json(problem, args.lr, records, stop)))
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
        except engine_errors() as err:
            raise CliError(describe(err)) from None
    from gradtui.engine.lrfind import lr_find

    try:
        result = lr_find(problem)
    except engine_errors() as err:
        raise CliError(describe(err)) from None
    if args.json:
        print(dumps({"expr": problem.expr.text, **result.to_json()}))
    else:
        print(render_lr_find(result))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """``gradtui serve``: the app in web browsers, until Ctrl+C."""
    from gradtui.serve import ServeError, serve

    try:
        serve(args.host, args.port, args.lessons, args.max_sessions)
    except ServeError as err:
        raise CliError(str(err)) from None
    return 0
