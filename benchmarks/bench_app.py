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

Run: ``.venv/bin/python benchmarks/bench_app.py [--runs N] [--steps N]``.
"""

from __future__ import annotations

import argparse
import json
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
RSS_GOAL_MIB = 300
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
    mode: str, steps: int = 0, presses: int = 0, extra: tuple[str, ...] = ()
) -> tuple[dict, list[float]]:
    """Run app_probe.py in a pty; its JSON result and the key latencies (seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        argv = python(str(ROOT / "benchmarks" / "app_probe.py"), mode, str(out))
        terminal = Terminal([*argv, "--steps", str(steps), *extra])
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


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=100_000, help="steps for the memory run")
    args = parser.parse_args()
    m: dict[str, list[float]] = {}
    latencies: list[float] = []

    def add(key: str, value: float) -> None:
        m.setdefault(key, []).append(value)

    for _ in range(args.runs):
        result, _ = probe("load")
        add("load_gap", result["load"]["max_gap_ms"])
        add("idle_gap", result["idle"]["max_gap_ms"])
        for mode, loop in (("run:x2", recording_square), ("run:fit", recording_fit)):
            bare = bare_rate(loop)
            steps = args.steps if mode == "run:x2" else 0
            result, keys = probe(mode, steps, PRESSES)
            run = result["run"]
            add(f"{mode} bare", bare)
            add(f"{mode} app", run["steps_per_s"])
            add(f"{mode} ratio", run["steps_per_s"] / bare)
            add(f"{mode} redraws", run["redraws_per_s"])
            add(f"{mode} gap", run["max_gap_ms"])
            latencies += keys
            if mode == "run:x2":
                add("idle_rss", result["idle_rss_mib"])
                marks = result["rss_by_steps"]
                add("end_rss", marks[-1][1] if marks else float("nan"))
                add("end_steps", marks[-1][0] if marks else 0)
                add("growth", marks[-1][1] - marks[0][1] if len(marks) > 1 else 0.0)

    def med(key: str) -> float:
        return median(m[key])

    def row(measure: str, value: str, goal: str = "", ok: bool | None = None) -> tuple:
        return (measure, value, goal, "" if ok is None else verdict(ok))

    gap = f"<= {GAP_GOAL_MS} ms"
    rows = [
        row(
            "loop gap, first paint -> torch ready",
            f"{med('load_gap'):.0f} ms",
            gap,
            med("load_gap") <= GAP_GOAL_MS,
        ),
        row("loop gap, idle after (yardstick)", f"{med('idle_gap'):.0f} ms"),
    ]
    for mode, name in (("run:x2", "x**2"), ("run:fit", "fit")):
        ratio, redraws, run_gap = med(f"{mode} ratio"), med(f"{mode} redraws"), med(f"{mode} gap")
        rows += [
            row(f"{name}: hand-written loop + records", f"{med(f'{mode} bare'):,.0f} steps/s"),
            row(f"{name}: Run mode, plots live", f"{med(f'{mode} app'):,.0f} steps/s"),
            row(
                f"{name}:   Run / hand-written (per run)",
                f"{ratio:.2f}x",
                f">= {SPEED_GOAL}x",
                ratio >= SPEED_GOAL,
            ),
            row(
                f"{name}: plot redraws during Run",
                f"{redraws:.1f} /s",
                f">= {REDRAW_GOAL}/s",
                redraws >= REDRAW_GOAL,
            ),
            row(f"{name}: loop gap during Run", f"{run_gap:.0f} ms", gap, run_gap <= GAP_GOAL_MS),
        ]
    key_p95 = p95(latencies) * 1000
    end_rss, growth = med("end_rss"), med("growth")
    rows += [
        row(
            f"key -> screen during Run, p95 of {len(latencies)}",
            f"{key_p95:.0f} ms",
            f"<= {LATENCY_GOAL_MS} ms",
            key_p95 <= LATENCY_GOAL_MS,
        ),
        row(
            "RSS idle, torch loaded",
            f"{med('idle_rss'):.0f} MiB",
            f"<= {RSS_GOAL_MIB} MiB",
            med("idle_rss") <= RSS_GOAL_MIB,
        ),
        row(
            f"RSS after {med('end_steps'):,.0f} steps",
            f"{end_rss:.0f} MiB",
            f"<= {RSS_GOAL_MIB} MiB",
            end_rss <= RSS_GOAL_MIB,
        ),
        row("  growth from 20,000 steps on", f"{growth:+.1f} MiB", "flat (< 20 MiB)", growth < 20),
    ]
    print(table("The running app, 120x40 pty", rows, args.runs))


if __name__ == "__main__":
    main()
