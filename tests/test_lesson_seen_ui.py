"""A lesson's ✓ comes from a run the learner saw: the run on screen is the one the check
judged, and the verdict shows once that run has got as far as the check read it."""

from __future__ import annotations

from ui_support import ready, screen_text, type_into, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.task_panel import TaskStatus

SIZE = (120, 40)


def status(app) -> TaskStatus:
    return app.screen.query_one(TaskStatus)


async def test_a_new_lr_after_a_finished_run_is_judged_on_its_own_run_on_screen(tmp_path):
    store = ProgressStore(tmp_path / "progress.json")
    app = GradApp(lesson="6", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.screen.query_one("#playground")
        await type_into(pilot, "lr", "0.01")
        await wait_for(pilot, lambda: view.playground.lr == 0.01)
        await pilot.press("plus", "plus", "plus", "plus", "plus")  # faster
        await pilot.press("space")
        await wait_for(pilot, lambda: view.ended() and view.settled)
        assert view.snapshot.step == 20
        await type_into(pilot, "lr", "0.1")
        await wait_for(pilot, lambda: view.playground.lr == 0.1)
        # The lr-0.01 run is gone: a fresh run of lr 0.1 waits at step 0, not yet judged.
        await wait_for(pilot, lambda: "run it to see the verdict" in status(app).detail)
        # The check of lr 0.1 has finished (and passed): its verdict waits for the run.
        await wait_for(pilot, lambda: app.screen._result and app.screen._result[0].passed)
        assert view.snapshot.step == 0 and not status(app).solved
        assert not store.is_solved("learning-rate", 0)
        assert "✓" not in screen_text(app)
        await pilot.press("space")  # run it: the ✓ comes with the run's end on screen
        await wait_for(pilot, lambda: status(app).solved)
        assert view.snapshot.step == 20 and view.snapshot.loss < 0.01
        assert store.is_solved("learning-rate", 0)
        assert f"{view.snapshot.loss:.6g}" in status(app).detail


async def test_space_on_a_stopped_run_runs_it_again_from_the_start(tmp_path):
    app = GradApp(lesson="6", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.screen.query_one("#playground")
        app.screen.set_focus(None)
        await pilot.press("plus", "plus", "plus", "plus", "plus", "space")
        await wait_for(pilot, lambda: view.ended() and view.settled)
        first = view.run
        await pilot.press("space")
        await wait_for(pilot, lambda: view.run is not first)
        assert any("again from the start" in n.message for n in app._notifications)
        await wait_for(pilot, lambda: view.ended() and view.settled)
        assert view.snapshot.step == 20


async def test_lesson_7_piling_up_is_judged_after_the_step_it_names(tmp_path):
    app = GradApp(lesson="7", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.screen.query_one("#playground")
        await pilot.click("#zero_grad")
        await wait_for(pilot, lambda: not view.playground.zero_grad)
        await wait_for(pilot, lambda: "run it to see the verdict" in status(app).detail)
        app.screen.set_focus(None)
        await pilot.press("s")  # step 1: .grad 10.8 on screen
        await wait_for(pilot, lambda: status(app).solved)
        assert view.snapshot.step == 1
        assert "10.8" in status(app).detail
