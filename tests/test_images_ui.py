"""Lesson 10 in the real app, on small generated Fashion-MNIST files: train, step, solve."""

from __future__ import annotations

from ui_support import screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.io import fashion
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.images_view import ImagesView
from gradtui.ui.widgets.settings_form import SettingsForm
from gradtui.ui.widgets.task_panel import TaskStatus

SIZE = (120, 40)


async def images_ready(pilot) -> ImagesView:
    await wait_for(pilot, lambda: pilot.app.torch_ready)
    view = pilot.app.screen.query_one(ImagesView)
    await wait_for(pilot, lambda: view.settled)
    await pilot.pause(0.2)
    return view


async def test_train_to_the_end_then_solve_with_a_larger_lr(tmp_path):
    app = GradApp(lesson="10", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        view = await images_ready(pilot)
        text = screen_text(app)
        assert "600 images to learn from" in text and "(pixels 1.0000)" in text
        assert "pullover" in text and "learned: w - w(init)" in text
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: status.detail != "checking…")
        assert not status.solved and "checked at epoch 20" in status.detail
        await pilot.press("space")
        await wait_for(pilot, lambda: view.frame.end is not None)
        await wait_for(pilot, lambda: view.settled)
        # The verdict on the run just watched, not on one run out of sight.
        await wait_for(pilot, lambda: "best test accuracy 0.8" in status.detail)
        assert not status.solved
        assert view.frame.epochs == tuple(range(1, 21)) and len(view.frame.losses) == 20 * 3
        text = screen_text(app)
        assert "epoch 20/20 · batch 3/3" in text and "out of epochs: made 20 epochs" in text
        assert f"test acc. {view.frame.accuracies[-1]:.4f}" in text
        await pilot.press("right_square_bracket", "right_square_bracket")  # lr 0.01 -> 1
        await wait_for(pilot, lambda: view.playground.lr == 1)
        assert view.frame.epochs == ()  # a fresh run of lr 1: the one the check judges
        await pilot.press("space")
        await wait_for(pilot, lambda: status.solved)
        assert view.playground.lr == 1 and view.run.trainer.lr == 1
        assert "✓ solved" in screen_text(app)
    assert ProgressStore(tmp_path / "p.json").is_solved("pullover-vs-dress", 0)


async def test_step_does_one_mini_batch_and_reset_starts_again(tmp_path):
    app = GradApp(lesson="10", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        view = await images_ready(pilot)
        first = view.frame.weights.copy()
        assert not first.any()  # nothing learned yet
        await pilot.press("s")
        await wait_for(pilot, lambda: view.frame.latest is not None)
        latest = view.frame.latest
        assert (latest.epoch, latest.batch) == (1, 1) and len(view.frame.losses) == 1
        await wait_for(pilot, lambda: view.settled)
        assert view.frame.weights.any()
        await pilot.press("r")
        await pilot.pause(0.1)
        frame = view.frame
        assert frame.latest is None and frame.losses == () and not frame.weights.any()


async def test_the_same_settings_again_keep_the_run(tmp_path):
    """The form posts its settings unchanged (its selects announce their values as it mounts,
    a field is submitted as it was): the run goes on, it is not started over."""
    app = GradApp(lesson="10", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        view = await images_ready(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: view.frame.latest is not None and view.settled)
        form = app.screen.query_one(SettingsForm)
        form.post_message(SettingsForm.Changed(view.playground, {}))
        await pilot.pause(0.2)
        assert view.frame.latest is not None and len(view.frame.losses) == 1
        form.post_message(SettingsForm.Changed(view.playground.with_(epochs=3), {}))
        await wait_for(pilot, lambda: view.frame.latest is None)  # a real change starts over


async def test_without_data_the_lesson_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(fashion, "SYSTEM_DIRS", ())
    monkeypatch.delenv("GRADTUI_DATA")
    app = GradApp(lesson="10", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        view = await images_ready(pilot)
        text = screen_text(app)
        assert "Fashion-MNIST was not found" in text
        assert "sudo apt install dataset-fashion-mnist" in text
        assert "gradtui data fetch fashion-mnist" in text
        await pilot.press("space")
        await pilot.pause(0.2)
        assert not view.running and view.run is None


def test_shrink_averages_blocks_of_pixels():
    import numpy as np

    from gradtui.ui.widgets.pixel_image import shrink

    image = np.arange(16, dtype=np.float32).reshape(4, 4)
    assert shrink(image, 2).tolist() == [[2.5, 4.5], [10.5, 12.5]]
    assert shrink(image, 3).shape == (2, 2) and shrink(image, 1) is image


async def test_a_slow_check_that_was_replaced_does_not_report(tmp_path, monkeypatch):
    """Training checks take seconds: an older one finishing last must not set ✓ or ✗."""
    import threading

    from gradtui.curriculum.checks import CheckResult
    from gradtui.ui.screens import task_checking

    slow = {"started": threading.Event(), "release": threading.Event(), "done": False}

    def fake(check, playground, answer="", cancelled=None):
        if playground.lr == 0.1:  # slow: it ends when the test says, after the quick one
            slow["started"].set()
            slow["release"].wait(60)
            slow["done"] = True
            return CheckResult(True, "stale")
        return CheckResult(False, f"fresh {playground.lr:g}")

    monkeypatch.setattr(task_checking, "evaluate", fake)
    app = GradApp(lesson="10", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        await images_ready(pilot)
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: status.detail == "fresh 0.01")
        await pilot.press("right_square_bracket")  # lr 0.1: a slow check starts
        await wait_for(pilot, slow["started"].is_set)
        await pilot.press("right_square_bracket")  # lr 1: a quick one replaces it
        await wait_for(pilot, lambda: status.detail == "fresh 1")
        slow["release"].set()  # the slow one finishes last
        await wait_for(pilot, lambda: slow["done"])
        await pilot.pause()  # a report it made would reach the screen by now
        await pilot.pause()
        assert status.detail == "fresh 1" and not status.solved
