"""CSV data for fit mode: what is read, what is refused (with file:line), and the fit itself."""

from __future__ import annotations

import os

import pytest
import torch

from gradtui.curriculum.loader import parse_lesson
from gradtui.engine.training.loop import StepRecord
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.problem import seeded_start
from gradtui.io import csvdata
from gradtui.io.csvdata import CsvError, parse_csv_text, read_csv_file

TEMPS = "celsius,fahrenheit\n-10,14\n0,32\n10,50\n20,68\n"


def write(tmp_path, text: str | bytes, name: str = "d.csv") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_reads_a_header_and_rows(tmp_path):
    data = read_csv_file(write(tmp_path, TEMPS))
    assert data.header == ("celsius", "fahrenheit")
    assert data.inputs == (-10.0, 0.0, 10.0, 20.0)
    assert data.targets == (14.0, 32.0, 50.0, 68.0)
    assert data.notes == ()
    assert data.describe() == "4 rows (celsius → fahrenheit)"


@pytest.mark.parametrize(
    "text",
    [
        "1,2\n3,4\n",  # no header
        "\ufeffx,y\n1,2\n3,4\n",  # a byte-order mark, as spreadsheets write
        "# measured on Monday\nx,y\n\n1,2\n  \n# more\n3,4",  # comments and blank lines
        "x;y\n1;2\n3;4\n",  # semicolons
        "x\ty\n1\t2\n3\t4\n",  # tabs
        '"x","y"\n"1","2"\n" 3 ", 4\r\n',  # quotes, spaces, a Windows line end
        "x,y\n+1,2.\n3e0,.4e1\n",  # number spellings that Python reads the same
        "x,y,\n1,2,\n3,4,,\n",  # empty cells at the end, as spreadsheets export them
    ],
)
def test_accepts_common_spellings(tmp_path, text):
    data = read_csv_file(write(tmp_path, text.encode("utf-8")))
    assert data.inputs == (1.0, 3.0)
    assert data.targets == (2.0, 4.0)


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("x,y\n1,2\n3,abc\n", 3, "column 2: 'abc' is not a number"),
        ("x,y\n1,2\n3,4,5\n", 3, "3 cells, but line 1 has 2"),
        ("1,2\n3\n", 2, "1 cell, but line 1 has 2"),
        ("1,2,3\n4,5,6\n", 1, "3 cells separated by commas; expected 2 columns"),
        ("x,y\n1,2\n3,nan\n", 3, "column 2: 'nan' is not a finite number"),
        ("x,y\n1,2\n-inf,4\n", 3, "column 1: '-inf' is not a finite number"),
        ("x,y\n1,2\n1e999,4\n", 3, "column 1: '1e999' is too large for float32"),
        ("x,y\n1,2\n,4\n", 3, "column 1 is empty"),
        ("x;y\n1,5;2\n", 2, "'1,5' is not a number (write decimals with a dot)"),
        ("x,1\n1,2\n", 1, "column 1: 'x' is not a number"),
        ("x,y\n1,2\n3,\x1b[31m\n", 3, "column 2: '?[31m' is not a number"),
    ],
)
def test_bad_cells_and_rows_name_the_line(tmp_path, text, where, message):
    path = write(tmp_path, text)
    with pytest.raises(CsvError) as caught:
        read_csv_file(path)
    assert caught.value.line == where
    assert str(caught.value).startswith(f"{path}:{where}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "has no rows: a fit needs rows of input,target numbers"),
        ("\n# only a comment\n\n", "has no rows"),
        ("x,y\n", "has only a header"),
        ("x,y\n1,2\n", "has a single row: a fit needs at least 2 points"),
        (b"x,y\n1,2\x00\x00\x01", "holds NUL bytes: a binary file, not CSV text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_whole_file_problems(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(CsvError) as caught:
        read_csv_file(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(path + ": ")


def test_text_that_is_not_utf8_names_its_line(tmp_path):
    path = write(tmp_path, b"x,y\n1,2\n3,4\xe9\n")
    with pytest.raises(CsvError, match=r"d\.csv:3: byte 0xe9 is not UTF-8 text"):
        read_csv_file(path)


def test_paths_that_are_not_csv_files(tmp_path):
    with pytest.raises(CsvError, match="nope.csv: no such file"):
        read_csv_file(tmp_path / "nope.csv")
    with pytest.raises(CsvError, match="is a folder: give a CSV file"):
        read_csv_file(tmp_path)
    if os.path.exists("/dev/null"):
        with pytest.raises(CsvError, match="is a device, not a regular file"):
            read_csv_file("/dev/null")


def test_rows_past_the_limit_are_left_out_with_a_note(tmp_path, monkeypatch):
    rows = "".join(f"{i},{2 * i}\n" for i in range(10_050))
    data = read_csv_file(write(tmp_path, "x,y\n" + rows))
    assert len(data) == csvdata.MAX_ROWS == 10_000
    assert data.inputs[-1] == 9999.0
    assert data.notes == (
        "only the first 10,000 rows are used: 50 more from line 10002 on were left out",
    )


def test_a_huge_file_is_read_only_in_part(tmp_path, monkeypatch):
    monkeypatch.setattr(csvdata, "MAX_READ_BYTES", 1000)
    rows = "".join(f"{i},{i}.5\n" for i in range(1000))  # about 9 KB
    data = read_csv_file(write(tmp_path, rows))
    # Only whole lines of the first 1000 bytes are used: the cut line is never half read.
    assert 100 < len(data) < 200
    assert data.targets[-1] == data.inputs[-1] + 0.5
    assert "only its first 1000 bytes were read" in data.notes[0]


def test_to_text_parses_back_to_the_same_numbers():
    data = parse_csv_text("a,b\n0.1,1e-7\n-3.25,123456.789\n")
    again = parse_csv_text(data.to_text())
    assert again == data
    assert again.inputs == (0.1, -3.25)


def test_seeded_start_is_torch_randn_from_that_seed():
    want = torch.randn(2, generator=torch.Generator().manual_seed(7)).tolist()
    start = seeded_start(["w", "b"], 7)
    assert [start["w"].numbers[0], start["b"].numbers[0]] == want


def test_the_fit_on_csv_data_matches_plain_torch():
    text = "t,y\n" + "".join(f"{c},{1.8 * c + 32}\n" for c in range(-10, 41, 5))
    pg = Playground(mode="fit", fn="w*t + b", start="random", lr=0.002, max_steps=5, data_csv=text)
    records = [r for r in pg.stepper().run() if isinstance(r, StepRecord)]

    t = torch.arange(-10, 41, 5).float()
    y = 1.8 * t + 32
    w, b = torch.randn(2, generator=torch.Generator().manual_seed(42))
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    for record in records:
        loss = ((w * t + b - y) ** 2).mean()
        loss.backward()
        assert record.loss == pytest.approx(loss.item(), rel=1e-6)
        assert record.grads["w"] == pytest.approx(w.grad.item(), rel=1e-6)
        with torch.no_grad():
            w -= w.grad * 0.002
            b -= b.grad * 0.002
            w.grad.zero_()
            b.grad.zero_()
    assert len(records) == 5


def test_csv_data_needs_a_model_over_t():
    with pytest.raises(ValueError, match="does not use the input t"):
        Playground(mode="fit", fn="w*x + b", start="random", data_csv="1,2\n3,4\n").problem()


LESSON = """+++
id = "csv"
title = "CSV"
order = 50

[[tasks]]
goal = "g"
editable = ["lr"]
hints = ["h"]

[tasks.setup]
mode = "fit"
fn = "w*t + b"
data_csv = \"\"\"
x,y
1,2
3,oops
\"\"\"

[tasks.solution]
lr = 0.01

[tasks.check]
kind = "loss_below_within_steps"
loss = 1.0
steps = 10
+++

# CSV
"""


def test_a_lesson_with_bad_inline_data_is_refused_with_the_line():
    lesson, problems = parse_lesson(LESSON, "l.md")
    assert lesson is None
    assert [str(p) for p in problems] == [
        "l.md:14: 'data_csv' is not usable data: "
        "line 3 of the data: column 2: 'oops' is not a number"
    ]


def test_the_plot_gets_at_most_2000_data_points_and_the_model_over_the_whole_range():
    from gradtui.engine.present.plotdata import fit_view

    text = "".join(f"{i},{2 * i}\n" for i in range(10_000))
    pg = Playground(mode="fit", fn="w*t + b", start="w=2; b=0", data_csv=text)
    view = fit_view(pg.problem(), {"w": 2.0, "b": 0.0})
    assert len(view.data_x) == 2000 and view.data_x[:2] == [0.0, 5.0]
    assert view.data_y == [2 * x for x in view.data_x]
    assert view.model_x[0] == 0.0 and view.model_x[-1] == 9999.0
    assert view.model_y[-1] == pytest.approx(19998.0)
