"""The command line, run for real in subprocesses (and in-process for the many bad inputs).

Every subprocess that imports torch costs about two seconds, so the real commands are started
together, a few at a time, once per module, and each test reads the result it needs.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
import torch

from gradtui import cli
from gradtui.cli.parser import EXAMPLES
from gradtui.engine.training.examples import roller_coaster

# The subprocesses are started once per test process: with the suite spread over several
# (pytest-xdist), the tests of this module stay in one of them (--dist loadgroup), so that the
# commands are not all run again in each.
pytestmark = pytest.mark.xdist_group("cli-subprocesses")

ROOT = Path(__file__).resolve().parent.parent
PYTHON_M = [sys.executable, "-m", "gradtui"]
CONSOLE_SCRIPT = Path(sys.executable).parent / "gradtui"

SEED_LINES = [
    ">>> def f(x): return x**2",
    ">>> x = torch.tensor(3.).requires_grad_()",
    ">>> y = f(x)",
    ">>> y",
    "tensor(9., grad_fn=<PowBackward0>)",
    ">>> y.backward()",
    ">>> x.grad",
    "tensor(6.)",
]


def gradtui(command: str) -> list[str]:
    """``python -m gradtui`` with the arguments of a shell-quoted command line."""
    return [*PYTHON_M, *shlex.split(command)]


# name -> command line; all are started by the `ran` fixture
COMMANDS: dict[str, list[str]] = {
    # torch-importing runs (about 2 s each): keep this list short
    "grad_text": [str(CONSOLE_SCRIPT), "grad", "x**2", "--at", "3"],
    "grad_vector": gradtui("grad '(x**2).sum()' --at 3,5,12 --json"),
    "grad_several": gradtui("grad 'x*w + b' --at x=2 --at w=3 --at b=1 --json"),
    "descend": gradtui("descend 'x**2' --from 3 --lr 0.1 --steps 5 --json"),
    "descend_diverge": gradtui("descend 'x**2' --from 3 --lr 1.1 --json"),
    "descend_two": gradtui(
        "descend '(x - 2)**2 + (y + 1)**2' --from x=0 --from y=0 --lr 0.1 --until-loss 0.01 --json"
    ),
    "fit_json": gradtui("fit --example roller-coaster --steps 3 --json"),
    "fit_text": gradtui("fit"),
    "bad_expr": gradtui("""grad "__import__('os').system('echo hi')" --at 3"""),
    "bad_int_dtype": gradtui("grad 'x**2' --at 3 --dtype auto"),
    "bad_non_scalar": gradtui("grad 'x**2' --at 3,5,12"),
    "bad_shapes": gradtui("descend '(x + y).sum()' --from x=1,2 --from y=1,2,3 --lr 0.1"),
    # runs that fail before torch is imported (fast)
    "bad_numbers": gradtui("grad 'x**2' --at 3,abc"),
    "bad_flag": gradtui("descend 'x**2' --from 3 --lr 0.1 --bogus"),
    "bad_lr": gradtui("descend 'x**2' --from 3 --lr abc"),
    "bad_steps": gradtui("descend 'x**2' --from 3 --lr 0.1 --steps -1"),
    "bad_lr_nan": gradtui("descend 'x**2' --from 3 --lr nan"),
    "missing_at": gradtui("grad 'x**2'"),
    "help": gradtui("--help"),
    "help_grad": gradtui("grad --help"),
    "help_descend": gradtui("descend --help"),
    "help_fit": gradtui("fit --help"),
    "help_sandbox": gradtui("sandbox --help"),
    "lazy_imports": [
        sys.executable,
        "-c",
        "import gradtui.cli, sys; gradtui.cli.build_parser(); "
        "print('torch' in sys.modules, 'textual' in sys.modules)",
    ],
}
BAD = [name for name in COMMANDS if name.startswith(("bad_", "missing_"))]
HELP = [name for name in COMMANDS if name.startswith("help")]


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def ran():
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures: dict[str, Future] = {name: pool.submit(_run, a) for name, a in COMMANDS.items()}
        yield {name: f.result for name, f in futures.items()}


def _json(ran, name: str) -> dict:
    result = ran[name]()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""

    def strict(constant):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(result.stdout, parse_constant=strict)


def hand_descent(fn, start: dict, lr: float, steps: int):
    params = {n: torch.tensor(v).requires_grad_() for n, v in start.items()}
    records = []
    for _ in range(steps):
        loss = fn(**params)
        loss.backward()
        records.append(
            (
                {n: p.item() for n, p in params.items()},
                loss.item(),
                {n: p.grad.item() for n, p in params.items()},
            )
        )
        with torch.no_grad():
            for p in params.values():
                p -= lr * p.grad
                p.grad = None
    return records, {n: p.item() for n, p in params.items()}, fn(**params).item()


# --- grad ---------------------------------------------------------------------------------


def test_grad_text_is_the_seed_from_the_console_script(ran):
    assert CONSOLE_SCRIPT.exists()
    result = ran["grad_text"]()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == SEED_LINES


def test_grad_json_vector(ran):
    data = _json(ran, "grad_vector")
    assert set(data) == {
        "expr",
        "dtype",
        "value",
        "value_repr",
        "grad_fn",
        "grad",
        "grad_repr",
        "graph",
    }
    x = torch.tensor([3.0, 5.0, 12.0], requires_grad=True)
    y = (x**2).sum()
    y.backward()
    assert data["expr"] == "(x**2).sum()"
    assert data["dtype"] == "float32"
    assert data["value"] == y.item()
    assert data["value_repr"] == repr(y)
    assert data["grad_fn"] == "SumBackward0"
    assert data["grad"] == x.grad.tolist() == [6.0, 10.0, 24.0]
    assert data["grad_repr"] == "tensor([ 6., 10., 24.])"
    assert data["graph"]["name"] == "SumBackward0"


def test_grad_json_several_variables_keyed_by_name(ran):
    data = _json(ran, "grad_several")
    assert data["value"] == 7.0
    assert data["grad_fn"] == "AddBackward0"
    assert data["grad"] == {"x": 3.0, "w": 2.0, "b": 1.0}
    assert data["grad_repr"] == {"x": "tensor(3.)", "w": "tensor(2.)", "b": "tensor(1.)"}


# --- descend and fit ------------------------------------------------------------------------


def test_descend_json_records_hold_values_before_each_update(ran):
    data = _json(ran, "descend")
    records, final, final_loss = hand_descent(lambda x: x**2, {"x": 3.0}, 0.1, 5)
    assert set(data) == {"expr", "lr", "steps", "stop", "message", "final"}
    assert data["expr"] == "x**2" and data["lr"] == 0.1
    assert [s["step"] for s in data["steps"]] == [0, 1, 2, 3, 4]
    for row, (params, loss, grads) in zip(data["steps"], records, strict=True):
        assert set(row) == {"step", "x", "loss", "grad"}
        assert row["x"] == pytest.approx(params["x"], rel=1e-6)
        assert row["loss"] == pytest.approx(loss, rel=1e-6)
        assert row["grad"] == pytest.approx(grads["x"], rel=1e-6)
    assert data["steps"][0] == {"step": 0, "x": 3.0, "loss": 9.0, "grad": 6.0}
    assert data["stop"] == "max_steps"
    assert data["final"]["steps"] == 5
    assert data["final"]["x"] == pytest.approx(final["x"], rel=1e-6)
    assert data["final"]["loss"] == pytest.approx(final_loss, rel=1e-6)


def test_descend_json_diverges_after_26_steps(ran):
    data = _json(ran, "descend_diverge")
    assert data["stop"] == "diverged"
    assert len(data["steps"]) == 26 and data["final"]["steps"] == 26
    assert data["final"]["loss"] > 9e4 >= data["steps"][-1]["loss"]


def test_descend_json_two_variables(ran):
    data = _json(ran, "descend_two")
    fn = lambda x, y: (x - 2) ** 2 + (y + 1) ** 2  # noqa: E731
    records, _, _ = hand_descent(fn, {"x": 0.0, "y": 0.0}, 0.1, len(data["steps"]))
    assert data["stop"] == "target"
    assert data["final"]["loss"] <= 0.01 < data["steps"][-1]["loss"]
    for row, (params, loss, grads) in zip(data["steps"], records, strict=True):
        assert set(row) == {"step", "x", "y", "loss", "grad"}
        assert set(row["grad"]) == {"x", "y"}
        assert row["x"] == pytest.approx(params["x"], rel=1e-6)
        assert row["y"] == pytest.approx(params["y"], rel=1e-6)
        assert row["loss"] == pytest.approx(loss, rel=1e-6)
        assert row["grad"] == pytest.approx(grads, rel=1e-6)


def test_fit_json(ran):
    data = _json(ran, "fit_json")
    assert data["expr"] == "a*t**2 + b*t + c"
    assert data["lr"] == 1e-5
    assert len(data["steps"]) == 3 and data["stop"] == "max_steps"
    first = data["steps"][0]
    assert set(first) == {"step", "a", "b", "c", "loss", "grad"}
    assert set(first["grad"]) == {"a", "b", "c"}
    assert {k: first[k] for k in "abc"} == roller_coaster(42).start
    assert round(first["loss"], 1) == 25823.8
    assert data["steps"][1]["loss"] < first["loss"]
    assert set(data["final"]) == {"a", "b", "c", "loss", "steps"}


def test_fit_text(ran):
    result = ran["fit_text"]()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["step", "a", "b", "c", "loss", "a.grad", "b.grad", "c.grad"]
    assert "25823.8" in lines[1]
    assert lines[1].split()[0] == "0"
    assert any(line.split()[:1] == ["end"] for line in lines)
    assert "stop: max_steps (out of steps: made 10 steps)" in lines
    assert "\x1b[" not in result.stdout  # no colour codes when not a terminal


# --- bad input: status 2, one message, no traceback ------------------------------------------


@pytest.mark.parametrize("name", BAD)
def test_bad_input_exits_2_without_traceback(ran, name):
    result = ran[name]()
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.count("error:") == 1
    assert "gradtui: error: " in result.stderr


def test_bad_input_messages(ran):
    assert "calling 'system' is not allowed" in ran["bad_expr"]().stderr
    assert "^" in ran["bad_expr"]().stderr  # the caret under the column
    assert "hi" not in ran["bad_expr"]().stdout
    with pytest.raises(RuntimeError) as theirs:
        torch.tensor(3).requires_grad_()
    assert str(theirs.value) in ran["bad_int_dtype"]().stderr
    assert "3. (with a dot)" in ran["bad_int_dtype"]().stderr
    assert "only for scalar outputs" in ran["bad_non_scalar"]().stderr
    assert ".sum()" in ran["bad_non_scalar"]().stderr
    assert "different lengths" in ran["bad_shapes"]().stderr
    assert "'abc' is not a number (column 3)" in ran["bad_numbers"]().stderr
    assert "unrecognized arguments: --bogus" in ran["bad_flag"]().stderr
    lr_rule = "argument --lr: must be a number from -1e10 to 1e10 (try 0.001 to 1)"
    assert f"{lr_rule}, not 'abc'" in ran["bad_lr"]().stderr
    assert f"{lr_rule}, not nan" in ran["bad_lr_nan"]().stderr
    steps_rule = "argument --steps: must be a whole number from 1 to 10,000,000"
    assert steps_rule in ran["bad_steps"]().stderr
    assert "the following arguments are required: --at" in ran["missing_at"]().stderr


@pytest.mark.parametrize("name", HELP)
def test_help(ran, name):
    result = ran[name]()
    assert result.returncode == 0, result.stderr
    assert "examples" in result.stdout
    assert result.stdout.startswith("usage: gradtui")


def test_help_examples_are_commands():
    for text in EXAMPLES.values():
        assert text.startswith("examples:")
        for line in text.splitlines()[1:]:
            assert line.strip().startswith("gradtui ")


def test_parser_imports_neither_torch_nor_textual(ran):
    result = ran["lazy_imports"]()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False"


# --- in process: more inputs, cheaply -------------------------------------------------------


def _main(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exit_:  # argparse
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["grad", "x.__class__", "--at", "3"], "attribute '.__class__' not allowed"),
        (["grad", "open('f')", "--at", "3"], "calling 'open' is not allowed"),
        (["grad", "x;y", "--at", "3"], "';' is not allowed"),
        (["grad", "", "--at", "3"], "the expression is empty"),
        (["grad", "x**2", "--at", "nan"], "not a finite number"),
        (["grad", "x**2", "--at", "[1, 2"], "never closed"),
        (["grad", "x**2", "--at", "3", "--at", "4"], "name each one"),
        (["grad", "x*w", "--at", "3"], "give each a value"),
        (["grad", "x*w", "--at", "x=3"], "no value given for w"),
        (["grad", "x**2", "--at", "3", "--dtype", "int64"], "floating point"),
        (["grad", "x**2", "--at", "99999999999999999999", "--dtype", "int64"], "Overflow"),
        (["grad", "3", "--at", "3"], "nothing to differentiate"),
        (["grad", "x**2", "--at", "3", "--dtype", "float16"], "invalid choice"),
        (["descend", "x**2", "--from", "3"], "--lr"),
        (["descend", "x*y", "--from", "3", "--lr", "0.1"], "give each a value"),
        (["descend", "3 + 4", "--from", "x=3", "--lr", "0.1"], "no variable to change"),
        (["descend", "x**2", "--from", "3,5", "--lr", "0.1"], "cannot be converted to Scalar"),
        (["descend", "x**2", "--from", "3", "--lr", "1e400"], "must be a number from"),
        (["descend", "x**2", "--from", "3", "--lr", "0.1", "--steps", "1.5"], "whole number"),
        (["descend", "x**2", "--from", "3", "--lr", "0.1", "--patience", "x"], "whole number"),
        (["fit", "--example", "sine"], "invalid choice"),
        (["fit", "--seed", "x"], "must be a whole number from 0 to 4,294,967,295"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_bad_input_in_process(capsys, argv, fragment):
    status, out, err = _main(capsys, *argv)
    assert status == 2
    assert out == ""
    assert fragment in err
    assert err.count("error:") == 1
    assert "Traceback" not in err


def test_error_stop_message_is_not_doubled(capsys):
    status, _, err = _main(
        capsys, "descend", "(x + y).sum()", "--from", "x=1,2", "--from", "y=1,2,3", "--lr", "1"
    )
    assert status == 2
    assert err.startswith("gradtui: error: RuntimeError: The size of tensor a (2)")


def test_json_stays_strict_with_nan_and_inf(capsys):
    def strict(constant):
        raise AssertionError(f"{constant} is not JSON")

    status, out, _ = _main(capsys, "grad", "sqrt(x)", "--at", "-1", "--json")
    assert status == 0
    data = json.loads(out, parse_constant=strict)
    assert data["value"] == "nan" and data["grad"] == "nan"
    assert data["value_repr"] == "tensor(nan, grad_fn=<SqrtBackward0>)"

    status, out, _ = _main(capsys, "descend", "sqrt(x)", "--from", "0", "--lr", "0.1", "--json")
    assert status == 0
    data = json.loads(out, parse_constant=strict)
    assert data["stop"] == "diverged"
    assert data["steps"][0]["grad"] == "inf"
    assert data["final"]["x"] == "-inf" and data["final"]["loss"] == "nan"


def test_descend_text_in_process(capsys):
    status, out, _ = _main(capsys, "descend", "x**2", "--from", "3", "--lr", "0.1", "--steps", "3")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["step", "x", "loss", "x.grad"]
    assert lines[1].split() == ["0", "3", "9", "6"]
    assert "stop: max_steps (out of steps: made 3 steps)" in lines


@pytest.mark.parametrize(
    ("flags", "reason", "steps"),
    [
        (["--lr", "1.1", "--patience", "2"], "worse", 2),
        (["--lr", "0.1", "--until-loss", "9"], "target", 0),
        (["--lr", "0.1", "--time-budget", "1e-300"], "time", 0),  # any forward pass takes longer
        (["--lr", "0.1", "--steps", "1"], "max_steps", 1),
    ],
)
def test_stop_flags_in_process(capsys, flags, reason, steps):
    status, out, _ = _main(capsys, "descend", "x**2", "--from", "3", *flags, "--json")
    assert status == 0
    data = json.loads(out)
    assert data["stop"] == reason
    assert len(data["steps"]) == data["final"]["steps"] == steps


def test_float64_in_process(capsys):
    argv = ["descend", "x**2", "--from", "0.1", "--lr", "0.3", "--steps", "2", "--json"]
    status, out, _ = _main(capsys, *argv, "--dtype", "float64")
    assert status == 0
    x = torch.tensor(0.1, dtype=torch.float64)
    assert json.loads(out)["steps"][1]["x"] == (x - 0.3 * 2 * x).item()


@pytest.mark.parametrize("key", ["99", "abc", "0"])
def test_an_unknown_lesson_is_refused_before_the_app_starts(capsys, monkeypatch, key):
    opened = []
    monkeypatch.setattr(cli, "open_app", opened.append)
    status, out, err = _main(capsys, "lesson", key)
    assert (status, out, opened) == (2, "", [])
    assert err.startswith(f"gradtui: error: no lesson '{key}' (there are 1-21: ")
    assert err.count("\n") == 1 and "gradtui lessons" in err


def test_a_known_lesson_by_number_or_id_opens_the_app(capsys, monkeypatch):
    from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir

    opened = []
    monkeypatch.setattr(cli, "open_app", lambda args: opened.append(args.number) or 0)
    first = load_lessons([shipped_lessons_dir()])[0][0]
    for key in ("1", first.id):
        assert _main(capsys, "lesson", key)[0] == 0
    assert opened == ["1", first.id]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--from", "nan"],
            "--from: 'nan' is not a finite number: start from a real number (column 1)\nnan\n^",
        ),
        (["--from", "3,abc"], "--from: 'abc' is not a number (column 3)\n3,abc\n  ^"),
        (
            ["--fn", "x**"],
            "--fn: syntax error: the expression ends too early (something is missing) "
            "(column 4)\nx**\n   ^",
        ),
        (["--fn", "x*y", "--from", "3"], "--from: the expression uses x, y: give each a value"),
        (["--fit", "--from", "a=1"], "--from: no starting value for b, c"),
    ],
)
def test_sandbox_names_the_option_typed_with_a_caret_under_it(capsys, monkeypatch, argv, expected):
    opened = []
    monkeypatch.setattr(cli, "open_app", opened.append)
    status, out, err = _main(capsys, "sandbox", *argv)
    assert (status, out, opened) == (2, "", [])
    assert err.startswith(f"gradtui: error: {expected}")


def test_sandbox_with_good_options_opens_the_app(capsys, monkeypatch):
    opened = []
    monkeypatch.setattr(cli, "open_app", lambda args: opened.append(args.start) or 0)
    assert _main(capsys, "sandbox", "--fn", "x*y", "--from", "x=3; y=1", "--lr", "0.1")[0] == 0
    assert opened == ["x=3; y=1"]


@pytest.mark.parametrize(
    ("command", "option", "rest"),
    [
        ("grad", "--at", ["--json"]),
        ("graph", "--at", ["--json"]),
        ("descend", "--from", ["--lr", "0.1", "--steps", "3", "--json"]),
        ("lr-find", "--from", ["--json"]),
        ("export", "--from", ["--lr", "0.1", "--steps", "3"]),
    ],
)
def test_several_variables_by_semicolons_or_by_repeating(capsys, command, option, rest):
    expr = "(x - 2)**2 * y"
    joined = _main(capsys, command, expr, option, "x=0.5; y=3", *rest)
    repeated = _main(capsys, command, expr, option, "x=0.5", option, "y=3", *rest)
    assert joined == repeated
    assert joined[0] == 0 and joined[2] == ""
    if command == "grad":
        x, y = torch.tensor(0.5).requires_grad_(), torch.tensor(3.0).requires_grad_()
        ((x - 2) ** 2 * y).backward()
        assert json.loads(joined[1])["grad"] == {"x": x.grad.item(), "y": y.grad.item()}


def test_sandbox_from_by_semicolons_or_by_repeating(capsys, monkeypatch):
    opened = []
    monkeypatch.setattr(cli, "open_app", lambda args: opened.append(args.start) or 0)
    for given in (["x=3; y=1"], ["x=3", "--from", "y=1"]):
        assert _main(capsys, "sandbox", "--fn", "x*y", "--from", *given)[0] == 0
    assert opened == ["x=3; y=1", "x=3; y=1"]  # the app's start field reads one text
