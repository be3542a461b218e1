"""One truth on screen: every panel shows the same step, and .grad as torch holds it."""

from __future__ import annotations

import re

import torch
from ui_support import ready, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.engine.expr.values import format_value
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.loss_plot import LossPlot
from gradtui.ui.widgets.playground_view import PlaygroundView

BIG = (160, 60)  # a lesson's playground shares the screen with its prose


def params_row(text: str, name: str = "x") -> list[str]:
    """The parameters panel's row for ``name``: its name and numbers (a prose table's
    header cell "x" is passed over: it is followed by no number)."""
    rows = (re.search(rf"│ ({name} +-?\d[^│]*)│", line) for line in text.splitlines())
    return next(found.group(1).split() for found in rows if found)


async def test_lesson_7_without_zeroing_shows_the_grad_piling_up(tmp_path):
    app = GradApp(lesson="7", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=BIG) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        app.screen.query_one("#zero_grad").value = False  # the task's one switch
        await wait_for(pilot, lambda: view.playground.zero_grad is False)
        await ready(pilot)
        for step, (x, grad) in enumerate([("2.4", "10.8"), ("1.32", "13.44")], 1):
            await pilot.press("s")
            await wait_for(pilot, lambda step=step: view.snapshot.step == step)
            await ready(pilot)
            text = screen_text(app)
            assert params_row(text) == ["x", x, grad]  # the parameters panel
            assert f"tensor({float(grad):.4f})" in text  # the autograd panel: x.grad
        assert "x.grad  # 10.8 + 2.64: added, never zeroed" in text  # ... and why
        assert "x: 2.4 - 10.8 × 0.1 → 1.32" in text  # the run line: the update it made
        assert "slope = piled-up .grad" in text  # the plot does not call it the tangent


async def test_the_loss_plot_shows_the_current_loss():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        plot = app.screen.query_one(LossPlot)
        assert plot.series == ([0], [9.0])  # before any step: the loss at the start
        await pilot.press("s")
        await wait_for(pilot, lambda: plot.series[0] == [0, 1])
        assert plot.series[1] == [9.0, torch.tensor(2.4).pow(2).item()]  # 9, then 5.76


_XS = [3.0]  # x after 0, 1, 2... steps, computed as torch does them (grown as needed)


def expected_x(steps: int) -> float:
    """x after ``steps`` steps of plain torch descent on x**2 from 3 with lr 0.01 (each step
    is computed once: a fast run is thousands of steps, read several times)."""
    x = torch.tensor(_XS[-1]).requires_grad_()
    while len(_XS) <= steps:
        (x**2).backward()
        with torch.no_grad():
            x -= x.grad * 0.01
            x.grad.zero_()
        _XS.append(x.item())
    return _XS[steps]


async def test_during_a_run_every_panel_shows_the_same_step():
    app = GradApp(sandbox=Playground(lr=0.01, max_steps=None))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        plot = app.screen.query_one(LossPlot)
        for speed in (5, 8):  # 200 steps a second, then as fast as it goes
            view.speed_index = speed
            await pilot.press("space")
            seen = set()
            for _ in range(6):
                await pilot.pause(0.15)
                text = screen_text(app)
                step = int(re.search(r"running · step (\d+) ·", text).group(1))
                x = expected_x(step)
                assert f">>> x  # after {step:,} steps" in text  # the autograd panel
                assert repr(torch.tensor(x).requires_grad_()) in text
                assert params_row(text)[1] == format_value(x, 6)  # the parameters
                assert f"near x = {x:.4g}" in text  # the function plot's title
                assert plot.series[0][-1] == step  # the loss plot ends at this step
                assert f"→ {x:.4g}" in text  # the run line's last update
                seen.add(step)
            assert len(seen) > 1  # the run moved while we looked
            await pilot.press("space")
            await ready(pilot)
