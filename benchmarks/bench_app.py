"""The running app: event-loop stalls, Run mode speed, key latency and memory.

Each run starts ``app_probe.py`` (the real app with a 10 ms heartbeat timer and counters) in
a 120x40 pty:

- ``load``: the longest gap between heartbeats from the first paint until torch is ready,
  and then for 2 s of idling (the machine's own noise, as a yardstick).
- ``run:x2`` / ``run:fit``: the sandbox running ``x**2`` / the roller-coaster fit at full
  speed with live plots: steps/s, plot redraws/s and the longest heartbeat gap over 5 s,
  against the hand-written loop that keeps the same records as the stepper (the loss, values
  and grads of each step), run in this process just before (same run, same load).
  Meanwhile ``l`` (log loss) is pressed 12 times through the pty: latency is from writing
  the key to the plot title's new text arriving. ``run:x2`` then keeps running to 100,000
  steps for the memory figures.
- memory: the app's RSS idle in the sandbox (torch loaded, plots drawn) against the RSS of
  ``python -c "import torch"`` measured just before, in the same run: the app's overhead over
  torch itself, whichever build of torch (a CUDA build maps several hundred MiB more).

Run: ``.venv/bin/python benchmarks/bench_app.py [--runs N] [--steps N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

from _pty import ROOT, Terminal, python
from _table import median, table, verdict
from bench_engine import recording_fit, recording_square

GAP_GOAL_MS = 100
SPEED_GOAL = 0.5
REDRAW_GOAL = 15
LATENCY_GOAL_MS = 50
RSS_OVERHEAD_GOAL_MIB = 80  # the app idle, over a bare `import torch`
BARE_TORCH_RSS = (
    "import gc, pathlib, torch; gc.collect(); "
    "print(next(int(line.split()[1]) for line in "
    "pathlib.Path('/proc/self/status').read_text().splitlines() if line.startswith('VmRSS:')))"
)
PRESSES = 12
TITLES = (b"(l: linear)", b"(l: log10)")  # the loss plot's title after each press of l


def bare_rate(loop, seconds: float = 2.0) -> float:
    """Steps/s of a hand-written loop over about ``seconds``."""
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        loop(1000)
        steps += 1000
    return steps / (time.perf_counter() - start)


def probe(
    mode: str,
    steps: int = 0,
    presses: int = 0,
    extra: tuple[str, ...] = (),
    tree: Path | None = None,
) -> tuple[dict, list[float]]:
    """Run app_probe.py in a pty; its JSON result and the key latencies (seconds).

    ``tree``: another checkout of gradtui whose app to run (by this checkout's probe).
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        argv = python(str(ROOT / "benchmarks" / "app_probe.py"), mode, str(out))
        env = {"PYTHONPATH": str(tree)} if tree else None  # before the installed gradtui
        terminal = Terminal([*argv, "--steps", str(steps), *extra], env=env)
        latencies = []
        try:
            if presses:
                terminal.wait_for(b"running", timeout=120)
                terminal.drain(1.2)  # past the probe's warm-up
                for i in range(presses):
                    position = terminal.send(b"l")
                    sent = time.perf_counter()
                    terminal.wait_for(TITLES[i % 2], start=position, timeout=10)
                    latencies.append(terminal._times[-1] - sent)
                    terminal.drain(0.2)
            deadline = time.perf_counter() + 600
            while terminal.process.poll() is None and time.perf_counter() < deadline:
                terminal.drain(0.5)
        except RuntimeError:  # the probe exited while we read: its result is written
            pass
        finally:
            terminal.close()
        return json.loads(out.read_text()), latencies


def bare_torch_rss_mib() -> float:
    """RSS of a Python that has only imported torch (the yardstick of the app's memory)."""
    out = subprocess.run(python("-c", BARE_TORCH_RSS), capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if values else 0.0


class Measures:
    """Each measure's value in every run, and the key latencies, of one app."""

    def __init__(self) -> None:
        self.values: dict[str, list[float]] = {}
        self.latencies: list[float] = []

    def add(self, key: str, value: float) -> None:
        self.values.setdefault(key, []).append(value)

    def med(self, key: str) -> float:
        return median(self.values.get(key, []))


def measure_run(m: Measures, steps: int, tree: Path | None) -> None:
    """One run of every mode of the app in ``tree`` (None: this checkout) into ``m``."""
    result, _ = probe("load", tree=tree)
    m.add("load_gap", result["load"]["max_gap_ms"])
    m.add("idle_gap", result["idle"]["max_gap_ms"])
    for mode, loop in (("run:x2", recording_square), ("run:fit", recording_fit)):
        bare = bare_rate(loop)  # the yardstick, just before its app run
        result, keys = probe(mode, steps if mode == "run:x2" else 0, PRESSES, tree=tree)
        run = result["run"]
        m.add(f"{mode} bare", bare)
        m.add(f"{mode} app", run["steps_per_s"])
        m.add(f"{mode} ratio", run["steps_per_s"] / bare)
        m.add(f"{mode} redraws", run["redraws_per_s"])
        m.add(f"{mode} gap", run["max_gap_ms"])
        m.latencies += keys
        if mode == "run:x2" and steps:
            m.add("bare_rss", bare_torch_rss_mib())
            m.add("idle_rss", result["idle_rss_mib"])
            m.add("overhead", m.values["idle_rss"][-1] - m.values["bare_rss"][-1])
            marks = result["rss_by_steps"]
            m.add("end_rss", marks[-1][1] if marks else float("nan"))
            m.add("end_steps", marks[-1][0] if marks else 0)
            m.add("growth", marks[-1][1] - marks[0][1] if len(marks) > 1 else 0.0)


def rows_of(m: Measures, steps: int) -> list[tuple[str, str, str, bool | None]]:
    """(measure, median, goal, met) for each figure of one app."""
    gap = f"<= {GAP_GOAL_MS} ms"
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            "loop gap, first paint -> torch ready",
            f"{m.med('load_gap'):.0f} ms",
            gap,
            m.med("load_gap") <= GAP_GOAL_MS,
        ),
        ("loop gap, idle after (yardstick)", f"{m.med('idle_gap'):.0f} ms", "", None),
    ]
    for mode, name in (("run:x2", "x**2"), ("run:fit", "fit")):
        ratio, redraws = m.med(f"{mode} ratio"), m.med(f"{mode} redraws")
        run_gap = m.med(f"{mode} gap")
        rows += [
            (
                f"{name}: hand-written loop + records",
                f"{m.med(f'{mode} bare'):,.0f} steps/s",
                "",
                None,
            ),
            (f"{name}: Run mode, plots live", f"{m.med(f'{mode} app'):,.0f} steps/s", "", None),
            (
                f"{name}:   Run / hand-written (per run)",
                f"{ratio:.2f}x",
                f">= {SPEED_GOAL}x",
                ratio >= SPEED_GOAL,
            ),
            (
                f"{name}: plot redraws during Run",
                f"{redraws:.1f} /s",
                f">= {REDRAW_GOAL}/s",
                redraws >= REDRAW_GOAL,
            ),
            (f"{name}: loop gap during Run", f"{run_gap:.0f} ms", gap, run_gap <= GAP_GOAL_MS),
        ]
    key_p95 = p95(m.latencies) * 1000
    rows.append(
        (
            f"key -> screen during Run, p95 of {len(m.latencies)}",
            f"{key_p95:.0f} ms",
            f"<= {LATENCY_GOAL_MS} ms",
            key_p95 <= LATENCY_GOAL_MS,
        )
    )
    if not steps:
        return rows
    end_rss, growth = m.med("end_rss"), m.med("growth")
    return [
        *rows,
        ('RSS of python -c "import torch" (yardstick)', f"{m.med('bare_rss'):.0f} MiB", "", None),
        ("RSS idle, torch loaded", f"{m.med('idle_rss'):.0f} MiB", "", None),
        (
            "  idle - bare import torch (per run)",
            f"{m.med('overhead'):+.0f} MiB",
            f"<= +{RSS_OVERHEAD_GOAL_MIB} MiB",
            m.med("overhead") <= RSS_OVERHEAD_GOAL_MIB,
        ),
        (f"RSS after {m.med('end_steps'):,.0f} steps", f"{end_rss:.0f} MiB", "", None),
        ("  growth from 20,000 steps on", f"{growth:+.1f} MiB", "flat (< 20 MiB)", growth < 20),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--steps", type=int, default=100_000, help="steps for the memory run (0: none)"
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout of gradtui (e.g. an unpacked `git archive` of an earlier "
        "commit): its app runs in the same rotation and the table shows both side by side",
    )
    args = parser.parse_args()
    this, other = Measures(), Measures()
    for run in range(args.runs):
        trees = [None, args.against] if args.against else [None]
        for tree in trees if run % 2 else reversed(trees):  # each goes first every other run
            measure_run(other if tree else this, args.steps, tree)
    rows = rows_of(this, args.steps)
    title = "The running app, 120x40 pty"
    if not args.against:
        print(table(title, [(*row[:3], mark(row[3])) for row in rows], args.runs))
        return
    head = ("measure", f"{args.against.name}", "this checkout", "goal", "this")
    both = [
        (measure, theirs, ours, goal, mark(ok))
        for (measure, ours, goal, ok), (_, theirs, *_) in zip(
            rows, rows_of(other, args.steps), strict=True
        )
    ]
    print(table(f"{title}, medians of {args.runs} runs each, alternating", both, args.runs, head))


def mark(ok: bool | None) -> str:
    return "" if ok is None else verdict(ok)


if __name__ == "__main__":
    main()
