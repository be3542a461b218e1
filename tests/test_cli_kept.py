"""The command line keeps a run's records within the replay's budget of numbers, and says what
it left out: memory no longer grows with the vector's length times the steps."""

from __future__ import annotations

import json

import torch

from gradtui import cli
from gradtui.engine.training.replay import MAX_NUMBERS

N, STEPS, LR = 1000, 300, 0.01  # 2,000 numbers a step: 250 records fit in 500,000 numbers


def descend(capsys, *extra: str, n: int = N) -> str:
    start = ",".join(f"{i / n:g}" for i in range(n))
    argv = ["descend", "(x**2).sum()", "--from", start, "--lr", str(LR), "--steps", str(STEPS)]
    assert cli.main([*argv, *extra]) == 0
    return capsys.readouterr().out


def test_json_lists_an_even_sample_of_steps_and_says_so(capsys):
    out = json.loads(descend(capsys, "--json"))
    steps = [row["step"] for row in out["steps"]]
    kept = out["kept"]
    assert kept["of"] == STEPS and kept["steps"] == len(steps) <= MAX_NUMBERS // (2 * N)
    assert steps == list(range(0, STEPS, kept["every"]))  # evenly spaced from step 0
    assert kept["note"] == (
        f"{len(steps)} of the 300 steps are listed (steps 0, {kept['every']}, "
        f"{2 * kept['every']}, …): a run keeps at most 500,000 numbers of parameters and "
        "grads, and each step holds 2,000"
    )
    # what is listed is what plain torch computes at those steps
    x = torch.tensor([i / N for i in range(N)], requires_grad=True)
    for step in range(STEPS):
        if step in steps:
            row = out["steps"][steps.index(step)]
            assert row["x"] == x.tolist()
            assert row["grad"] == (2 * x).tolist()
        loss = (x**2).sum()
        loss.backward()
        with torch.no_grad():
            x -= x.grad * LR
        x.grad.zero_()
    assert out["final"]["x"] == x.tolist() and out["final"]["steps"] == STEPS


def test_text_output_notes_a_sample_thinner_than_its_chart(capsys):
    lines = descend(capsys, n=5000).strip().splitlines()  # 10,000 numbers a step: 50 fit
    assert lines[-1].startswith("note: ") and "of the 300 steps are listed" in lines[-1]
    assert "note: " not in descend(capsys)  # 150 steps: more than the chart's 72 columns


def test_a_short_run_lists_every_step_and_no_note(capsys):
    assert (
        cli.main(["descend", "x**2", "--from", "3", "--lr", "0.1", "--steps", "5", "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [row["step"] for row in out["steps"]] == [0, 1, 2, 3, 4] and "kept" not in out
