"""`--data FILE` on fit and sandbox: numbers as plain torch makes them, file:line errors."""

from __future__ import annotations

import json

import pytest
import torch

from gradtui import cli

TEMPS = "celsius,fahrenheit\n-10,14\n0,32\n10,50\n20,68\n30,86\n40,104\n"


@pytest.fixture
def temps(tmp_path):
    path = tmp_path / "temps.csv"
    path.write_text(TEMPS)
    return str(path)


def test_fit_on_a_csv_matches_plain_torch(temps, capsys):
    assert cli.main(["fit", "--data", temps, "--lr", "1e-6", "--steps", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["expr"] == "a*t**2 + b*t + c"

    t = torch.tensor([-10.0, 0, 10, 20, 30, 40])
    y = t * 1.8 + 32
    params = torch.randn(3, generator=torch.Generator().manual_seed(42)).requires_grad_()
    for row in out["steps"]:
        a, b, c = params
        loss = ((a * t**2 + b * t + c - y) ** 2).mean()
        loss.backward()
        assert row["loss"] == pytest.approx(loss.item(), rel=1e-6)
        assert row["a"] == pytest.approx(params[0].item(), rel=1e-6)
        with torch.no_grad():
            params -= params.grad * 1e-6
            params.grad.zero_()
    assert len(out["steps"]) == 3


@pytest.mark.parametrize(
    "content, message",
    [
        ("x,y\n1,2\n3,abc\n", "d.csv:3: column 2: 'abc' is not a number"),
        ("x,y\n1,2\n3,4,5\n", "d.csv:3: 3 cells, but line 1 has 2"),
        ("", "d.csv: has no rows"),
    ],
)
@pytest.mark.parametrize("command", ["fit", "sandbox"])
def test_bad_data_exits_2_with_the_line(tmp_path, capsys, content, message, command):
    path = tmp_path / "d.csv"
    path.write_text(content)
    assert cli.main([command, "--data", str(path)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("gradtui: error: ") and message in err
    assert "Traceback" not in err


def test_a_missing_file_or_a_folder_is_named(tmp_path, capsys):
    assert cli.main(["fit", "--data", str(tmp_path / "none.csv")]) == 2
    assert "none.csv: no such file" in capsys.readouterr().err
    assert cli.main(["fit", "--data", str(tmp_path)]) == 2
    assert "is a folder: give a CSV file" in capsys.readouterr().err


def test_a_capped_file_is_fitted_with_a_note(tmp_path, capsys):
    path = tmp_path / "big.csv"
    path.write_text("".join(f"{i / 1000},{i / 500}\n" for i in range(10_003)))
    assert cli.main(["fit", "--data", str(path), "--steps", "1", "--json"]) == 0
    captured = capsys.readouterr()
    assert "only the first 10,000 rows are used: 3 more" in captured.err
    assert json.loads(captured.out)["stop"] == "max_steps"


def test_the_help_names_both_meanings_of_data(capsys):
    with pytest.raises(SystemExit):
        cli.main(["fit", "--help"])
    out = "".join(capsys.readouterr().out.split())  # argparse wraps lines anywhere
    assert "aCSVfileofinput,targetcolumns(ortheFashion-MNISTfolderwith--examplepullover" in out
