"""One rule a setting: the form, the command line and lesson files refuse a bad value with
the same words, and accept the same range (engine/settings.py declares each setting once)."""

from __future__ import annotations

import pytest
from lesson_support import TINY_LESSON
from textual.app import App, ComposeResult
from ui_support import ready, wait_for

from gradtui import cli
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.settings import SETTINGS, TYPED
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.settings_form import SettingsForm

LR = "must be a number from -1e10 to 1e10 (try 0.001 to 1)"
STEPS = "must be a whole number from 1 to 10,000,000"
BUDGET = "must be more than 0 and at most 3,600 seconds"
H = "must be a non-zero number from -1,000 to 1,000 (such as 0.001)"
EPOCHS = "must be a whole number from 1 to 100"
FN = "syntax error: the expression ends too early (something is missing) (column 4)"
DESCEND = ["descend", "x**2", "--from", "3", "--lr", "0.1"]
IMAGES = ["fit", "--example", "pullover-dress"]

# setting, the text typed or given, the command line (None: it has no such option), the
# TOML line a lesson's setup holds, and the words all of them say.
CASES = [
    ("lr", "1e11", [*DESCEND, "--lr", "1e11"], "lr = 1e11", f"{LR}, not 1e11"),
    ("lr", "abc", [*DESCEND, "--lr", "abc"], None, f"{LR}, not 'abc'"),
    ("max_steps", "0", [*DESCEND, "--steps", "0"], "max_steps = 0", f"{STEPS}, not 0"),
    ("patience", "0", [*DESCEND, "--patience", "0"], "patience = 0", "the rises in a row"),
    ("time_budget", "5000", [*DESCEND, "--time-budget", "5000"], "time_budget = 5000", BUDGET),
    ("h", "5000", None, "h = 5000", f"{H}, not 5000"),
    ("h", "0", None, "h = 0", f"{H}, not 0"),
    ("epochs", "0", [*IMAGES, "--epochs", "0"], "epochs = 0", f"{EPOCHS}, not 0"),
    ("fn", "x**", ["descend", "x**", "--from", "3", "--lr", "0.1"], 'fn = "x**"', FN),
]


class FormApp(App):
    """The settings form alone, with every typed setting editable."""

    def compose(self) -> ComposeResult:
        yield SettingsForm(Playground(), (*TYPED, "dtype", "zero_grad"))


async def typed_into_the_form(name: str, text: str) -> str:
    """Type ``text`` into the form's field as a learner does; what shows under the field."""
    app = FormApp()
    async with app.run_test(size=(100, 60)) as pilot:
        field = app.query_one(f"#{name}")
        field.focus()
        field.clear()
        await pilot.press(*text, "enter")
        label = app.query_one(f"#{name}-error")
        await wait_for(pilot, lambda: label.display)
        return label.render().plain


def from_the_command_line(capsys, argv: list[str]) -> str:
    try:
        status = cli.main(argv)
    except SystemExit as exit_:  # argparse refused the option
        status = exit_.code
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    return err


def from_a_lesson_file(capsys, tmp_path, line: str) -> str:
    text = TINY_LESSON.replace('start = "3."', f'start = "3."\n{line}')
    if line.startswith("fn"):
        text = text.replace('fn = "x**2"\n', "")
    if line.startswith("epochs"):  # an images task: mode, check and editable to match
        text = text.replace('editable = ["start"]', 'editable = ["lr"]')
        text = text.replace('start = "1."', "lr = 1.0").replace('fn = "x**2"', 'mode = "images"')
        text = text.replace('kind = "grad_equals"\nvalue = 2.0', 'kind = "diverges"\nwithin = 3')
    (tmp_path / "lesson.md").write_text(text, encoding="utf-8")
    status = cli.main(["lessons", "check", str(tmp_path), "--no-solve"])
    out, err = capsys.readouterr()
    assert status != 0, out + err
    return out + err


@pytest.mark.parametrize(("name", "text", "argv", "line", "words"), CASES)
async def test_a_bad_value_is_refused_with_the_same_words_everywhere(
    capsys, tmp_path, name, text, argv, line, words
):
    said = {"form": await typed_into_the_form(name, text)}
    if argv is not None:
        said["command line"] = from_the_command_line(capsys, argv)
    if line is not None:
        said["lesson file"] = from_a_lesson_file(capsys, tmp_path, line)
    assert len(said) >= 2
    for where, message in said.items():
        assert words in message, (where, message)


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("lr", ["-1e10", "0", "-0.5", "1e10"], ["1.1e10", "-2e10", "nan", "inf"]),
        ("max_steps", ["1", "10000000", ""], ["0", "-1", "10000001", "1.5"]),
        ("patience", ["1", "10000000", ""], ["0", "10000001"]),
        ("time_budget", ["0.001", "3600", ""], ["0", "-1", "3601"]),
        ("h", ["1e-9", "-1000", "1000"], ["0", "1001", "-1001"]),
        ("epochs", ["1", "100"], ["0", "101", ""]),
        ("seed", ["0", "4294967295"], ["-1", "4294967296"]),
        ("target", ["-5", "0", "1e30", ""], ["nan", "x"]),
    ],
)
def test_the_form_the_command_line_and_lesson_files_accept_the_same_range(name, good, bad):
    setting = SETTINGS[name]
    for text in good:
        value = setting.parse(text)  # what the form and the command line read
        assert setting.check(value) == value  # and a lesson file or the progress file
    for text in bad:
        with pytest.raises(ValueError, match="must be"):
            setting.parse(text)
        try:
            value = float(text) if "." in text or "e" in text or "n" in text else int(text)
        except ValueError:
            continue
        with pytest.raises(ValueError, match="must be"):
            setting.check(value)


async def test_the_apps_sandbox_says_it_under_the_field():
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        field = app.screen.query_one("#max_steps")
        field.focus()
        field.clear()
        await pilot.press("0", "enter")
        label = app.screen.query_one("#max_steps-error")
        await wait_for(pilot, lambda: label.display)
        assert label.render().plain == f"max steps {STEPS}, not 0"


def test_the_readme_states_the_bounds():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS.values():
        if setting.kind in ("whole", "number") and setting.rule != "must be a finite number":
            assert f"| `{setting.name}` |" in readme and setting.rule in readme, setting.name
