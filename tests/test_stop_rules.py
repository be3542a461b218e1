"""Patience and time budget: the command line, the app's form and lesson files refuse alike."""

from __future__ import annotations

import pytest
from lesson_support import TINY_LESSON

from gradtui import cli
from gradtui.curriculum.loader import parse_lesson
from gradtui.engine.training.playground import Playground, parse_fields

PATIENCE = "must be a whole number from 1 to 10,000,000 (the rises in a row that stop the run)"
BUDGET = "must be more than 0 and at most 3,600 seconds"
REFUSED = [("patience", "0", PATIENCE), ("time_budget", "0", BUDGET), ("time_budget", "-1", BUDGET)]


@pytest.mark.parametrize(("field", "text", "message"), REFUSED)
@pytest.mark.parametrize("command", ["descend", "export"])
def test_the_command_line_refuses(capsys, field, text, message, command):
    flag = "--" + field.replace("_", "-")
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "x**2", "--from", "3", "--lr", "0.1", flag, text])
    out, err = capsys.readouterr()
    assert (exit_.value.code, out) == (2, "")
    assert f"argument {flag}: {message}, not {text}" in err


@pytest.mark.parametrize(("field", "text", "message"), REFUSED)
def test_the_apps_form_refuses(field, text, message):
    playground, errors = parse_fields(Playground(), {field: text})
    assert errors == {field: f"{field.replace('_', ' ')} {message}, not {text}"}
    assert getattr(playground, field) is None  # the base value is kept


@pytest.mark.parametrize(("field", "text", "message"), REFUSED)
def test_a_lesson_file_refuses(field, text, message):
    lesson_text = TINY_LESSON.replace('start = "3."', f'start = "3."\n{field} = {text}')
    lesson, problems = parse_lesson(lesson_text, "l.md")
    assert lesson is None
    assert [message in p.message for p in problems] == [True]


def test_the_smallest_usable_values_are_accepted(capsys):
    assert cli.main(["descend", "x**2", "--from", "3", "--lr", "0.1", "--patience", "1"]) == 0
    args = ["--time-budget", "0.5", "--steps", "2"]
    assert cli.main(["descend", "x**2", "--from", "3", "--lr", "0.1", *args]) == 0
    capsys.readouterr()
    _, errors = parse_fields(Playground(), {"patience": "1", "time_budget": "0.5"})
    assert errors == {}
