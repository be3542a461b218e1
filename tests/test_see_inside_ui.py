"""The graph (g), autograd-vs-numbers (d) and export (e) views, driven through the real app."""

from __future__ import annotations

from textual.worker import WorkerState
from ui_support import ready, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.engine.present.export import export_script
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.screens.export import ExportScreen
from gradtui.ui.screens.finite_diff import FiniteDiffScreen
from gradtui.ui.screens.graph import GraphScreen
from gradtui.ui.screens.sandbox import SandboxScreen
from gradtui.ui.widgets.playground_view import PlaygroundView
from gradtui.ui.widgets.timing_plot import TimingPlot

SIZE = (120, 40)


async def open_view(pilot, key: str, screen: type) -> None:
    """Press ``key`` in the playground and wait for its view to be the screen shown."""
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen))


async def test_graph_key_shows_the_tree_at_the_current_step_and_escape_returns():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_view(pilot, "g", GraphScreen)
        text = screen_text(app)
        assert "y = tensor(9., grad_fn=<PowBackward0>)" in text
        assert "PowBackward0  value 9  grad 1" in text
        assert "x (leaf, AccumulateGrad)  value 3  grad 6" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SandboxScreen))
        view = app.screen.query_one(PlaygroundView)
        for n in (1, 2):
            await pilot.press("s")
            await wait_for(pilot, lambda n=n: view.snapshot.step == n)
        await ready(pilot)
        await open_view(pilot, "g", GraphScreen)
        assert "value 1.92  grad 3.84" in screen_text(app)  # x after two steps of lr 0.1
        await pilot.pause(0.3)


async def test_graph_side_panel_follows_the_highlighted_node():
    app = GradApp(sandbox=Playground(fn="(x*sin(x)).sum()", start="1,2,3"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_view(pilot, "g", GraphScreen)
        assert "MulBackward0 shape [3]" in screen_text(app)
        await pilot.press("down", "down", "down", "down")  # root, Sum, Mul, x, Sin
        await pilot.pause(0.2)
        assert "made by the op whose backward" in screen_text(app)
        assert "SinBackward0" in screen_text(app).split("node")[-1]


def _timing_running(app) -> bool:
    return any(w.state == WorkerState.RUNNING for w in app.workers if w.group == "timing")


async def test_finite_differences_view_table_and_live_timing():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_view(pilot, "d", FiniteDiffScreen)
        screen = app.screen
        await wait_for(pilot, lambda: screen.table is not None)
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "x.grad at x = 3   float32: 6.0   float64: 6.0" in text
        assert "5.7220459 " in text  # float32 at h = 1e-6: rounding has taken over
        assert "6.00e+00" in text  # ... and at 1e-7 the estimate is 0
        plot = screen.query_one(TimingPlot)
        await wait_for(pilot, lambda: len(plot.points) >= 2)  # measured live, size by size
        assert [p.n for p in plot.points[:2]] == [1, 10]
        assert "parameters: backward()" in screen_text(app)
        await pilot.press("escape")  # leaving stops the measuring
        await wait_for(pilot, lambda: isinstance(app.screen, SandboxScreen))
        await wait_for(pilot, lambda: not _timing_running(app))


async def test_timing_stops_and_restarts_with_t(monkeypatch):
    import time

    from gradtui.engine.autograd.finite_diff import TimingPoint
    from gradtui.ui.screens import finite_diff

    def two_then_wait(budget, cancelled):  # two points, then "measuring" until cancelled
        yield TimingPoint(1, 1e-4, 1e-4, 1, False, 0.0)
        yield TimingPoint(10, 1e-4, 1e-3, 10, False, 0.0)
        while not cancelled():
            time.sleep(0.01)

    monkeypatch.setattr(finite_diff, "time_gradients", two_then_wait)
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_view(pilot, "d", FiniteDiffScreen)
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.query_one(TimingPlot).points) == 2)
        assert screen.timing and "measuring the next size" in screen_text(app)
        await pilot.press("t")  # stop
        assert not screen.timing and "stopped: t to measure again" in screen_text(app)
        await wait_for(pilot, lambda: not _timing_running(app))
        await pilot.press("t")  # and again, from the start
        assert screen.timing
        await wait_for(pilot, lambda: _timing_running(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not _timing_running(app))


async def test_export_saves_copies_and_shows_the_script(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    playground = Playground(fn="(x - 2)**2", lr=0.3, max_steps=12)
    app = GradApp(sandbox=playground)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_view(pilot, "e", ExportScreen)
        script = export_script(playground)
        assert (tmp_path / "gradtui-descend.py").read_text() == script
        assert app.clipboard == script
        text = screen_text(app)
        assert (
            "saved to gradtui-descend.py and copied to the clipboard; run it with: python" in text
        )
        assert "return (x - 2.0) ** 2.0" in text
        await pilot.press("escape", "e")  # never overwrites: a second file
        await wait_for(pilot, lambda: (tmp_path / "gradtui-descend-2.py").exists())
        await pilot.pause(0.3)


async def test_export_that_cannot_be_saved_still_copies(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gradtui-descend.py").mkdir()  # taken, and so are the next names
    for n in range(2, 1000):
        (tmp_path / f"gradtui-descend-{n}.py").touch()
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_view(pilot, "e", ExportScreen)
        assert "not saved" in screen_text(app) and app.clipboard == export_script(Playground())
        await pilot.pause(0.3)


def _record_notices(app: GradApp) -> list[str]:
    """Keep every notification's message (toasts do not always reach a screenshot in time)."""
    notices: list[str] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        notices.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return notices


async def test_bad_inputs_open_no_view():
    app = GradApp(sandbox=Playground(fn="x**"))
    notices = _record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("g", "d", "e")
        await pilot.pause(0.2)
        assert isinstance(app.screen, SandboxScreen)
        assert notices[-3:-1] == ["fix the inputs first"] * 2
        assert notices[-1].startswith("cannot export: syntax error")


async def test_views_from_a_lesson_and_the_palette(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = GradApp(lesson="8", store=ProgressStore(tmp_path / "progress.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        lesson = app.screen
        await open_view(pilot, "g", GraphScreen)
        assert "loss = tensor(25823.8086, grad_fn=<MeanBackward0>)" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is lesson)
        titles = {c.title: c for c in app.get_system_commands(lesson)}
        for title in ("Computation graph", "Autograd vs finite differences"):
            assert title in titles
        titles["Export as a PyTorch script"].callback()
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        exported = (tmp_path / "gradtui-fit.py").read_text()
        assert "manual_seed(42)" in exported and "if step >= 1:" in exported  # the task's setup
        await pilot.pause(0.3)


async def test_a_timing_that_arrives_after_leaving_the_view_is_dropped():
    from gradtui.engine.autograd.finite_diff import TimingPoint
    from gradtui.ui.delivery import deliver

    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_view(pilot, "d", FiniteDiffScreen)
        screen = app.screen
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SandboxScreen))
        await pilot.pause(0.1)
        # What the measuring thread hands over when it finishes a size just as the learner
        # leaves: the panels it would fill are gone.
        point = TimingPoint(1, 1e-4, 1e-4, 1, False, 0.0)
        deliver(screen, screen.show_points, (point,), True)
        await pilot.pause(0.1)
        assert app.is_running and isinstance(app.screen, SandboxScreen)
