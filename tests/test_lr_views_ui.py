"""The learning-rate explorer (c), lr_find (f) and the optimizers view (o), driven by keys."""

from __future__ import annotations

from ui_support import ready, screen_text, type_into, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.engine.training.lrcompare import compare_lrs
from gradtui.engine.training.lrfind import lr_find
from gradtui.engine.training.optimizers import SURFACES, optimizer_paths
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.screens.lesson import LessonScreen
from gradtui.ui.screens.lr_compare import LrCompareScreen
from gradtui.ui.screens.lr_find import LrFindScreen
from gradtui.ui.screens.optimizers import OptimizersScreen
from gradtui.ui.widgets.playground_view import PlaygroundView
from gradtui.ui.widgets.surface_map import SurfaceMap
from gradtui.ui.widgets.task_panel import TaskStatus

SIZE = (120, 40)


async def open_view(pilot, key: str, kind: type, done) -> None:
    await ready(pilot)
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))
    await wait_for(pilot, lambda: done(pilot.app.screen))
    await pilot.pause(0.2)


async def test_c_compares_the_current_lr_times_hundredth_to_ten_with_labels():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "c", LrCompareScreen, lambda s: s.runs)
        screen = app.screen
        assert [r.lr for r in screen.runs] == [0.001, 0.01, 0.1, 1.0]
        assert [r.label for r in screen.runs] == ["too small", "good", "good", "bouncy"]
        text = screen_text(app)
        assert "•  0.001      too small" in text and "x  0.1        good" in text
        assert "6.03047" in text  # lr 0.001's loss after 100 steps, as the engine has it
        expected = compare_lrs(Playground(), [0.001])[0].stop.loss
        assert f"{expected:.6g}" == "6.03047"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.query(PlaygroundView))


async def test_typed_lrs_rerun_and_a_bad_list_names_the_item():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "c", LrCompareScreen, lambda s: s.runs)
        screen = app.screen
        await type_into(pilot, "lrs", "0.1, x")
        await wait_for(pilot, lambda: screen.error)
        assert screen.error.startswith("learning rate 2: lr must be a number from -1e10")
        assert screen.error.endswith(", not 'x'") and "learning rate 2: lr must" in screen_text(app)
        await type_into(pilot, "lrs", "0.9, 1.1")
        await wait_for(pilot, lambda: [r.lr for r in screen.runs] == [0.9, 1.1])
        assert [r.label for r in screen.runs] == ["bouncy", "diverging"]
        assert not screen.error


async def test_f_sweeps_and_a_takes_the_suggestion_back_to_the_sandbox():
    app = GradApp(sandbox=Playground().switch_mode("fit"))
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "f", LrFindScreen, lambda s: s.result is not None)
        expected = lr_find(Playground().switch_mode("fit").problem())
        assert app.screen.result.suggestion == expected.suggestion
        text = screen_text(app)
        assert f"suggested lr {expected.suggestion:.3g}: valley" in text
        assert "min/10" in text
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.query(PlaygroundView))
        view = app.screen.query_one(PlaygroundView)
        await wait_for(pilot, lambda: view.playground.lr == float(f"{expected.suggestion:.3g}"))


async def test_lesson_13_task_3_done_as_it_says_f_then_a_solves_it(tmp_path):
    # It crashed: in a lesson, f's answer went to a playground that was never mounted.
    store = ProgressStore(tmp_path / "p.json")
    app = GradApp(lesson="13", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.task_index == 1)
        await ready(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.task_index == 2)
        assert "Press f to run lr_find on the roller coaster, then a" in screen_text(app)
        await open_view(pilot, "f", LrFindScreen, lambda s: s.result is not None)
        assert "suggested lr 8.32e-06: valley" in screen_text(app)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen))
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: "run it to see the verdict" in status.detail)
        await pilot.press("space")  # the run of the suggested lr, on screen
        await wait_for(pilot, lambda: status.solved)
        assert app.screen.query_one("#lr").value == "8.32e-06"
        assert app.screen.query_one(PlaygroundView).playground.lr == 8.32e-6
        assert store.inputs("learning-rate-explorer", 2)["lr"] == 8.32e-6
        assert store.is_solved("learning-rate-explorer", 2)
        assert "✓ solved" in screen_text(app)


