"""The commands that compute: grad, descend, fit, lr-find, and serve."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gradtui.cli.common import CliError, describe, dumps, engine_errors, wants_color


def cmd_grad(args: argparse.Namespace) -> int:
    """``gradtui grad``: the seed's three autograd steps at a point."""
    from gradtui.engine.autograd.probe import probe
    from gradtui.engine.expr.values import parse_assignments

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
    from gradtui.engine.expr.values import parse_assignments
    from gradtui.engine.training.problem import descend_problem

    try:
        problem = descend_problem(args.expr, parse_assignments(args.start), args.dtype)
    except engine_errors() as err:
        raise CliError(describe(err)) from None
    return run_problem(problem, args)


def cmd_fit(args: argparse.Namespace) -> int:
    """``gradtui fit``: the whole loop on example data."""
    from gradtui.engine.training.examples import example_problem

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
    from gradtui.io.csvdata import CsvError, read_csv_file

    try:
        data = read_csv_file(path)
    except CsvError as err:
        raise CliError(str(err)) from None
    from gradtui.safe_text import clean

    for note in data.notes:  # the file's name is the learner's: no control characters
        print(f"gradtui: note: {clean(f'{data.source}: {note}', one_line=True)}", file=sys.stderr)
    return data


def cmd_fit_csv(args: argparse.Namespace) -> int:
    """``gradtui fit --data FILE``: the example's model fitted to your own rows."""
    from gradtui.engine.training.examples import ROLLER_COASTER_MODEL
    from gradtui.engine.training.playground import Playground

    data = read_data(args.data)
    playground = Playground(mode="fit", fn=ROLLER_COASTER_MODEL, start="random", seed=args.seed)
    try:
        problem = playground.with_(data_csv=data.to_text()).problem()
    except engine_errors() as err:
        raise CliError(describe(err)) from None
    return run_problem(problem, args)


def run_problem(problem: Any, args: argparse.Namespace) -> int:
    from gradtui.engine.present.report import render_run, run_json
    from gradtui.engine.training.loop import Stepper, StopRules

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
    from gradtui.startup import freeze_heap

    freeze_heap()  # the run keeps records: spare the collector torch's heap (once a process)
    kept = keep_records(stepper, every_step=args.json)
    stop = stepper.stopped
    if stop.reason == "error":
        raise CliError(stop.message.removeprefix("error: "))
    dropped = dropped_note(kept)
    if args.json:
        out = run_json(problem, args.lr, kept.items, stop)
        if dropped:
            out["kept"] = {"steps": len(kept), "of": kept.offered, "every": kept.stride}
            out["kept"]["note"] = dropped
        print(dumps(out))
    else:
        print(render_run(problem, kept.items, stop, color=wants_color(sys.stdout)))
        if dropped and len(kept) < MIN_CHART_STEPS:  # fewer than the chart would show
            print(f"note: {dropped}")
    return 0


MIN_CHART_STEPS = 72  # the text chart's width: fewer kept steps than this is worth a note


def keep_records(stepper: Any, every_step: bool) -> Any:
    """Run ``stepper`` to its stop, keeping an evenly thinned sample of its records.

    Memory stays flat however long the run: the records kept hold at most the replay's
    budget of numbers (``steps_that_fit``). ``every_step`` (JSON) keeps every step within
    it; otherwise at most ``MAX_POINTS``, enough for the sampled table and the chart.
    """
    from gradtui.engine.training.history import MAX_POINTS, Thinned
    from gradtui.engine.training.loop import StepRecord
    from gradtui.engine.training.replay import steps_that_fit

    kept: Thinned[StepRecord] = Thinned()
    for item in stepper.run():
        if isinstance(item, StepRecord):
            if not kept.offered:  # every step has the same shapes: the first one says
                limit = steps_that_fit(item, 10**12 if every_step else MAX_POINTS)
                kept = Thinned(max(2, limit))
            kept.add(item)
    return kept


def dropped_note(kept: Any) -> str | None:
    """What was left out of the steps, and why (None when every step was kept)."""
    from gradtui.engine.training.replay import MAX_NUMBERS, numbers_per_step

    if len(kept) == kept.offered:
        return None
    size = numbers_per_step(kept.items[0])
    return (
        f"{len(kept):,} of the {kept.offered:,} steps are listed (steps 0, {kept.stride:,}, "
        f"{2 * kept.stride:,}, …): a run keeps at most {MAX_NUMBERS:,} numbers of parameters "
        f"and grads, and each step holds {size:,}"
    )


def cmd_lr_find(args: argparse.Namespace) -> int:
    """``gradtui lr-find``: the sweep on an expression or an example, as a table or JSON."""
    from gradtui.engine.training.lrfind import render_lr_find

    if (args.expr is None) == (args.example is None):
        raise CliError("give an expression with --from, or --example roller-coaster (not both)")
    if args.example is not None:
        if args.start:
            raise CliError("--from is for an expression; --example starts from its own weights")
        from gradtui.engine.training.examples import example_problem

        problem = example_problem(args.example, seed=args.seed, dtype=args.dtype)
    else:
        if not args.start:
            raise CliError("an expression needs a starting point: add --from, e.g. --from 3")
        from gradtui.engine.expr.values import parse_assignments
        from gradtui.engine.training.problem import descend_problem

        try:
            problem = descend_problem(args.expr, parse_assignments(args.start), args.dtype)
        except engine_errors() as err:
            raise CliError(describe(err)) from None
    from gradtui.engine.training.lrfind import lr_find

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
    from gradtui.web.serve import ServeError, serve

    try:
        serve(args.host, args.port, args.lessons, args.max_sessions, args.files)
    except ServeError as err:
        raise CliError(str(err)) from None
    return 0
