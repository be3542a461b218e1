"""The loop playground stepped line by line: panel redraws and key-to-screen latency.

Each run starts ``loop_probe.py`` (the real app on the sandbox's loop playground, with a
long program and a 10 ms heartbeat timer) in a 120x40 pty:

- ``keys``: F6 (one line) is written to the pty ``--presses`` times at 10 presses a second,
  then as many at 30 a second (a held key's repeat rate). A press's latency runs from writing
  it until the status line's statement count reaching that press arrives in the output
  (presses that come faster than lines queue up, so one frame may answer several). Redraws/s
  is the rate of panel redraws (every panel drawn from one frame) while the keys come at 30/s.
- ``run:N``: the program run at N lines a second (200, 1,000, and 0 for as fast as it goes):
  panel redraws/s and the event loop's longest gap over 5 s.

Run: ``.venv/bin/python benchmarks/bench_loop.py [--runs N] [--presses N]``.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import tempfile
import time
from pathlib import Path

from _pty import ROOT, Terminal, python
from _table import median, table, verdict
from bench_app import p95

REDRAW_GOAL = 20
LATENCY_GOAL_MS = 50
GAP_GOAL_MS = 100
F6 = b"\x1b[17~"
STATUS = re.compile(rb"\xc2\xb7  ([\d,]+) statements")
RATES = (10, 30)  # presses a second
SPEEDS = (200, 1000, 0)  # lines a second in run mode (0: as fast as it goes)


def arrivals(terminal: Terminal) -> list[tuple[int, int, float]]:
    """(output position, statement count, arrival time) of each status line written."""
    found = []
    for match in STATUS.finditer(terminal.output):
        chunk = bisect.bisect_left(terminal._ends, match.end())
        found.append((match.start(), int(match[1].replace(b",", b"")), terminal._times[chunk]))
    return found


def keys_run(presses: int) -> dict:
    """Presses of F6 at each rate of ``RATES``; latencies (s) per rate and the probe's result."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        terminal = Terminal(python(str(ROOT / "benchmarks" / "loop_probe.py"), "keys", str(out)))
        sent: dict[int, list[tuple[int, float]]] = {rate: [] for rate in RATES}
        windows = {}
        try:
            terminal.wait_for(b"probe ready", timeout=120)
            terminal.drain(0.5)
            for rate in RATES:
                begin = time.perf_counter()
                for i in range(presses):
                    due = begin + i / rate
                    terminal.drain(max(0.0, due - time.perf_counter()))
                    sent[rate].append((terminal.send(F6), time.perf_counter()))
                terminal.drain(1.0)
                windows[rate] = (begin, time.perf_counter() - 1.0)
            terminal.send(b"\x11")  # ctrl+q: the probe writes its result as it quits
            deadline = time.perf_counter() + 30
            while terminal.process.poll() is None and time.perf_counter() < deadline:
                terminal.drain(0.2)
        except RuntimeError:  # the probe exited while we read
            pass
        finally:
            terminal.close()
        result = json.loads(out.read_text())
    seen = arrivals(terminal)
    latencies: dict[int, list[float]] = {}
    count = 0
    for rate in RATES:
        latencies[rate] = []
        for position, when in sent[rate]:
            count += 1
            answer = next((t for p, n, t in seen if p >= position and n >= count), None)
            if answer is not None:
                latencies[rate].append(answer - when)
    draws = result["draws"]
    begin, end = windows[RATES[-1]]
    # draws are stamped with the probe's clock: the window in its terms is its own draws
    # between the first and the last answer to the fast presses.
    fast = [d for d in draws if d >= draws[-1] - (end - begin)] if draws else []
    span = (fast[-1] - fast[0]) if len(fast) > 1 else float("nan")
    return {
        "latencies": latencies,
        "redraws_per_s": (len(fast) - 1) / span if span == span and span > 0 else float("nan"),
        "max_gap_ms": result["gaps"]["max_gap_ms"],
        "answered": {rate: len(v) for rate, v in latencies.items()},
    }


def run_mode(lines: int) -> dict:
    """The probe running at ``lines`` a second: its measures."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        argv = python(str(ROOT / "benchmarks" / "loop_probe.py"), f"run:{lines}", str(out))
        terminal = Terminal(argv)
        try:
            deadline = time.perf_counter() + 300
            while terminal.process.poll() is None and time.perf_counter() < deadline:
                terminal.drain(0.5)
        except RuntimeError:
            pass
        finally:
            terminal.close()
        return json.loads(out.read_text())["run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--presses", type=int, default=60, help="F6 presses at each rate")
    args = parser.parse_args()
    latencies: dict[int, list[float]] = {rate: [] for rate in RATES}
    values: dict[str, list[float]] = {}
    for _ in range(args.runs):
        keys = keys_run(args.presses)
        for rate in RATES:
            latencies[rate] += keys["latencies"][rate]
        values.setdefault("keys redraws", []).append(keys["redraws_per_s"])
        values.setdefault("keys gap", []).append(keys["max_gap_ms"])
        for lines in SPEEDS:
            run = run_mode(lines)
            values.setdefault(f"run:{lines} redraws", []).append(run["redraws_per_s"])
            values.setdefault(f"run:{lines} lines", []).append(run["lines_per_s"])
            values.setdefault(f"run:{lines} gap", []).append(run["max_gap_ms"])
    rows = []
    for rate in RATES:
        ms = p95(latencies[rate]) * 1000
        rows.append(
            (
                f"F6 at {rate}/s: key -> screen p95 of {len(latencies[rate])}",
                f"{ms:.0f} ms (median {median(latencies[rate]) * 1000:.0f} ms)",
                f"<= {LATENCY_GOAL_MS} ms",
                verdict(ms <= LATENCY_GOAL_MS),
            )
        )
    redraws = median(values["keys redraws"])
    rows.append(
        (
            f"F6 at {RATES[-1]}/s: panel redraws",
            f"{redraws:.1f} /s",
            f">= {REDRAW_GOAL}/s",
            verdict(redraws >= REDRAW_GOAL),
        )
    )
    gap = median(values["keys gap"])
    rows.append(("F6 presses: longest loop gap", f"{gap:.0f} ms", "", ""))
    for lines in SPEEDS:
        name = f"{lines:,} lines/s" if lines else "max speed"
        redraws = median(values[f"run:{lines} redraws"])
        rows += [
            (
                f"Run at {name}: panel redraws",
                f"{redraws:.1f} /s ({median(values[f'run:{lines} lines']):,.0f} lines/s)",
                f">= {REDRAW_GOAL}/s",
                verdict(redraws >= REDRAW_GOAL),
            ),
            (
                f"Run at {name}: longest loop gap",
                f"{median(values[f'run:{lines} gap']):.0f} ms",
                f"<= {GAP_GOAL_MS} ms",
                verdict(median(values[f"run:{lines} gap"]) <= GAP_GOAL_MS),
            ),
        ]
    print(table("The loop playground, 120x40 pty", rows, args.runs))


if __name__ == "__main__":
    main()
