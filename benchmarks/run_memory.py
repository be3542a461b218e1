"""Memory of a long run: RSS while a run goes for 100,000 steps, in the engine and in the app.

Run by hand (timings and memory are not asserted in the test suite):

    .venv/bin/python benchmarks/run_memory.py            # engine and app
    .venv/bin/python benchmarks/run_memory.py engine     # the engine only

Prints the resident set size at checkpoints. The step history kept for the plots is
decimated (engine/training/history.py), so RSS should level off after the first few thousand steps.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

STEPS = 100_000
CHECKPOINTS = (1_000, 10_000, 25_000, 50_000, 75_000, 100_000)


def rss_mib() -> float:
    """This process's resident set size in MiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def engine(mode: str) -> None:
    from gradtui.engine.training.playground import Playground
    from gradtui.engine.training.run import Run

    playground = (
        Playground(max_steps=None)
        if mode == "descend"
        else Playground().switch_mode("fit").with_(max_steps=None)
    )
    run = Run(playground.stepper())
    start, t0 = rss_mib(), time.perf_counter()
    print(f"engine {mode}: start {start:.1f} MiB")
    run.resume_clock()
    while True:
        if run.advance():
            print(f"  stopped early: {run.stopped.message}")
            return
        done = run.stepper.step_index
        if done in CHECKPOINTS:
            rate = done / (time.perf_counter() - t0)
            kept = len(run.history)
            print(f"  step {done:>7,}: {rss_mib():6.1f} MiB  history {kept}  {rate:,.0f}/s")
        if done >= STEPS:
            return


async def app() -> None:
    from gradtui.engine.training.playground import Playground
    from gradtui.ui.app import GradApp
    from gradtui.ui.widgets.playground_view import PlaygroundView

    gradtui_app = GradApp(sandbox=Playground(max_steps=None))
    async with gradtui_app.run_test(size=(120, 40)) as pilot:
        while not gradtui_app.torch_ready:
            await pilot.pause(0.1)
        await pilot.pause(0.5)
        view = gradtui_app.screen.query_one(PlaygroundView)
        view.speed_index = len(view.SPEEDS) - 1  # as fast as possible
        start, t0 = rss_mib(), time.perf_counter()
        print(f"app descend: start {start:.1f} MiB")
        await pilot.press("space")
        marks = list(CHECKPOINTS)
        while marks:
            await pilot.pause(0.2)
            step = view.run.stepper.step_index
            while marks and step >= marks[0]:
                rate = step / (time.perf_counter() - t0)
                trail = len(view.run.history.trail)
                print(
                    f"  step {step:>7,}: {rss_mib():6.1f} MiB  history {len(view.run.history)}  "
                    f"trail {trail}  {rate:,.0f}/s"
                )
                marks.pop(0)
        await pilot.press("space")


if __name__ == "__main__":
    which = sys.argv[1:] or ["engine", "app"]
    if "engine" in which:
        engine("descend")
        engine("fit")
    if "app" in which:
        asyncio.run(app())
