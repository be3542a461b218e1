"""Importing a CSV in the sandbox (key i): errors stay in the dialog, good data is fitted."""

from __future__ import annotations

from ui_support import ready, screen_text, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.screens.import_data import ImportDataScreen
from gradtui.ui.screens.sandbox import SandboxScreen
from gradtui.ui.widgets.function_plot import FunctionPlot
from gradtui.ui.widgets.playground_view import PlaygroundView

SIZE = (120, 40)
TEMPS = "celsius,fahrenheit\n-10,14\n0,32\n10,50\n20,68\n30,86\n40,104\n"


async def type_path(pilot, path: str) -> None:
    """Type ``path`` and press enter; wait until the dialog has read it (in a thread)."""
    field = pilot.app.screen.query_one("#path")
    field.value = str(path)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not any(w.group == "import-read" for w in pilot.app.workers))
    await pilot.pause()


async def test_a_bad_file_shows_its_line_and_a_good_one_is_fitted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n3,[bold]abc\n")
    good = tmp_path / "temps.csv"
    good.write_text(TEMPS)
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDataScreen))
        await type_path(pilot, "bad.csv")
        assert isinstance(app.screen, ImportDataScreen)  # still open, showing why
        assert "bad.csv:3: column 2: '[bold]abc' is not a number" in screen_text(app)

        await type_path(pilot, ".")
        assert "is a folder: give a CSV file" in screen_text(app)

        await type_path(pilot, good)
        assert isinstance(app.screen, SandboxScreen)
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        assert view.playground.mode == "fit"
        assert view.run.problem.data == {"t": (-10.0, 0.0, 10.0, 20.0, 30.0, 40.0)}
        assert view.run.problem.targets == (14.0, 32.0, 50.0, 68.0, 86.0, 104.0)
        plotted = app.screen.query_one(FunctionPlot).view
        assert plotted.data_x == [-10.0, 0.0, 10.0, 20.0, 30.0, 40.0]  # data and model together
        assert len(plotted.model_y) == len(plotted.model_x) > 0
        text = screen_text(app)
        assert "model =         a*t**2 + b*t + c" in text
        assert "xx data" in text


async def test_escape_cancels_and_keeps_the_playground():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDataScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SandboxScreen))
        assert app.screen.query_one(PlaygroundView).playground == Playground()


async def test_picking_a_file_in_the_tree_loads_it(tmp_path):
    (tmp_path / "temps.csv").write_text(TEMPS)
    (tmp_path / "notes.md").write_text("not data")
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        loaded = []
        app.push_screen(ImportDataScreen(tmp_path), loaded.append)
        await wait_for(pilot, lambda: "temps.csv" in screen_text(app))
        text = screen_text(app)
        assert "temps.csv" in text
        assert "notes.md" not in text  # only files that may hold CSV text
        tree = app.screen.query_one("#tree")
        tree.focus()
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: bool(loaded))
        assert loaded[0].inputs == (-10.0, 0.0, 10.0, 20.0, 30.0, 40.0)
