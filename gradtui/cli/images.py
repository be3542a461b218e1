"""The Fashion-MNIST commands: ``fit --example pullover-dress`` and ``data fetch fashion-mnist``.

Like the rest of the command line, building these parsers imports nothing heavy; numpy and
torch are imported when a command runs, and the progress bar comes from rich (not textual).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gradtui.safe_text import clean

PULLOVER_DRESS = "pullover-dress"
EXIT_FAILED = 1

FIT_EXAMPLES = """
  gradtui fit --example pullover-dress               # lr 1, 20 epochs, batches of 256
  gradtui fit --example pullover-dress --lr 100      # too large: diverges
  gradtui fit --example pullover-dress --data ~/fashion-mnist --epochs 5 --json"""

DATA_EXAMPLES = """examples:
  gradtui data fetch fashion-mnist                   # into the user data folder
  gradtui data fetch fashion-mnist --dest ~/fashion-mnist

The four files are checked (size, MD5, gzip and IDX headers) before they are kept; an
interrupted download resumes where it stopped when you run the command again."""


def add_fit_options(fit: argparse.ArgumentParser) -> None:
    """``fit``'s options for the pullover-dress example."""
    from gradtui.cli.common import setting

    fit.add_argument(
        "--epochs",
        type=setting("epochs"),
        help="pullover-dress: passes over the 12,000 training images (default 20)",
    )
    # Each example has its own lr and length (roller-coaster: lr 1e-5, 10 steps).
    fit.set_defaults(lr=None, steps=None)
    fit.epilog = (fit.epilog or "") + FIT_EXAMPLES


def add_data_parser(sub: Any) -> None:
    """The ``data`` command and its ``fetch`` subcommand."""
    from gradtui.cli.common import number_in

    data = sub.add_parser(
        "data",
        help="get the data sets that lessons use (data fetch ...)",
        epilog=DATA_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data_sub = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)
    fetch = data_sub.add_parser(
        "fetch",
        help="download a data set",
        epilog=DATA_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fetch.add_argument("dataset", choices=("fashion-mnist",), help="the data set")
    fetch.add_argument("--dest", metavar="DIR", help="where to save it (default: user data folder)")
    fetch.add_argument("--base-url", metavar="URL", help="download from this mirror instead")
    fetch.add_argument(
        "--deadline",
        type=number_in("--deadline", 0, what="a number of seconds", read=float, unit=" seconds"),
        metavar="SECONDS",
        help="give up when the download takes longer than this (default 1800: 30 minutes)",
    )


def cmd_fit_pullover_dress(args: argparse.Namespace, error: type[Exception]) -> int:
    """``fit --example pullover-dress``: the baseline, then the linear model per epoch."""
    from gradtui.engine.training.classifier import (
        BATCH_SIZE,
        EPOCHS,
        LR,
        EpochRecord,
        LinearTrainer,
        TrainEnd,
        pixel_similarity,
    )
    from gradtui.io.fashion import DataNotFound, load_pullover_dress
    from gradtui.io.idx import IdxError

    rules = {"--steps": args.steps, "--until-loss": args.until_loss, "--patience": args.patience}
    rules["--time-budget"] = args.time_budget
    for flag, value in rules.items():
        if value is not None:
            raise error(f"{flag} is for the roller-coaster example; pullover-dress takes --epochs")
    lr = LR if args.lr is None else args.lr
    epochs = EPOCHS if args.epochs is None else args.epochs
    try:
        data = load_pullover_dress(args.data)
    except (DataNotFound, IdxError) as err:
        raise error(str(err)) from None
    baseline = pixel_similarity(data)
    trainer = LinearTrainer(data, lr=lr, epochs=epochs, batch_size=BATCH_SIZE, seed=args.seed)
    text = not args.json
    if text:
        print(f"data: {clean(str(data.folder), one_line=True)}")  # a name from the user
        print(
            f"pixel similarity (closer to the mean pullover or the mean dress): "
            f"test accuracy {baseline.accuracy:.4f}"
        )
        print(
            f"linear model x@w + b: lr {lr:g}, batches of {BATCH_SIZE}, {epochs} epochs, "
            f"{len(data.train_x):,} training and {len(data.test_x):,} test images"
        )
        print("epoch  loss    test accuracy")
    rows = []
    end = None
    for item in trainer.run():
        if isinstance(item, EpochRecord):
            rows.append({"epoch": item.epoch, "loss": item.loss, "accuracy": item.accuracy})
            if text:
                print(f"{item.epoch:>5}  {item.loss:.4f}  {item.accuracy:.4f}", flush=True)
        elif isinstance(item, TrainEnd):
            end = item
    assert end is not None
    if text:
        print(f"stop: {end.message}")
        return 0
    from gradtui.cli.common import dumps

    print(
        dumps(
            {
                "example": PULLOVER_DRESS,
                "data": str(data.folder),
                "lr": lr,
                "batch_size": BATCH_SIZE,
                "seed": args.seed,
                "train_images": len(data.train_x),
                "test_images": len(data.test_x),
                "baseline_accuracy": baseline.accuracy,
                "epochs": rows,
                "stop": end.reason,
                "message": end.message,
                "final": {"epochs": end.epochs, "accuracy": end.accuracy},
            }
        )
    )
    return 0


def cmd_data(args: argparse.Namespace, error: type[Exception]) -> int:
    """``data fetch fashion-mnist``: download the four files, with a progress bar."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from gradtui.io.fashion import fetch_dir
    from gradtui.io.fetch import BASE_URL, DEADLINE, FetchError, fetch_all

    dest = Path(args.dest).expanduser() if args.dest else fetch_dir()
    base = args.base_url or BASE_URL
    if not base.endswith("/"):
        base += "/"
    if not base.startswith(("http://", "https://")):
        raise error(f"--base-url must start with http:// or https://, not '{base}'")
    bars: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        transient=False,
        disable=not sys.stderr.isatty(),
        console=_stderr_console(),
    ) as progress:

        def show(name: str, done: int, total: int) -> None:
            if name not in bars:
                bars[name] = progress.add_task(name, total=total)
            progress.update(bars[name], completed=done)

        try:
            paths = fetch_all(dest, base, progress=show, deadline=args.deadline or DEADLINE)
        except FetchError as err:
            print(f"gradtui: error: {clean(err)}", file=sys.stderr)  # it quotes the server
            return EXIT_FAILED
        except OSError as err:
            shown = clean(f"{dest}: {err.strerror or err}", one_line=True)
            print(f"gradtui: error: cannot write to {shown}", file=sys.stderr)
            return EXIT_FAILED
    print(f"Fashion-MNIST is in {clean(str(dest), one_line=True)} ({len(paths)} files)")
    return 0


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
