"""Programs as fastbook chapter 4 writes them give, through ``gradtui run --json``, what real
Python and torch give for the same text: variables, grads and printed lines exactly, and for
the classic mistakes the same error type, message and line, with a plain explanation."""

from __future__ import annotations

import pytest
from program_support import PROGRAMS, gradtui_run, reference, same_error

MISTAKES = PROGRAMS / "mistakes"
FASTBOOK = sorted(PROGRAMS.glob("*.py"))
ERRORS = sorted(p for p in MISTAKES.glob("*.py") if p.name != "grads_pile_up.py")
# The classic mistakes of the chapter: each explained in plain words.
EXPLAINED = {
    "update_outside_no_grad.py": "torch.no_grad()",
    "grad_none_no_backward.py": "backward() has not run",
    "grad_none_zero.py": "backward() has not run",
    "integer_tensor.py": "floating-point",
    "integer_tensor_keyword.py": "floating-point",
    "backward_non_scalar.py": ".mean() or .sum()",
    "backward_twice.py": "frees the graph",
    "loss_under_no_grad.py": "requires_grad_()",
    "error_inside_function.py": "torch.no_grad()",
    "function_returns_none.py": "without 'return'",
    "name_typo.py": "no value here",
    "unbound_local.py": "local",
}


def test_the_corpus_covers_the_chapter():
    names = {p.name for p in FASTBOOK}
    assert {"seed_loop.py", "roller_coaster.py", "sgd_optimizer.py"} <= names
    assert {"linear_classifier.py", "simple_net.py"} <= names
    assert len(ERRORS) >= 20


@pytest.mark.parametrize("path", FASTBOOK, ids=lambda p: p.stem)
def test_fastbook_programs_give_what_torch_gives(path, capsys):
    status, ours = gradtui_run(path, capsys)
    theirs = reference(path.read_text(encoding="utf-8"))
    assert theirs["error"] is None
    assert status == 0
    assert ours["error"] is None and ours["refused"] is None and ours["stopped"] is None
    assert ours["variables"] == theirs["variables"]
    assert ours["grads"] == theirs["grads"]
    assert ours["printed"] == theirs["printed"]
    assert ours["variables"], "the program leaves variables to compare"


@pytest.mark.parametrize("path", ERRORS, ids=lambda p: p.stem)
def test_mistakes_meet_the_same_error_on_the_same_line(path, capsys):
    status, ours = gradtui_run(path, capsys)
    theirs = reference(path.read_text(encoding="utf-8"))
    assert theirs["error"] is not None
    assert status == 1
    assert same_error(ours["error"], theirs["error"]), (ours["error"], theirs["error"])
    assert ours["variables"] == theirs["variables"]  # what ran before the error, ran alike
    assert ours["printed"] == theirs["printed"]
    expected = EXPLAINED.get(path.name)
    if expected is not None:
        assert expected in (ours["error"]["explanation"] or "")


def test_the_seed_loop_reaches_fastbooks_numbers(capsys):
    status, ours = gradtui_run(PROGRAMS / "sgd_optimizer.py", capsys)
    assert status == 0
    # fastbook's first losses and the last of ten steps (seeded here: the same draw)
    assert ours["printed"][0].startswith("[25823.809, 5435.536, 1577.449")
    assert ours["losses"][0] == pytest.approx(25823.8, abs=0.1)


def test_grads_that_pile_up_are_noted(capsys):
    path = MISTAKES / "grads_pile_up.py"
    status, ours = gradtui_run(path, capsys)
    theirs = reference(path.read_text(encoding="utf-8"))
    assert status == 0 and ours["error"] is None
    assert ours["variables"] == theirs["variables"] and ours["grads"] == theirs["grads"]
    (note,) = ours["notes"]
    assert "backward() ran 5 times" in note and ".grad of x" in note and "zero_()" in note


def test_no_note_when_the_loop_zeroes_its_grads(capsys):
    for name in ("seed_loop.py", "roller_coaster.py", "sgd_optimizer.py", "linear_classifier.py"):
        _, ours = gradtui_run(PROGRAMS / name, capsys)
        assert ours["notes"] == [], name
