"""Snapshots of the graph, autograd-vs-numbers and export views (--snapshot-update to redo)."""

from __future__ import annotations

from ui_support import ready, wait_for

from gradtui.engine.autograd.finite_diff import TimingPoint
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.screens.export import ExportScreen
from gradtui.ui.screens.finite_diff import FiniteDiffScreen
from gradtui.ui.screens.graph import GraphScreen
from gradtui.ui.widgets.playground_view import PlaygroundView

SIZE = (120, 40)
# One run measured on a 2-core machine (the live view measures its own).
MEASURED = (
    TimingPoint(1, 2.2e-4, 4.6e-4, 1, False, 0.0),
    TimingPoint(10, 2.35e-4, 7.0e-4, 10, False, 0.0),
    TimingPoint(100, 2.44e-4, 9.4e-3, 100, False, 0.0),
    TimingPoint(1_000, 2.45e-4, 0.136, 1_000, False, 0.0),
    TimingPoint(10_000, 3.18e-4, 1.65, 3_034, True, 0.0),
    TimingPoint(100_000, 1.8e-3, 41.9, 1_193, True, 0.0),
)


def test_graph_view(snap_compare):
    async def open_graph(pilot):
        await ready(pilot)
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GraphScreen))
        await pilot.press("down", "down", "down", "down")  # highlight SinBackward0
        await pilot.pause(0.3)

    app = GradApp(sandbox=Playground(fn="(x*sin(x)).sum()", start="1,2,3"))
    assert snap_compare(app, terminal_size=SIZE, run_before=open_graph)


def test_finite_differences_view(snap_compare):
    async def open_view(pilot):
        await ready(pilot)
        view = pilot.app.screen.query_one(PlaygroundView)
        screen = FiniteDiffScreen(view.run.problem, view.snapshot.params, measure=False)
        await pilot.app.push_screen(screen)
        await wait_for(pilot, lambda: screen.table is not None)
        screen.show_points(MEASURED, True)
        await pilot.pause(0.3)

    assert snap_compare(GradApp(sandbox=Playground()), terminal_size=SIZE, run_before=open_view)


def test_export_view(snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def export(pilot):
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
        await pilot.pause(0.3)

    app = GradApp(sandbox=Playground().switch_mode("fit"))
    assert snap_compare(app, terminal_size=SIZE, run_before=export)
