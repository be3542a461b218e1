"""The sandbox driven like a learner would: type, press keys, read the screen."""

from __future__ import annotations

from ui_support import fields_applied, ready, screen_text, wait_for
from ui_support import type_into as typed

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.playground_view import PlaygroundView

SIZE = (120, 40)


def view(app: GradApp) -> PlaygroundView:
    return app.screen.query_one(PlaygroundView)


async def type_into(pilot, field: str, text: str) -> None:
    """Replace a field's text by typing, then let the debounce fire."""
    await typed(pilot, field, text, enter=False)
    await fields_applied(pilot)


async def test_x_squared_at_3_shows_pow_backward_and_grad_6():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "x = torch.tensor(3.).requires_grad_()" in text
        assert "tensor(9., grad_fn=<PowBackward0>)" in text
        assert "tensor(6.)" in text


async def test_typing_a_function_updates_the_autograd_panel():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_into(pilot, "fn", "x**3")
        await wait_for(pilot, lambda: "tensor(27." in screen_text(app))
        assert "tensor(27.)" in screen_text(app)  # d/dx x**3 at 3


async def test_vector_grads_as_in_the_seed():
    app = GradApp(sandbox=Playground(fn="(x**2).sum()", start="3., 5., 12."))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "tensor(178., grad_fn=<SumBackward0>)" in text
        assert "tensor([ 6., 10., 24.])" in text


async def test_invalid_function_shows_inline_error_and_keeps_last_good_state():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_into(pilot, "fn", "x.__class__")
        text = screen_text(app)
        assert "attribute '.__class__' not allowed (column 3)" in text
        assert "tensor(9., grad_fn=<PowBackward0>)" in text  # the last good state stays
        assert view(app).playground.fn == "x**2"


async def test_integers_meet_the_real_torch_error():
    app = GradApp(sandbox=Playground(start="3", dtype="auto"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "x = torch.tensor(3).requires_grad_()" in text
        assert "only Tensors of floating point" in text
        assert "gradients need floating-point numbers" in text


async def test_step_moves_x_by_minus_lr_times_grad():
    app = GradApp(sandbox=Playground(lr=0.1))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: view(app).snapshot.step == 1)
        await pilot.pause(0.3)
        assert abs(view(app).snapshot.params["x"] - (3 - 0.1 * 6)) < 1e-6
        text = screen_text(app)
        assert "x: 3 - 6 × 0.1 → 2.4" in text
        assert "tensor(4.8000)" in text  # the grad at the new x


async def test_run_then_pause_stops_stepping():
    app = GradApp(sandbox=Playground(max_steps=None))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: view(app).snapshot.step >= 3)
        await pilot.press("space")
        await wait_for(pilot, lambda: view(app).settled)  # nothing stepping any more
        paused_at = view(app).snapshot.step
        assert not view(app).running
        await pilot.pause()
        assert view(app).snapshot.step == paused_at
        assert "paused · step" in screen_text(app)


async def test_lr_too_large_diverges_and_says_so():
    app = GradApp(sandbox=Playground(lr=1.1))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for _ in range(5):
            await pilot.press("plus")  # faster
        await pilot.press("space")
        await wait_for(pilot, lambda: view(app).snapshot.stop is not None)
        await pilot.pause(0.2)
        assert view(app).snapshot.stop.reason == "diverged"
        assert "diverged" in screen_text(app)


async def test_lr_keys_change_the_learning_rate_mid_run():
    app = GradApp(sandbox=Playground(lr=0.1))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("left_square_bracket")
        await pilot.pause(0.2)
        assert view(app).playground.lr == 0.01
        assert app.screen.query_one("#lr").value == "0.01"
        await pilot.press("s")
        await wait_for(pilot, lambda: view(app).snapshot.step == 1)
        assert view(app).snapshot.previous.lr == 0.01


