"""``gradtui lr-find``: the table, the JSON, and refused input (run in-process)."""

from __future__ import annotations

import json

import pytest

from gradtui import cli
from gradtui.engine.training.lrfind import lr_find
from gradtui.engine.training.playground import Playground


def _main(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def test_json_holds_the_engine_sweep(capsys):
    status, out, _ = _main(capsys, "lr-find", "x**2", "--from", "3", "--json")
    assert status == 0
    data = json.loads(out)
    expected = lr_find(Playground().problem())
    assert data["lrs"] == pytest.approx(expected.lrs)
    assert data["smoothed"] == pytest.approx(expected.smoothed)
    assert data["suggestion"] == pytest.approx(expected.suggestion)
    assert data["rule"].startswith("valley")
    assert data["expr"] == "x**2"


def test_table_marks_the_suggestion_and_states_the_rules(capsys):
    status, out, _ = _main(capsys, "lr-find", "--example", "roller-coaster")
    assert status == 0
    expected = lr_find(Playground().switch_mode("fit").problem())
    assert f"suggested lr: {expected.suggestion:.3g} (valley:" in out
    assert "<- suggested" in out
    assert f"{len(expected.lrs)} steps, one per lr, continuing from the start" in out
    assert "min/10" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["lr-find"], "give an expression with --from, or --example"),
        (["lr-find", "x**2"], "add --from"),
        (["lr-find", "x**", "--from", "3"], "ends too early"),
        (["lr-find", "x**2", "--example", "roller-coaster"], "not both"),
        (["lr-find", "--example", "roller-coaster", "--from", "3"], "--from is for an expression"),
        (["lr-find", "--example", "moon"], "invalid choice"),
        (["lr-find", "x**2", "--from", "abc"], "abc"),
    ],
)
def test_bad_input_exits_2_with_one_message(capsys, argv, fragment):
    status, out, err = _main(capsys, *argv)
    assert status == 2
    assert fragment in err
    assert "Traceback" not in err and out == ""
