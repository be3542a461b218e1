"""Exported scripts: plain PyTorch that reproduces the engine's run, run for real."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest
import torch
from test_probe import TABLE

from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.engine.expr.expr import compile_expr
from gradtui.engine.expr.torch_source import torch_source
from gradtui.engine.present.export import export_script
from gradtui.engine.training.loop import StepRecord
from gradtui.engine.training.playground import Playground

DTYPES = {"float32": torch.float32, "float64": torch.float64}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("text", "inputs"), [(row[0], row[1]) for row in TABLE])
def test_torch_source_computes_what_the_compiler_runs(text, inputs, dtype):
    tensors = {n: torch.tensor(v, dtype=DTYPES[dtype]) for n, v in inputs.items()}
    source = torch_source(text, dtype)
    ours = compile_expr(text)(**tensors)
    # the test evaluates the generated source (never a learner's text) to compare results
    theirs = eval(source, {"torch": torch}, dict(tensors))  # noqa: S307
    assert torch.equal(torch.as_tensor(theirs), torch.as_tensor(ours)), source


def test_torch_source_folds_and_spells_out_torch():
    assert torch_source("sin(x) + 2*3") == "torch.sin(x) + 6.0"
    assert torch_source("x.sum()") == "torch.sum(x)"
    assert torch_source("(0-2)**x") == "(-2.0) ** x"
    assert torch_source("maximum(x, 0)", "float64") == (
        "torch.maximum(x, torch.tensor(0.0, dtype=torch.float64))"
    )


def _engine_run(pg: Playground) -> tuple[list[StepRecord], object]:
    stepper = pg.stepper()
    records = [r for r in stepper.run() if isinstance(r, StepRecord)]
    return records, stepper.stopped


def _run_script(source: str, tmp_path, name: str) -> list[str]:
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


_FIELD = re.compile(r"(\S+) (\[[^\]]*\]|\S+)")


def _fields(line: str) -> dict[str, str]:
    return dict(_FIELD.findall(line))


def _number(text: str):
    return ast.literal_eval(text)


CASES = {
    "descend": Playground(max_steps=20),
    "descend_vector_float64": Playground(
        fn="((x - 1)**2).sum() + sin(x).mean()", start="3, -2, 0.5", dtype="float64", lr=0.2
    ),
    "descend_two_target": Playground(
        fn="(x - 2)**2 + (y + 1)**2", start="x=0; y=0", target=0.01, max_steps=500
    ),
    "diverges": Playground(lr=1.1, max_steps=None),
    "patience_no_zero": Playground(fn="x**2", start="3.", lr=0.05, patience=2, zero_grad=False),
    "fit_roller_coaster": Playground().switch_mode("fit").with_(max_steps=10),
    "fit_float64_typed_start": Playground()
    .switch_mode("fit")
    .with_(start="a=1; b=-2; c=3", dtype="float64", lr=2e-5, max_steps=30),
}


def _lesson_case(order: int, task: int) -> Playground:
    lessons, _ = load_lessons([shipped_lessons_dir()])
    (lesson,) = [lesson for lesson in lessons if lesson.order == order]
    return lesson.tasks[task].solution_playground()


CASES["lesson_8_task_2"] = _lesson_case(8, 1)
CASES["lesson_7_task_1"] = _lesson_case(7, 0)


@pytest.mark.parametrize("name", list(CASES))
def test_exported_script_reproduces_the_run(name, tmp_path):
    pg = CASES[name]
    records, stop = _engine_run(pg)
    lines = _run_script(export_script(pg), tmp_path, name)
    assert len(lines) == len(records) + 1
    for record, line in zip(records, lines, strict=False):
        fields = _fields(line)
        assert int(fields["step"]) == record.step
        assert _number(fields["loss"]) == pytest.approx(record.loss, rel=1e-6)
        for param, value in record.params.items():
            assert _number(fields[param]) == pytest.approx(value, rel=1e-6)
            assert _number(fields[f"{param}.grad"]) == pytest.approx(record.grads[param], rel=1e-6)
    last = _fields(lines[-1])
    assert last["stop"] == stop.reason and int(last["steps"]) == stop.steps
    for param, value in stop.params.items():
        assert _number(last[param]) == pytest.approx(value, rel=1e-6)


def test_the_roller_coaster_script_prints_the_books_losses(tmp_path):
    lines = _run_script(export_script(CASES["fit_roller_coaster"]), tmp_path, "book")
    losses = [round(_number(_fields(line)["loss"]), 1) for line in lines]
    assert losses[:3] == [25823.8, 5435.5, 1577.4] and losses[-1] == 677.0


def test_what_cannot_be_exported_says_why():
    with pytest.raises(ValueError, match="float32 or float64"):
        export_script(Playground(start="3", dtype="int64"))
    with pytest.raises(ValueError, match="syntax error"):
        export_script(Playground(fn="x**"))
    for name in ("loss", "lr", "p"):  # the script's own names would overwrite the variable
        with pytest.raises(ValueError, match=f"the name '{name}'"):
            export_script(Playground(fn=f"{name}**2", start="3"))