async def test_fit_mode_lowers_the_loss():
    app = GradApp(sandbox=Playground().switch_mode("fit"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert "MeanBackward0" in screen_text(app)
        for _ in range(4):
            await pilot.press("s")
            await pilot.pause(0.1)
        await wait_for(pilot, lambda: view(app).snapshot.step == 4)
        losses = list(view(app).snapshot.losses)
        assert losses[-1] < losses[0]
        assert "a.grad" in screen_text(app)


async def test_help_screen_lists_the_keys():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "gradtui help" in text
        assert "step once" in text
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert "gradtui help" not in screen_text(app)


async def test_home_opens_the_sandbox():
    app = GradApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert "Touch a gradient" in screen_text(app)
        await pilot.press("s")
        await ready(pilot)
        assert "PowBackward0" in screen_text(app)


async def test_small_terminal_stacks_panels_without_crashing():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert view(app).has_class("narrow")
        await pilot.press("s")
        await pilot.resize_terminal(160, 48)
        await pilot.pause(0.3)
        assert not view(app).has_class("narrow")


async def test_page_keys_scroll_the_stacked_panels_of_a_narrow_terminal():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        view = app.screen.query_one("PlaygroundView")
        assert view.scroll_y == 0 and view.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause(0.2)
        assert view.scroll_y > 0
        await pilot.press("pageup")
        await pilot.pause(0.2)
        assert view.scroll_y == 0


async def test_step_presses_faster_than_steps_all_count():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        for _ in range(5):  # a burst, as a held-down key sends it: no step finishes between
            app.screen.action_playground("step")
        await wait_for(pilot, lambda: view.snapshot.step == 5)
        await ready(pilot)
        assert len(view.snapshot.losses) == 6


async def test_a_message_under_a_field_is_drawn_again_only_when_it_changes(monkeypatch):
    """Each value typed checks the whole form; a field's message that did not change is not
    updated (each update laid the whole screen out again, for every field of the form)."""
    from textual.widgets import Static

    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await typed(pilot, "lr", "abc")
        await fields_applied(pilot)
        assert "not 'abc'" in screen_text(app)
        updated = []
        real = Static.update

        def update(label, *args, **kwargs):
            if label.has_class("field-error"):
                updated.append(label.id)
            return real(label, *args, **kwargs)

        monkeypatch.setattr(Static, "update", update)
        await typed(pilot, "lr", "abc")  # the same again: the same message
        await fields_applied(pilot)
        assert "not 'abc'" in screen_text(app) and updated == []
        await typed(pilot, "lr", "0.5")  # now the message goes, and only that one changes
        await fields_applied(pilot)
        assert "not 'abc'" not in screen_text(app) and updated == ["lr-error"]
        assert view(app).playground.lr == 0.5


async def test_a_message_under_a_field_takes_its_own_rows_and_no_more():
    """The message spans both of the form's columns; it was measured at the first column's
    width and took twice its rows, blank under the text."""
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await typed(pilot, "fn", "x.__class__")
        await fields_applied(pilot)
        lines = [line.strip("│ ") for line in screen_text(app).splitlines()]
        at = lines.index("attribute '.__class__' not allowed (column 3)")
        assert lines[at + 1 : at + 4] == ["x.__class__", "^", "start           3."]


async def test_a_function_of_two_variables_says_why_no_curve_is_drawn(tmp_path):
    """Lesson 14's f(x, y) in its narrow function panel: words, not an empty frame (plotext
    leaves out a title wider than its plot)."""
    from gradtui.curriculum.progress import ProgressStore
    from gradtui.ui.widgets.function_plot import FunctionPlot
    from gradtui.ui.widgets.playground_panels import NOT_A_CURVE

    app = GradApp(lesson="14", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        plot = app.screen.query_one(FunctionPlot)
        assert plot.content_region.width < len(NOT_A_CURVE)  # the case: it has to wrap
        shown = " ".join(
            plot.render_line(y).text.strip() for y in range(plot.content_region.height)
        ).split()
        assert " ".join(shown).startswith(NOT_A_CURVE)
