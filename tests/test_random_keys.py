"""Random keys on every screen: the app never crashes, whatever arrives (tests/random_keys.py).

Each test starts on one screen and sends a few hundred pieces of seeded random terminal input
(keys, control characters, escape sequences, clicks, pastes, hostile sequences) through
Textual's own parser. From there the keys go wherever they lead: other screens, the palette,
dialogs. The default suite sends ``KEYS`` pieces per screen; ``make fuzz`` (the ``slow``
marker) sends ``SLOW_KEYS`` with other seeds.
"""

from __future__ import annotations

import pytest
from random_keys import no_quitting, type_randomly
from ui_support import lessons_loaded, ready, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.screens.confirm import ConfirmScreen
from gradtui.ui.screens.help import HelpScreen
from gradtui.ui.screens.import_data import ImportDataScreen

KEYS = 100
SLOW_KEYS = 3000
SLOW_SEEDS = range(100, 102)
SIZE = (120, 40)


async def _home(app, pilot) -> None:
    await lessons_loaded(pilot)


async def _replay(app, pilot) -> None:
    await ready(pilot)
    await pilot.press("s", "s", "b")


async def _push(app, pilot, screen) -> None:
    await lessons_loaded(pilot)
    app.push_screen(screen)
    await wait_for(pilot, lambda: app.screen is screen)


async def _help(app, pilot) -> None:
    await _push(app, pilot, HelpScreen())


async def _confirm(app, pilot) -> None:
    await _push(app, pilot, ConfirmScreen("Reset ALL progress?"))


async def _import(app, pilot) -> None:
    await _push(app, pilot, ImportDataScreen())


async def _lesson(app, pilot) -> None:
    await ready(pilot)


def _view(key: str):
    async def start(app, pilot) -> None:
        await ready(pilot)
        before = app.screen
        await pilot.press(key)
        await wait_for(pilot, lambda: app.screen is not before)

    return start


# screen -> (how the app starts, how to reach the screen)
SCREENS = {
    "home": ({}, _home),
    "sandbox": ({"sandbox": Playground()}, _lesson),
    "sandbox-fit": ({"sandbox": Playground().switch_mode("fit")}, _lesson),
    "replay": ({"sandbox": Playground()}, _replay),
    "lesson": ({"lesson": "2"}, _lesson),
    "lesson-images": ({"lesson": "10"}, _lesson),
    "help": ({}, _help),
    "confirm": ({}, _confirm),
    "import-data": ({"sandbox": Playground()}, _import),
    "graph": ({"sandbox": Playground()}, _view("g")),
    "finite-differences": ({"sandbox": Playground()}, _view("d")),
    "lr-find": ({"sandbox": Playground()}, _view("f")),
    "lr-compare": ({"sandbox": Playground()}, _view("c")),
    "optimizers": ({"sandbox": Playground()}, _view("o")),
    "export": ({"sandbox": Playground()}, _view("e")),
}


async def fuzz(screen: str, seed: int, count: int, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # exports and screenshots land here
    options, reach = SCREENS[screen]
    app = GradApp(**options)
    no_quitting(app)
    async with app.run_test(size=SIZE) as pilot:
        await reach(app, pilot)
        made = await type_randomly(pilot, seed, count)
        assert made > count // 2  # the input reached the app as events
        assert app.is_running and app.return_code is None
    # leaving run_test raises any exception the app met; none may have ended it
    assert app.return_code in (None, 0)


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_random_keys_never_crash(screen, tmp_path, monkeypatch):
    await fuzz(screen, seed=sorted(SCREENS).index(screen), count=KEYS, tmp_path=tmp_path,
               monkeypatch=monkeypatch)  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW_SEEDS)
@pytest.mark.parametrize("screen", list(SCREENS))
async def test_many_random_keys_never_crash(screen, seed, tmp_path, monkeypatch):
    await fuzz(screen, seed, SLOW_KEYS, tmp_path, monkeypatch)
