"""Replay in the real app: scrub a run with the keys and read every panel off the screen."""

from __future__ import annotations

import numpy as np
import torch
from ui_support import ready, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.engine.expr.values import format_value
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.replay import ReplayBuffer
from gradtui.ui.app import GradApp
from gradtui.ui.screens.home import HomeScreen
from gradtui.ui.screens.sandbox import SandboxScreen
from gradtui.ui.widgets.playground_view import PlaygroundView
from gradtui.ui.widgets.seven_steps import SevenSteps

SIZE = (120, 40)


def xs_of_plain_descent(steps: int, x0: float = 3.0, lr: float = 0.1) -> list[float]:
    x = torch.tensor(x0).requires_grad_()
    xs = [x.item()]
    for _ in range(steps):
        (x**2).backward()
        with torch.no_grad():
            x -= x.grad * lr
            x.grad.zero_()
        xs.append(x.item())
    return xs


async def finished_run(pilot, steps: int = 10) -> PlaygroundView:
    await ready(pilot)
    view = pilot.app.screen.query_one(PlaygroundView)
    view.speed_index = 8  # as fast as possible
    await pilot.press("space")
    await wait_for(pilot, lambda: view.snapshot.stop is not None)
    await ready(pilot)
    assert view.snapshot.stop.steps == steps
    return view


def params_row(text: str, name: str = "x") -> str:
    return next(line for line in text.splitlines() if line.startswith(f"│ {name} "))


async def test_scrubbing_shows_each_steps_state_in_every_panel():
    xs = xs_of_plain_descent(10)
    app = GradApp(sandbox=Playground(max_steps=10))
    async with app.run_test(size=SIZE) as pilot:
        view = await finished_run(pilot)
        await pilot.press("left", "left", "left")
        await ready(pilot)
        text = screen_text(app)
        assert view.replay_at == 7
        assert text.count("replay: step 7 of 10") == 2  # the plot's title and the run panel
        assert format_value(xs[7], 6) in params_row(text)  # parameters
        # autograd panel: the run's own x at step 7, as torch prints it
        assert ">>> x  # after 7 steps of x -= x.grad * lr" in text
        assert repr(torch.tensor(np.float32(xs[7])).requires_grad_()) in text
        assert f"step 6: x: {xs[6]:.4g} - " in text  # the update that led here
        assert f"near x = {xs[7]:.4g}" not in text  # the plot's live title is replaced
        assert view.query_one(SevenSteps).current == "step"
        assert max(view.query_one("LossPlot").series[0]) == 7  # loss so far

        await pilot.press("home")
        await ready(pilot)
        text = screen_text(app)
        assert "replay: step 0 of 10" in text
        assert "step 0: the starting weights" in text
        assert "tensor(9., grad_fn=<PowBackward0>)" in text
        assert view.query_one(SevenSteps).current == "init"

        await pilot.press("end")
        await ready(pilot)
        text = screen_text(app)
        assert "replay: step 10 of 10" in text
        assert "out of steps: made 10 steps" in text
        # the table widens its column on its next refresh: wait for it rather than race it
        await wait_for(pilot, lambda: format_value(xs[10], 6) in params_row(screen_text(app)))
        assert view.query_one(SevenSteps).current == "stop"

        await pilot.press("right")  # past the end: stays at the latest step
        await pilot.press("left")
        await ready(pilot)
        assert view.replay_at == 9


async def test_escape_leaves_replay_first_and_the_screen_second():
    app = GradApp(sandbox=Playground(max_steps=10))
    async with app.run_test(size=SIZE) as pilot:
        view = await finished_run(pilot)
        await pilot.press("b")
        await ready(pilot)
        assert "replay: step 10 of 10" in screen_text(app)
        await pilot.press("escape")
        await ready(pilot)
        assert not view.replaying
        assert isinstance(app.screen, SandboxScreen)
        assert "replay" not in screen_text(app)
        assert "stopped · step 10" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen)


async def test_stepping_leaves_replay_and_continues_the_live_run():
    xs = xs_of_plain_descent(4)
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        for n in range(3):
            await pilot.press("s")
            await wait_for(pilot, lambda n=n: view.snapshot.step == n + 1)
        await ready(pilot)
        await pilot.press("home")
        await ready(pilot)
        assert view.replay_at == 0
        await pilot.press("s")
        await wait_for(pilot, lambda: view.snapshot.step == 4)
        await ready(pilot)
        assert not view.replaying
        assert format_value(xs[4], 6) in params_row(screen_text(app))  # from the live state
        await pilot.press("b")  # entering replay pauses nothing and goes to the latest step
        assert view.replay_at == 4


async def test_arrows_in_a_field_move_its_cursor_until_enter_leaves_it():
    app = GradApp(sandbox=Playground(max_steps=5))
    async with app.run_test(size=SIZE) as pilot:
        view = await finished_run(pilot, steps=5)
        field = app.screen.query_one("#fn")
        await pilot.click("#fn")
        field.cursor_position = len(field.value)
        await pilot.press("left")
        assert field.cursor_position == len(field.value) - 1
        assert not view.replaying
        await pilot.press("enter", "left")
        await ready(pilot)
        assert view.replay_at == 4


async def test_nothing_to_replay_before_the_first_step():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        notes: list[str] = []
        view.notify = lambda message, **_: notes.append(message)
        await pilot.press("b")
        await pilot.pause(0.1)
        assert not view.replaying
        assert notes == ["nothing to replay yet: step (s) or run (space) first"]


async def test_older_steps_that_are_not_kept_are_named():
    app = GradApp(sandbox=Playground(max_steps=20))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        view.run.replay = ReplayBuffer(max_steps=5)
        view = await finished_run(pilot, steps=20)
        await pilot.press("home")
        await ready(pilot)
        text = screen_text(app)
        assert view.replay_at == 15
        assert "replay: step 15 of 20" in text
        assert "steps 0 to 14 are not kept: replay holds the last 5 steps" in text


async def test_replay_works_in_a_lesson(tmp_path):
    app = GradApp(lesson="15", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")  # task 2: the replay question
        await wait_for(pilot, lambda: app.screen.task_index == 1)
        view = await finished_run(pilot)
        # The prose may have the focus (arrows scroll it): b enters replay and takes it.
        await pilot.press("b", "home", "right", "right")
        await ready(pilot)
        text = screen_text(app)
        assert view.replay_at == 2
        assert "replay: step 2 of 10" in text
        assert ">>> w  # after 2 steps" in text
        assert "tensor(0.79" in text  # the lesson's accepted answer


async def test_palette_entries_for_replay_and_import(tmp_path):
    app = GradApp(sandbox=Playground(max_steps=3))
    async with app.run_test(size=SIZE) as pilot:
        view = await finished_run(pilot, steps=3)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Replay", "Import data (CSV)", "Use the example data"} <= set(commands)
        commands["Replay"].callback()
        await ready(pilot)
        assert view.replay_at == 3
        assert "replay: step 3 of 3" in screen_text(app)

    app = GradApp(lesson="15", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Replay" in titles and "Import data (CSV)" not in titles