async def test_o_in_lesson_14_task_2_opens_with_the_lr_the_learner_typed(tmp_path):
    app = GradApp(lesson="14", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.task_index == 1)
        await ready(pilot)
        await type_into(pilot, "lr", "0.002")
        view = app.screen.query_one(PlaygroundView)
        await wait_for(pilot, lambda: view.playground.lr == 0.002)
        await pilot.press("space")
        status = app.screen.query_one(TaskStatus)
        await wait_for(pilot, lambda: status.solved)
        await open_view(pilot, "o", OptimizersScreen, lambda s: s.paths)
        screen = app.screen
        assert screen.surface.key == "rosenbrock"
        assert screen.query_one("#opt-lr").value == "0.002"
        assert screen.query_one("#opt-steps").value == "2000"
        sgd = screen.paths[0]
        assert sgd.optimizer == "sgd" and sgd.losses[-1] < 0.001  # the task's goal, seen


async def test_f_in_a_lesson_with_a_fixed_lr_does_not_change_it(tmp_path):
    app = GradApp(lesson="14", store=ProgressStore(tmp_path / "p.json"))  # task 1: answer only
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "f", LrFindScreen, lambda s: s.result is not None)
        assert "(this task's lr is fixed)" in screen_text(app)
        await pilot.press("a")
        await pilot.pause(0.2)
        assert isinstance(app.screen, LrFindScreen)


async def test_o_draws_three_paths_and_their_ends_match_the_engine():
    app = GradApp(sandbox=Playground())  # x**2 has one variable: the preset surfaces only
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "o", OptimizersScreen, lambda s: s.paths)
        screen = app.screen
        assert screen.surface.key == "bowl"
        s = SURFACES["bowl"]
        expected = optimizer_paths(s, s.lr, s.momentum, s.adam_lr, s.steps)
        assert [p.xs for p in screen.paths] == [p.xs for p in expected]
        drawn = screen.query_one(SurfaceMap).render().plain
        assert drawn.count("@") == 1
        assert "A" in drawn and "M" in drawn  # Adam and momentum stopped apart
        assert drawn.count("a") >= 10  # Adam's path
        text = screen_text(app)
        adam = expected[2]
        assert f"{adam.xs[-1]:.3g}" in text and f"{adam.losses[-1]:.3g}" in text
        await pilot.press("escape")  # even with the surface picker focused
        await wait_for(pilot, lambda: app.screen.query(PlaygroundView))


async def test_o_settings_errors_are_named_and_surfaces_switch(tmp_path):
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "o", OptimizersScreen, lambda s: s.paths)
        screen = app.screen
        await type_into(pilot, "opt-momentum", "1.5")
        await wait_for(pilot, lambda: screen.error)
        assert "momentum must be from 0 up to (not including) 1" in screen_text(app)
        screen.query_one("#surface").value = "rosenbrock"
        await wait_for(pilot, lambda: screen.paths and screen.paths[0].xs[0] == -1.5)
        assert not screen.error  # the surface's own settings came back
        assert len(screen.paths[0].xs) == SURFACES["rosenbrock"].steps + 1


async def test_o_opens_on_the_lessons_surface_when_the_playground_holds_it(tmp_path):
    app = GradApp(lesson="14", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "o", OptimizersScreen, lambda s: s.paths)
        assert app.screen.surface == SURFACES["valley"]  # task 1's lr and steps are its own
        assert "yours" not in app.screen.surfaces


async def test_o_offers_the_playground_f_when_it_has_two_variables():
    playground = Playground(fn="(x - 1)**2 + 3*(y + 2)**2", start="x=0; y=0")
    app = GradApp(sandbox=playground)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "o", OptimizersScreen, lambda s: s.paths)
        assert app.screen.surface.key == "yours"
        assert app.screen.surface.expr == "(x - 1)**2 + 3*(y + 2)**2"
        assert "your f: (x - 1)**2 + 3*(y + 2)**2" in screen_text(app)


async def test_palette_lists_the_three_views():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Compare learning rates" in titles
        assert "Find a learning rate (lr_find)" in titles
        assert "Optimizers on a surface" in titles
