"""The loop playground driven as a learner does: F-keys to run, pause, step, stop and reset;
errors, budget stops and refusals shown with their line; export; hostile programs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from loop_support import ended, loop_app, loop_ready, settled, view
from program_support import HOSTILE
from ui_support import screen_text, wait_for

from gradtui.engine.program.run import run_program
from gradtui.ui.screens.export import ExportScreen
from gradtui.ui.widgets.seven_steps import SevenSteps

SIZE = (120, 40)
SEED = """\
x = torch.tensor(3.).requires_grad_()
lr = 0.1
for step in range(20):
    loss = x**2
    loss.backward()
    with torch.no_grad():
        x -= x.grad * lr
        x.grad.zero_()
print(x)
"""


def variables(app) -> dict[str, str]:
    moment = view(app).frame.moment
    return {v.name: v.text for v in moment.variables}


async def test_step_runs_one_line_and_the_panels_show_what_torch_holds():
    app = loop_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        assert "No run yet" in screen_text(app)
        for _ in range(5):  # x, lr, for, loss, backward
            await pilot.press("f6")
        await settled(pilot)
        frame = view(app).frame
        assert frame.step.line == 5 and frame.step.kind == "gradient"
        assert view(app).editor.marked == 5
        assert app.screen.query_one(SevenSteps).current == "gradient"
        text = screen_text(app)
        assert "x = tensor(3., requires_grad=True)" in text
        assert ".grad = tensor(6.)" in text  # exactly as torch holds it after backward()
        assert "loss = tensor(9., grad_fn=<PowBackward0>)" in text
        await pilot.press("f6", "f6", "f6")  # with torch.no_grad(), the update, zero_()
        await settled(pilot)
        assert variables(app)["x"] == "tensor(2.4000, requires_grad=True)"
        assert ".grad = tensor(0.)" in screen_text(app)
        assert app.screen.query_one(SevenSteps).current == "step"


async def test_step_iteration_goes_round_the_loop_once():
    app = loop_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f6", "f6", "f6")  # up to the for line
        await settled(pilot)
        assert view(app).frame.step.kind == "repeat"
        await pilot.press("f8")
        await settled(pilot)
        frame = view(app).frame
        assert frame.step.line == 3 and frame.step.kind == "repeat"
        assert variables(app)["step"] == "1"
        assert variables(app)["x"] == "tensor(2.4000, requires_grad=True)"
        await pilot.press("f8", "f8")  # two more presses queue up: two more iterations
        await settled(pilot)
        assert variables(app)["step"] == "3"
        assert len(view(app).frame.moment.losses) == 3


async def test_run_pause_and_reset():
    code = SEED.replace("range(20)", "range(100000)")
    app = loop_app(code)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f5")
        loop = view(app)
        await wait_for(pilot, lambda: loop.frame is not None and loop.frame.step is not None)
        assert loop.running
        await pilot.press("f5")  # pause
        await settled(pilot)
        assert not loop.running and not loop.frame.ended
        paused_at = loop.frame.moment.statements
        await pilot.pause(0.3)
        assert loop.frame.moment.statements == paused_at  # paused means paused
        assert "paused" in screen_text(app)
        await pilot.press("f6")  # a paused run goes on line by line
        await settled(pilot)
        assert loop.frame.moment.statements == paused_at + 1
        await pilot.press("f7")  # reset: the panels clear, the code stays
        await settled(pilot)
        assert loop.frame is None and loop.text == code
        assert "No run yet" in screen_text(app)


async def test_run_on_a_program_that_ended_runs_it_again_from_the_top():
    app = loop_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f5")
        await ended(pilot)
        first = view(app).run
        await pilot.press("f5")  # raised NotImplementedError: the loop view had no ended()
        await ended(pilot)
        assert view(app).run is not first and view(app).frame.ended
        assert app.is_running


async def test_the_stop_key_ends_an_endless_run_at_once():
    app = loop_app("n = 0\nwhile True:\n    n += 1\n")
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f3", "f3", "f3", "f3", "f3")  # full speed
        await pilot.press("f5")
        loop = view(app)
        await wait_for(pilot, lambda: loop.frame is not None and loop.frame.step is not None)
        await pilot.press("f4")
        await ended(pilot, timeout=30)
        assert loop.frame.result.status == "stopped"
        assert loop.frame.result.stop.budget == "cancelled"
        text = screen_text(app)
        assert "stopped by you" in text
        assert loop.editor.marked_error and loop.editor.marked in (2, 3)


async def test_the_stop_key_also_ends_a_paused_run():
    app = loop_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f6", "f6")
        await settled(pilot)
        await pilot.press("f4")
        await ended(pilot, timeout=30)
        assert view(app).frame.result.stop.budget == "cancelled"


async def test_an_error_shows_the_line_the_caret_and_the_explanation():
    code = SEED.replace(
        "    with torch.no_grad():\n        x -= x.grad * lr\n        x.grad.zero_()\n",
        "    x -= x.grad * lr\n    x.grad.zero_()\n",
    )
    assert code != SEED
    app = loop_app(code)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f5")
        await ended(pilot)
        loop = view(app)
        assert loop.frame.result.status == "error"
        assert (loop.editor.marked, loop.editor.marked_error) == (6, True)
        text = screen_text(app)
        assert "Error on line 6:" in text
        assert "6 |     x -= x.grad * lr" in text
        assert "^^^^^^^^^^^^^^^^" in text  # the caret under the statement
        assert "RuntimeError: a leaf Variable that requires grad" in text
        assert "What it means:" in text
        assert app.screen.query_one(SevenSteps).detail == "error"


async def test_a_budget_stop_names_the_budget():
    app = loop_app("for i in range(100000):\n    print(i)\n")
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f3", "f3", "f3", "f3", "f3")
        await pilot.press("f5")
        await ended(pilot)
        result = view(app).frame.result
        assert result.status == "stopped" and result.stop.budget == "printed_lines"
        text = screen_text(app)  # the message may wrap between its words
        assert "stopped (budget" in text and "'printed_lines')" in text


async def test_a_refusal_marks_its_line_and_editing_clears_it():
    app = loop_app("x = torch.tensor(3.)\nimport os\n")
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f5")
        await settled(pilot)
        loop = view(app)
        assert loop.run is None and (loop.editor.marked, loop.editor.marked_error) == (2, True)
        assert "Refused, line 2:" in screen_text(app)
        await pilot.press("x")  # the editor has the focus: a letter is typed, not a key
        await settled(pilot)
        assert loop.text.startswith("xx = ") and loop.editor.marked == 0
        assert "Refused" not in screen_text(app)


async def test_editing_ends_the_run_and_the_next_run_uses_the_new_code():
    app = loop_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f6", "f6")
        await settled(pilot)
        assert variables(app)["lr"] == "0.1"
        await pilot.press("down", "end", "backspace", "5")  # lr = 0.5
        await settled(pilot)
        assert view(app).frame is None
        await pilot.press("f6", "f6")
        await settled(pilot)
        assert variables(app)["lr"] == "0.5"


async def test_the_editor_goes_to_either_end_of_the_program_and_selects_all_of_it():
    app = loop_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("down", "down", "ctrl+end", "z")
        assert view(app).text == SEED + "z"
        await pilot.press("ctrl+home", "y")
        assert view(app).text == "y" + SEED + "z"
        await pilot.press("ctrl+home", "ctrl+shift+end", "a", "=", "1")  # all of it, replaced
        await wait_for(pilot, lambda: view(app).text == "a=1")
        await pilot.press("ctrl+shift+home", "b")
        assert view(app).text == "b"


async def test_the_end_of_a_run_counts_its_statements_in_words():
    app = loop_app("x = 1\n")
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: "The program ran to its end" in screen_text(app))
        assert "ran to its end (1 statement)." in screen_text(app)


async def test_escape_leaves_the_editor_and_the_letter_keys_work():
    app = loop_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("escape", "s", "s")
        await settled(pilot)
        assert view(app).frame.step.line == 2
        assert view(app).text == SEED


@pytest.mark.parametrize(
    ("name", "how"),
    [
        ("import_os", "refused"),
        ("open_write", "refused"),
        ("torch_save", "refused"),
        ("lambda_globals", "refused"),
        ("getattr_save", "refused"),
        ("randn_huge", "stopped"),
        ("recursion", "stopped"),
        ("huge_print", "stopped"),
    ],
)
async def test_hostile_programs_through_the_editor(name, how, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = loop_app((HOSTILE / f"{name}.py").read_text(encoding="utf-8"))
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f3", "f3", "f3", "f3", "f3", "f5")
        loop = view(app)
        if how == "refused":
            await settled(pilot)
            assert loop.run is None and loop.refusal
        else:
            await ended(pilot, timeout=30)
            assert loop.frame.result.status == "stopped", loop.frame.result
        await pilot.press("f6")  # the app is alive and answers
        await settled(pilot)
        assert app.is_running
    assert list(tmp_path.iterdir()) == []  # nothing written


async def test_export_saves_a_script_that_python_runs_to_the_same_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = loop_app(SEED.replace("print(x)", "print(x.item(), loss.item())"))
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f3", "f3", "f3", "f3", "f3", "f5")
        await ended(pilot)
        printed = list(view(app).frame.result.printed)
        await pilot.press("escape", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
    script = tmp_path / "gradtui-loop.py"
    assert script.is_file()
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.splitlines() == printed


async def test_export_of_a_program_given_the_pullover_dress_data(tmp_path, monkeypatch):
    from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir

    lesson = next(x for x in load_lessons([shipped_lessons_dir()])[0] if x.order == 20)
    code = lesson.tasks[0].solution["code"].replace("range(20)", "range(3)")
    monkeypatch.chdir(tmp_path)
    from gradtui.curriculum.progress import ProgressStore
    from gradtui.ui.app import GradApp

    store = ProgressStore(tmp_path / "progress.json")
    store.set_inputs(lesson.id, 0, {"code": code})
    app = GradApp(lesson="20", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        await pilot.press("f5")
        await ended(pilot)
        printed = list(view(app).frame.result.printed)
        assert len(printed) == 3
        await pilot.press("escape", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
    script = tmp_path / "gradtui-loop.py"
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.splitlines() == printed


def test_the_seed_program_runs_the_same_outside_the_app():
    _, result = run_program(SEED)
    assert result.printed == ("tensor(0.0346, requires_grad=True)",)


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_the_footer_shows_the_keys_that_act_in_the_editor_and_out_of_it():
    app = loop_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        loop = view(app)
        assert app.focused is loop.editor
        shown = footer(app)
        for key in ("f5 Run/Pause", "f6 Line", "f8 Iteration", "f4 Stop", "f7 Reset", "f3f2"):
            assert key in shown
        assert "esc Leave editor" in shown and "e Export" not in shown  # e would be typed
        assert "^q Quit" in shown and "f1 Help" in shown  # nothing is cut at 120 columns
        await pilot.press("escape")
        await wait_for(pilot, lambda: "esc Home" in footer(app))
        assert app.focused is not loop.editor and "e Export" in footer(app)
        assert "Leave editor" not in footer(app)
        await pilot.press("f6")  # the F-keys act out of the editor too
        await settled(pilot)
        assert loop.frame.step.line == 1


async def test_a_long_line_wraps_in_the_editor_and_is_marked_whole():
    long = "x = torch.tensor(3.)  # " + " ".join(f"word{i}" for i in range(25)) + " THE-END"
    app = loop_app(long + "\ny = x * 2\n")
    async with app.run_test(size=SIZE) as pilot:
        await loop_ready(pilot)
        assert "THE-END" in screen_text(app)  # wrapped, never cut
        await pilot.press("f6", "f6")
        await settled(pilot)
        assert view(app).editor.marked == 2
        assert variables(app)["y"] == "tensor(6.)"
