"""Command-line words that start with ``-`` but are values, and ``--lessons`` after a command."""

from __future__ import annotations

import json

import pytest
from lesson_support import TINY_LESSON

from gradtui import cli


def run_json(capsys, *argv: str) -> dict:
    assert cli.main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("expr", "value", "grad"),
    [("-x**2", -9.0, -6.0), ("-(x - 1)**2", -4.0, -4.0), ("-.5*x", -1.5, -0.5), ("-2*x", -6, -2)],
)
def test_an_expression_that_starts_with_minus_is_an_expression(capsys, expr, value, grad):
    out = run_json(capsys, "grad", expr, "--at", "3", "--json")
    assert (out["expr"], out["value"], out["grad"]) == (expr, value, grad)


def test_values_that_start_with_minus_are_values(capsys):
    out = run_json(capsys, "grad", "(x**2).sum()", "--at", "-1,0,1", "--json")
    assert out["grad"] == [-2.0, 0.0, 2.0]
    out = run_json(capsys, "grad", "x*w", "--at", "x=-1", "--at", "w=-.5", "--json")
    assert out["grad"] == {"x": -0.5, "w": -1.0}
    out = run_json(capsys, "descend", "(x**2).sum()", "--from", "-1,2", "--lr", "0.25", "--json")
    assert out["steps"][0]["x"] == [-1.0, 2.0]
    assert out["steps"][1]["x"] == [-0.5, 1.0]  # x - 0.25 * 2x
    # the expression before the options, and after them
    out = run_json(
        capsys, "descend", "--from", "-4", "--lr", "0.1", "-x**2", "--steps", "1", "--json"
    )
    assert (out["expr"], out["steps"][0]["x"]) == ("-x**2", -4.0)


def test_options_stay_options(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["grad", "-h"])
    assert done.value.code == 0 and "usage: gradtui grad" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        cli.main(["grad", "x**2", "--at", "3", "--nope"])
    assert done.value.code == 2
    assert "unrecognized arguments: --nope" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # -h is help, even where a value is expected
        cli.main(["grad", "x**2", "--at", "-h"])
    assert "--at: expected one argument" in capsys.readouterr().err


@pytest.fixture
def lesson_dir(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "tiny.md").write_text(TINY_LESSON.replace("order = 1", "order = 99"))
    return folder


def test_lessons_after_the_command_lists_them(capsys, lesson_dir):
    assert cli.main(["lessons", "--lessons", str(lesson_dir)]) == 0
    assert "99. Tiny" in capsys.readouterr().out


def test_lessons_before_and_after_the_command_are_all_kept(monkeypatch, lesson_dir):
    opened = []
    monkeypatch.setattr(cli, "open_app", lambda args: opened.append(args) or 0)
    argv = ["--lessons", "a", "lesson", "tiny", "--lessons", str(lesson_dir), "--lessons", "b"]
    assert cli.main(argv) == 0
    assert opened[0].lessons == ["a", str(lesson_dir), "b"]
    assert cli.main(["sandbox", "--fn", "-x**2", "--lessons", "c"]) == 0
    assert (opened[1].lessons, opened[1].fn) == (["c"], "-x**2")

    served = []
    import gradtui.cli.runs as runs

    monkeypatch.setattr(runs, "cmd_serve", lambda args: served.append(args) or 0)
    assert cli.main(["serve", "--port", "8123", "--lessons", "d"]) == 0
    assert served[0].lessons == ["d"]


# --- bounded numbers: one parser for every option that is not a playground setting ----------

BOUNDED = {  # option: the command line it is given on
    "--port": ["serve"],
    "--max-sessions": ["serve"],
    "--deadline": ["data", "fetch", "fashion-mnist"],
    "--task": ["export", "--lesson", "8"],
}


def _refused(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as done:
        cli.main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--port", "abc", "'abc' is not a port number"),
        ("--port", "65536", "--port must be between 1 and 65535, not 65536"),
        ("--max-sessions", "many", "'many' is not a whole number"),
        ("--max-sessions", "1001", "--max-sessions must be between 1 and 1000, not 1001"),
        ("--deadline", "soon", "'soon' is not a number of seconds"),
        ("--deadline", "0", "--deadline must be more than 0 seconds, not 0"),
        ("--deadline", "inf", "--deadline must be more than 0 seconds, not inf"),
        ("--deadline", "nan", "--deadline must be more than 0 seconds, not nan"),
        ("--task", "two", "'two' is not a whole number"),
        ("--task", "0", "--task must be between 1 and 1000, not 0"),
        ("--task", "1.5", "'1.5' is not a whole number"),
    ],
)
def test_a_number_out_of_its_range_is_refused_with_its_bounds(capsys, flag, value, message):
    err = _refused(capsys, [*BOUNDED[flag], flag, value])
    assert f"argument {flag}: {message}" in err


def test_every_bounded_option_uses_the_one_parser():
    from gradtui.cli.common import number_in
    from gradtui.cli.parser import build_parser

    one = number_in("--x", 1, 2).__qualname__
    seen = {}

    def walk(parser):
        for action in parser._actions:
            if action.option_strings and action.option_strings[-1] in BOUNDED:
                seen[action.option_strings[-1]] = action.type.__qualname__
            for sub in (action.choices or {}).values() if isinstance(action.choices, dict) else ():
                walk(sub)

    walk(build_parser())
    assert seen == dict.fromkeys(BOUNDED, one)
