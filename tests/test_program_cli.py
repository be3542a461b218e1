"""``gradtui run FILE [--json]``: output, exit status (0 ran, 1 raised, 2 refused, stopped or
bad usage) and the JSON object, in this process."""

from __future__ import annotations

import io
import json
import sys

import pytest

from gradtui.cli import main


def _run(tmp_path, capsys, text: str | bytes, *flags: str) -> tuple[int, str, str]:
    path = tmp_path / "program.py"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    status = main(["run", str(path), *flags])
    out, err = capsys.readouterr()
    return status, out, err


def test_text_mode_prints_the_output_then_the_error(tmp_path, capsys):
    text = "print('first')\nx = torch.tensor(3.0).requires_grad_()\nx -= 1\nprint('never')\n"
    status, out, err = _run(tmp_path, capsys, text)
    assert status == 1
    assert out == "first\n"
    assert err.splitlines()[:4] == [
        "Error on line 3:",
        "   3 | x -= 1",
        "     | ^^^^^^",
        "RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.",
    ]
    assert err.splitlines()[4].startswith("What it means: ")


def test_a_finished_run_exits_0(tmp_path, capsys):
    status, out, err = _run(tmp_path, capsys, "print(torch.tensor([1.0, 2.0]).sum())\n")
    assert (status, out, err) == (0, "tensor(3.)\n", "")


def test_refused_and_stopped_exit_2(tmp_path, capsys):
    status, out, err = _run(tmp_path, capsys, "x = 1\nimport os\n")
    assert status == 2 and out == ""
    assert err.startswith("Refused, line 2:\n   2 | import os\n     | ^^^^^^^^^\n")
    status, out, err = _run(tmp_path, capsys, "while True:\n    pass\n")
    assert status == 2 and err.startswith("Stopped on line ")
    assert "budget 'statements'" in err


def test_json_object(tmp_path, capsys):
    text = (
        "import torch\nw = torch.tensor([1.0, 2.0], requires_grad=True)\nloss = (w**2).sum()\n"
        "loss.backward()\nn = 3\nname = 'text'\nbig = torch.zeros(200000)\nbad = float('nan')\n"
        "print('hi')\n"
    )
    status, out, _ = _run(tmp_path, capsys, text, "--json")
    got = json.loads(out)
    assert status == 0
    assert set(got) == {
        "variables", "grads", "printed", "error", "refused", "stopped", "notes", "warnings",
        "losses",
    }  # fmt: skip
    assert got["variables"]["w"] == [1.0, 2.0] and got["variables"]["n"] == 3
    assert got["variables"]["loss"] == 5.0 and "name" not in got["variables"]
    assert got["variables"]["big"] == {"shape": [200000], "dtype": "torch.float32", "omitted": True}
    assert got["variables"]["bad"] == "nan"
    assert got["grads"] == {"w": [2.0, 4.0]}
    assert got["printed"] == ["hi"] and got["losses"] == [5.0]
    assert got["error"] is None and got["refused"] is None and got["stopped"] is None


def test_json_error_refusal_and_stop(tmp_path, capsys):
    status, out, _ = _run(tmp_path, capsys, "x = 1\ny = x + z\n", "--json")
    got = json.loads(out)
    assert status == 1
    assert got["error"] == {
        "line": 2,
        "column": 9,
        "type": "NameError",
        "message": "name 'z' is not defined",
        "explanation": got["error"]["explanation"],
    }
    status, out, _ = _run(tmp_path, capsys, "x = 1\ny = x.numpy()\n", "--json")
    got = json.loads(out)
    assert status == 2 and got["refused"]["line"] == 2 and got["refused"]["column"] == 7
    assert got["variables"] == {}  # nothing ran
    status, out, _ = _run(tmp_path, capsys, "x = torch.zeros(10**10)\n", "--json")
    got = json.loads(out)
    assert status == 2 and got["stopped"]["budget"] == "tensor_elements"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"x = '\xff'\n", "not UTF-8"),
        (b"x = 1\n" * 20000, "larger than"),
    ],
)
def test_bad_files_exit_2(tmp_path, capsys, content, message):
    path = tmp_path / "program.py"
    if content is not None:
        path.write_bytes(content)
    status = main(["run", str(path)])
    err = capsys.readouterr().err
    assert status == 2 and message in err and err.startswith("gradtui: error: ")


def test_standard_input(monkeypatch, capsys):
    stdin = io.TextIOWrapper(io.BytesIO(b"print(1 + 1)\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["run", "-"]) == 0
    assert capsys.readouterr().out == "2\n"


def test_help_lists_run(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "run a program written in gradtui's PyTorch subset" in capsys.readouterr().out


def test_checking_a_program_does_not_import_torch():
    import subprocess

    code = (
        "import sys\n"
        "from gradtui.engine.program import ProgramRefused, compile_program\n"
        "compile_program(open(sys.argv[1]).read())\n"
        "try:\n"
        "    compile_program('import os')\n"
        "except ProgramRefused:\n"
        "    pass\n"
        "print('torch' in sys.modules)\n"
    )
    from program_support import PROGRAMS

    done = subprocess.run(
        [sys.executable, "-c", code, str(PROGRAMS / "linear_classifier.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "False\n"


def test_what_a_program_prints_reaches_the_terminal_without_control_characters(tmp_path, capsys):
    text = 'print("\\x1b]52;c;cHduZWQ=\\x07hello\\x1b[2J")\nprint("\\u202eevil")\nx = 1 / 0\n'
    status, out, err = _run(tmp_path, capsys, text)
    assert status == 1
    assert out == "]52;c;cHduZWQ=hello[2J\nevil\n"
    assert "\x1b" not in err
    status, out, _ = _run(tmp_path, capsys, text, "--json")
    assert json.loads(out)["printed"][0] == "\x1b]52;c;cHduZWQ=\x07hello\x1b[2J"  # JSON escapes it
    assert "\x1b" not in out
