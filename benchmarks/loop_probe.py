"""The loop playground, instrumented, for bench_loop.py (which starts it in a pty; not run by
hand).

``loop_probe.py keys OUT``: the sandbox's loop playground on a long program, waiting for
keys (bench_loop.py presses F6 and times each answer); on quit it writes the time of each
panel redraw and the event loop's longest gaps to the JSON file OUT.
``loop_probe.py run:N OUT``: the same program run at N lines a second (0: as fast as it
goes); after a second's warm-up, redraws/s, lines/s and loop gaps over ``--seconds``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from app_probe import TICK, WARMUP, Ticks

import gradtui.ui.app
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp

# The seed's loop, long enough never to end during a measure.
PROGRAM = """\
def f(x):
    return x**2


x = torch.tensor(3.).requires_grad_()
lr = 0.1
for step in range(1000000):
    loss = f(x)
    loss.backward()
    with torch.no_grad():
        x -= x.grad * lr
        x.grad.zero_()
"""


class LoopProbe(GradApp):
    CSS_PATH = [str(Path(gradtui.ui.app.__file__).parent / path) for path in GradApp.CSS_PATH]

    def __init__(self, mode: str, out: str, seconds: float):
        super().__init__(sandbox=Playground(), loop=PROGRAM)
        self.mode, self.out, self.seconds = mode, out, seconds
        self.ticks = Ticks()
        self.draws: list[float] = []
        self.result: dict = {"mode": mode}

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(TICK, self.ticks.tick)
        self.watch(self, "torch_ready", self._torch_ready, init=False)

    def _view(self):
        from gradtui.ui.widgets.loop_view import LoopView

        return self.screen.query_one(LoopView)

    def _torch_ready(self, ready: bool) -> None:
        if ready:
            self.set_timer(0.5, self._instrument)

    def _instrument(self) -> None:
        view = self._view()
        draw = view._draw

        def counted(frame):
            draw(frame)
            self.draws.append(time.perf_counter())

        view._draw = counted
        self.ticks.start()
        if self.mode.startswith("run:"):
            lines = int(self.mode.split(":")[1])
            view.speed_index = view.SPEEDS.index(lines)
            view.show_status()
            view.action_run()
            self.set_timer(WARMUP, self._open)
        else:  # the header says so; bench_loop.py then presses keys
            self.screen.sub_title = "probe ready"

    def _open(self) -> None:
        self._window = (time.perf_counter(), len(self.draws), self._statements())
        self.ticks.start()
        self.set_timer(self.seconds, self._close)

    def _statements(self) -> int:
        frame = self._view().frame
        return frame.moment.statements if frame is not None and frame.moment else 0

    def _close(self) -> None:
        start, draws, statements = self._window
        elapsed = time.perf_counter() - start
        self.result["run"] = {
            "redraws_per_s": (len(self.draws) - draws) / elapsed,
            "lines_per_s": (self._statements() - statements) / elapsed,
            **self.ticks.summary(),
        }
        self.exit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode")
    parser.add_argument("out")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    app = LoopProbe(args.mode, args.out, args.seconds)
    app.run()
    app.result["draws"] = app.draws
    app.result["gaps"] = app.ticks.summary()
    Path(args.out).write_text(json.dumps(app.result))


if __name__ == "__main__":
    main()
