"""Start-up: first paint of ``gradtui`` vs a bare Textual app, and the first autograd result.

Each program runs in a real 120x40 pseudo-terminal; a time is from just before the process
is started until the bytes of the awaited text arrive. In one run, alternating: the bare app
(``bare_app.py``, the home screen's layout without torch), ``gradtui`` (its home screen, and
then its list of lessons, which fills in a moment after the first paint),
``python -c "import torch"`` (to exit), and ``gradtui sandbox --fn x**2 --from 3`` until
``PowBackward0`` (torch's answer) is on screen. Run: ``.venv/bin/python
benchmarks/bench_start.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _pty import ROOT, Terminal, python
from _table import median, table, verdict

PAINT_RATIO = 1.3
RESULT_MARGIN = 0.3
HOME_TEXT = b"Touch a gradient"  # the intro, in the first frame of both apps
LIST_TEXT = b"The seven steps"  # lesson 1 in the home list: the lessons are read after the paint
RESULT_TEXT = b"PowBackward0"


def first(argv: list[str], *markers: bytes) -> list[float]:
    """Seconds from starting ``argv`` in a pty until each of ``markers`` is on screen."""
    terminal = Terminal(argv)
    try:
        return [terminal.wait_for(marker) for marker in markers]
    finally:
        terminal.close()


def process_seconds(argv: list[str]) -> float:
    """Seconds from starting ``argv`` until it exits."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    gradtui = [sys.executable, "-m", "gradtui"]
    sandbox = [*gradtui, "sandbox", "--fn", "x**2", "--from", "3"]
    keys = ("bare", "home", "list", "torch", "result", "help")
    samples: dict[str, list[float]] = {k: [] for k in keys}
    ratios, list_ratios, margins = [], [], []
    process_seconds(python("-c", "import torch"))  # warm the page cache once
    for _ in range(args.runs):
        (bare,) = first(python(str(ROOT / "benchmarks" / "bare_app.py")), HOME_TEXT)
        home, listed = first(gradtui, HOME_TEXT, LIST_TEXT)
        torch = process_seconds(python("-c", "import torch"))
        (result,) = first(sandbox, RESULT_TEXT)
        samples["help"].append(process_seconds([*gradtui, "--help"]))
        measured = (("bare", bare), ("home", home), ("list", listed))
        for key, value in (*measured, ("torch", torch), ("result", result)):
            samples[key].append(value)
        ratios.append(home / bare)
        list_ratios.append(listed / bare)
        margins.append(result - torch)
    ratio, margin = median(ratios), median(margins)
    rows = [
        ("bare Textual app: first paint", f"{median(samples['bare']):.2f} s", "", ""),
        ("gradtui home: first paint", f"{median(samples['home']):.2f} s", "", ""),
        ("  gradtui / bare (per run)", f"{ratio:.2f}x", f"<= {PAINT_RATIO}x", ""),
        ("gradtui home: lessons listed", f"{median(samples['list']):.2f} s", "", ""),
        ("  listed / bare first paint (per run)", f"{median(list_ratios):.2f}x", "", ""),
        ('python -c "import torch"', f"{median(samples['torch']):.2f} s", "", ""),
        ("sandbox: first autograd result", f"{median(samples['result']):.2f} s", "", ""),
        ("  result - torch import (per run)", f"{margin:+.2f} s", f"<= +{RESULT_MARGIN} s", ""),
        ("gradtui --help (to exit)", f"{median(samples['help']):.2f} s", "", ""),
    ]
    rows[2] = (*rows[2][:3], verdict(ratio <= PAINT_RATIO))
    rows[7] = (*rows[7][:3], verdict(margin <= RESULT_MARGIN))
    print(table("Start-up, 120x40 pty", rows, args.runs))


if __name__ == "__main__":
    main()
