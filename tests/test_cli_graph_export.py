"""``gradtui graph`` and ``gradtui export``, in-process (torch is loaded once) and for real."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from gradtui import cli
from gradtui.engine.present.export import export_script
from gradtui.engine.training.playground import Playground


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:  # argparse refused an option
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_graph_text_tree(capsys):
    code, out, _ = run(capsys, "graph", "x**2", "--at", "3")
    assert code == 0
    assert out.splitlines() == [
        "y = tensor(9., grad_fn=<PowBackward0>)",
        "PowBackward0   value 9   grad 1",
        "└─ x (leaf, AccumulateGrad)   value 3   grad 6",
    ]


def test_graph_json_matches_torch(capsys):
    code, out, _ = run(
        capsys, "graph", "x*w + b", "--at", "x=2", "--at", "w=3", "--at", "b=1.5", "--json"
    )
    assert code == 0
    data = json.loads(out)
    x, w, b = (torch.tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.5))
    xw = x * w
    xw.retain_grad()
    y = xw + b
    y.backward()
    assert data["value_repr"] == repr(y)
    root = data["graph"]
    assert (root["name"], root["value"], root["grad"]) == ("AddBackward0", y.item(), 1.0)
    mul, leaf_b = root["children"]
    assert (mul["name"], mul["value"], mul["grad"]) == ("MulBackward0", xw.item(), xw.grad.item())
    grads = {c["variable"]: c["grad"] for c in mul["children"]}
    assert grads == {"x": x.grad.item(), "w": w.grad.item()}
    assert leaf_b == {
        "name": "AccumulateGrad",
        "variable": "b",
        "shape": [],
        "value": 1.5,
        "grad": 1.0,
    }


def test_graph_vector_shows_shapes(capsys):
    _, out, _ = run(capsys, "graph", "(x*sin(x)).sum()", "--at", "1,2,3")
    assert "MulBackward0 shape [3]" in out and "x (leaf, AccumulateGrad) shape [3]" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["graph", "x**2", "--at", "3,4"], "backward() needs a single number"),
        (["graph", "x**", "--at", "3"], "syntax error"),
        (["graph", "__import__('os')", "--at", "3"], "not allowed"),
        (["export"], "give an expression to minimise"),
        (["export", "x**2", "--from", "abc"], "--from"),
        (["export", "x**2", "--lr", "1e20"], "argument --lr: must be a number from"),
        (["export", "--lesson", "99"], "no lesson '99'"),
        (["export", "--lesson", "8", "--task", "7"], "has tasks 1 to 2"),
        (["export", "x**2", "--lesson", "8"], "drop EXPR"),
        (["export", "x", "-o", "/no/such/folder/x.py"], "cannot write"),
    ],
)
def test_bad_input_exits_2_with_one_message(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_export_to_stdout_and_file_match_the_engine(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "export",
        "x**2",
        "--from",
        "3",
        "--lr",
        "0.2",
        "--steps",
        "7",
        "--until-loss",
        "0.001",
        "--patience",
        "2",
    )
    assert code == 0
    expected = Playground(lr=0.2, max_steps=7, target=0.001, patience=2)
    assert out == export_script(expected)
    target = tmp_path / "fit.py"
    code, _, err = run(
        capsys, "export", "--fit", "--seed", "7", "--dtype", "float64", "-o", str(target)
    )
    assert code == 0 and str(target) in err
    fit = Playground().switch_mode("fit").with_(seed=7, dtype="float64")
    assert target.read_text() == export_script(fit)


def test_export_lesson_uses_the_saved_inputs(capsys):
    from gradtui.curriculum.progress import ProgressStore

    ProgressStore().set_inputs("roller-coaster", 1, {"lr": 2e-5})
    _, out, _ = run(capsys, "export", "--lesson", "8", "--task", "2")
    assert "lr = 2e-05" in out and "manual_seed(42)" in out


def test_export_runs_as_a_pipe():
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "gradtui",
            "export",
            "x**2",
            "--from",
            "3",
            "--lr",
            "0.1",
            "--steps",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    ran = subprocess.run(
        [sys.executable, "-"],
        input=made.stdout,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert ran.stdout.splitlines()[0] == "step 0  loss 9.0  x 3.0  x.grad 6.0"
