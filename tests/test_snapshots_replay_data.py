"""Snapshots of replay and of fitting your own CSV data (regenerate with --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

from ui_support import ready, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.io.csvdata import read_csv_file
from gradtui.ui.app import GradApp
from gradtui.ui.screens.import_data import ImportDataScreen
from gradtui.ui.widgets.playground_view import PlaygroundView

SIZE = (120, 40)
CSV_DIR = Path(__file__).parent / "data" / "csv"


async def _run_to_the_end(pilot) -> None:
    await ready(pilot)
    view = pilot.app.screen.query_one(PlaygroundView)
    view.speed_index = 8
    await pilot.press("space")
    await wait_for(pilot, lambda: view.snapshot.stop is not None)
    await ready(pilot)


def test_replay_step_3_of_10(snap_compare):
    async def scrub(pilot):
        await _run_to_the_end(pilot)
        await pilot.press("home", "right", "right", "right")
        await ready(pilot)

    app = GradApp(sandbox=Playground(max_steps=10))
    assert snap_compare(app, terminal_size=SIZE, run_before=scrub)


def test_fit_on_csv_data_replayed(snap_compare):
    data = read_csv_file(CSV_DIR / "temps.csv").to_text()
    playground = Playground(
        mode="fit", fn="w*t + b", start="random", lr=0.002, max_steps=10, data_csv=data
    )

    async def scrub(pilot):
        await _run_to_the_end(pilot)
        await pilot.press("b", "left", "left", "left", "left", "left", "left", "left", "left")
        await ready(pilot)

    assert snap_compare(GradApp(sandbox=playground), terminal_size=SIZE, run_before=scrub)


def test_import_dialog_with_an_error(snap_compare):
    async def pick_bad(pilot):
        await ready(pilot)
        dialog = ImportDataScreen(CSV_DIR)
        pilot.app.push_screen(dialog)
        await wait_for(pilot, lambda: pilot.app.screen is dialog)

        def listed() -> bool:  # the folder's files are in the tree
            trees = dialog.query("#tree")
            return bool(trees) and bool(trees.first().root.children)

        await wait_for(pilot, listed)
        dialog.query_one("#path").value = "bad.csv"
        await pilot.press("enter")
        status = dialog.query_one("#import-error")
        await wait_for(
            pilot, lambda: "bad.csv" in str(status.render()) and not status.has_class("-reading")
        )
        await ready(pilot)

    app = GradApp(sandbox=Playground())
    assert snap_compare(app, terminal_size=SIZE, run_before=pick_bad)
