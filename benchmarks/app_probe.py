"""The real app, instrumented, for bench_app.py (which starts it in a pty; not run by hand).

``app_probe.py load OUT``: the home screen; records the event loop's longest gaps from the
first paint until torch is ready, then for 2 s of doing nothing, then exits.
``app_probe.py run:x2 OUT`` or ``run:fit OUT``: the sandbox at full speed, no step limit;
records steps/s, redraws/s and loop gaps while running, idle RSS after torch loaded, and RSS
every 20,000 steps up to ``--steps``. Results go to the JSON file OUT.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import sys
import time
from pathlib import Path

import gradtui.ui.app
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp

TICK = 0.01  # the event loop's heartbeat: a 10 ms timer
IDLE = 2.0  # seconds of idle loop measured after torch loaded (load mode)
WARMUP = 1.0  # seconds of running before the steps/s window opens


def rss_mib() -> float:
    """Resident memory of this process (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Ticks:
    """Longest gap between heartbeat ticks since ``start()``."""

    def __init__(self) -> None:
        self.last: float | None = None
        self.gaps: list[float] = []

    def start(self) -> None:
        self.last, self.gaps = time.perf_counter(), []

    def tick(self) -> None:
        now = time.perf_counter()
        if self.last is not None:
            self.gaps.append(now - self.last)
        self.last = now

    def summary(self) -> dict[str, float]:
        gaps = sorted(self.gaps) or [float("nan")]
        return {"max_gap_ms": gaps[-1] * 1000, "p99_gap_ms": gaps[int(len(gaps) * 0.99)] * 1000}


class ProbeApp(GradApp):
    # The app's own styles (CSS_PATH is relative to the module that sets it).
    CSS_PATH = [str(Path(gradtui.ui.app.__file__).parent / path) for path in GradApp.CSS_PATH]

    def __init__(
        self,
        mode: str,
        out: str,
        seconds: float,
        steps: int,
        switch: float | None,
        profile: str | None = None,
    ):
        sandbox = None
        if mode.startswith("run"):
            sandbox = Playground(max_steps=None)
            if mode == "run:fit":
                sandbox = sandbox.switch_mode("fit").with_(max_steps=None)
        super().__init__(sandbox=sandbox)
        self.mode, self.out, self.seconds, self.total_steps = mode, out, seconds, steps
        self.ticks = Ticks()
        self.result: dict = {"mode": mode}
        self.renders = 0
        self.switch = switch
        # The main thread's CPU time, not the wall clock: waiting for the GIL while the run's
        # thread steps is not the event loop's cost.
        self.profile = cProfile.Profile(time.thread_time) if profile else None
        self.profile_out = profile

    def on_mount(self) -> None:
        super().on_mount()
        if self.switch:  # to compare GIL switch intervals (the app sets its own)
            sys.setswitchinterval(self.switch)
        self.set_interval(TICK, self.ticks.tick)
        self.call_after_refresh(self.ticks.start)  # from the first paint on
        self.watch(self, "torch_ready", self._torch_ready, init=False)

    def _torch_ready(self, ready: bool) -> None:
        if not ready:
            return
        self.result["load"] = self.ticks.summary()
        if self.mode == "load":  # then, as a yardstick, the same loop with nothing to do
            self.ticks.start()
            self.set_timer(IDLE, self._idle_done)
        else:
            self.set_timer(1.0, self._start_run)

    def _idle_done(self) -> None:
        self.result["idle"] = self.ticks.summary()
        self._finish()

    def _view(self):
        from gradtui.ui.widgets.playground_view import PlaygroundView

        return self.screen.query_one(PlaygroundView)

    def _start_run(self) -> None:
        from gradtui.ui.widgets.loss_plot import LossPlot

        view = self._view()
        if not view.settled:
            self.set_timer(0.1, self._start_run)
            return
        gc.collect()
        self.result["idle_rss_mib"] = rss_mib()
        plot = self.screen.query_one(LossPlot)
        build = plot._build  # called once per drawn frame of the plot

        def counted(size):
            self.renders += 1
            return build(size)

        plot._build = counted
        view.speed_index = len(view.SPEEDS) - 1
        view.action_run()
        self.set_timer(WARMUP, self._open_window)

    def _open_window(self) -> None:
        self._window = (time.perf_counter(), self._view().run.stepper.step_index, self.renders)
        self._cpu = (time.thread_time(), time.process_time())
        self.ticks.start()
        if self.profile:  # the main thread only: where a frame's time goes
            self.profile.enable()
        self.set_timer(self.seconds, self._close_window)

    def _close_window(self) -> None:
        if self.profile:
            self.profile.disable()
            self.profile.dump_stats(self.profile_out)
        start, steps, renders = self._window
        elapsed = time.perf_counter() - start
        main_cpu = time.thread_time() - self._cpu[0]
        self.result["run_cpu"] = {
            "main_thread_share": main_cpu / elapsed,
            "process_share": (time.process_time() - self._cpu[1]) / elapsed,
        }
        self.result["run"] = {
            "steps_per_s": (self._view().run.stepper.step_index - steps) / elapsed,
            "redraws_per_s": (self.renders - renders) / elapsed,
            **self.ticks.summary(),
        }
        self.result["rss_by_steps"] = []
        self.set_interval(0.2, self._watch_memory)

    def _watch_memory(self) -> None:
        done = self._view().run.stepper.step_index
        marks = self.result["rss_by_steps"]
        if done >= 20_000 * (len(marks) + 1):
            marks.append([done, rss_mib()])
        if done >= self.total_steps:
            self._finish()

    def _finish(self) -> None:
        Path(self.out).write_text(json.dumps(self.result))
        self.exit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["load", "run:x2", "run:fit"])
    parser.add_argument("out")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--switch", type=float, help="GIL switch interval to try (seconds)")
    parser.add_argument("--profile", help="write the main thread's profile of the Run window here")
    args = parser.parse_args()
    ProbeApp(args.mode, args.out, args.seconds, args.steps, args.switch, args.profile).run()


if __name__ == "__main__":
    main()
