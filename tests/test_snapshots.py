"""Snapshots of the key screens (regenerate with: pytest --snapshot-update)."""

from __future__ import annotations

from ui_support import lessons_loaded, ready, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.playground_view import PlaygroundView

SIZE = (120, 40)


def test_home(snap_compare):
    assert snap_compare(GradApp(), terminal_size=SIZE, run_before=lessons_loaded)


def test_sandbox_at_rest(snap_compare):
    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=ready)


def test_sandbox_after_ten_steps(snap_compare):
    async def ten_steps(pilot):
        await ready(pilot)
        view = pilot.app.screen.query_one(PlaygroundView)
        for n in range(1, 11):
            await pilot.press("s")
            await wait_for(pilot, lambda n=n: view.snapshot.step == n)
        await wait_for(pilot, lambda: view.phases_pending == 0)  # the highlight's last phase
        await ready(pilot)

    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=ten_steps)


def test_help(snap_compare):
    async def open_help(pilot):
        await ready(pilot)
        await pilot.press("f1")
        await pilot.pause(0.3)

    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=open_help)


def _lesson_two(tmp_path):
    from gradtui.curriculum.progress import ProgressStore

    return GradApp(lesson="2", store=ProgressStore(tmp_path / "progress.json"))


async def _lesson_checked(pilot):
    from gradtui.ui.widgets.task_panel import TaskStatus

    await ready(pilot)
    status = pilot.app.screen.query_one(TaskStatus)
    await wait_for(pilot, lambda: status.detail != "checking…")
    await pilot.wait_for_animation()
    await ready(pilot)


def test_lesson_120x40(snap_compare, tmp_path):
    assert snap_compare(_lesson_two(tmp_path), terminal_size=SIZE, run_before=_lesson_checked)


def test_lesson_80x24(snap_compare, tmp_path):
    assert snap_compare(_lesson_two(tmp_path), terminal_size=(80, 24), run_before=_lesson_checked)


def test_pullover_dress_after_a_run(snap_compare, tmp_path):
    """Lesson 10, task 2, after a full run at lr 1 on the small generated data."""
    from gradtui.curriculum.progress import ProgressStore
    from gradtui.ui.widgets.images_view import ImagesView
    from gradtui.ui.widgets.task_panel import TaskStatus

    store = ProgressStore(tmp_path / "progress.json")
    store.mark_solved("pullover-vs-dress", 0)

    async def run(pilot):
        await wait_for(pilot, lambda: pilot.app.torch_ready)
        view = pilot.app.screen.query_one(ImagesView)
        await wait_for(pilot, lambda: view.settled)
        await pilot.press("space")
        await wait_for(
            pilot,
            lambda: view.frame is not None and view.frame.end is not None and view.settled,
            timeout=90,  # the check trains the same model in its own thread meanwhile
            state=lambda: (view.progress(), view.running, view.problem, pilot.app.focused),
        )
        status = pilot.app.screen.query_one(TaskStatus)
        # The run on screen has ended: the check's verdict shows once its result and the
        # run's last frame have both reached the screen (in either order). The check trains
        # the model again in its own thread: on a loaded machine that takes a while.
        await wait_for(
            pilot,
            lambda: status.detail != "checking…" and "to see the verdict" not in status.detail,
            timeout=90,
            state=lambda: (status.detail, view.progress()),
        )
        await pilot.wait_for_animation()
        await ready(pilot)

    assert snap_compare(GradApp(lesson="10", store=store), terminal_size=SIZE, run_before=run)
