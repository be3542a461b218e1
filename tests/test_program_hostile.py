"""Hostile programs: every one refused before running or stopped by a budget, exit status 2,
nothing written and no process started.

Each file of ``tests/data/hostile_programs`` starts with ``# expect: refused|stopped: TEXT``:
how it must end and a piece of the message. The corpus runs through ``gradtui run --json``
in this process, inside an empty working folder and the audit-hook tripwire of
``test_hostile_inputs``; a few run as real ``gradtui run`` processes too.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from program_support import HOSTILE, gradtui_run
from test_hostile_inputs import children, needs_proc, tripwire

CASES = sorted(HOSTILE.glob("*.py"))


def _expected(path):
    head = path.read_text(encoding="utf-8").split("\n", 1)[0]
    status, fragment = head.removeprefix("# expect: ").split(": ", 1)
    return status, fragment


def test_the_corpus_covers_every_kind_of_attack():
    names = {p.stem for p in CASES}
    for kind in [
        "import_os", "dunder_import", "getattr_save", "open_write", "torch_save", "torch_load",
        "torch_from_file", "torch_hub", "torch_ops", "torch_utils", "lambda_globals",
        "while_true", "huge_range", "recursion", "randn_huge", "huge_print", "deep_parentheses",
        "deep_unary", "unicode_eval", "str_format_method", "fstring_dunder",
        "tensor_class_dict", "dunder_class", "type_call", "functional_torch", "numpy_method",
        "storage_method", "power_bomb", "graph_growth", "live_tensors", "matmul_work",
    ]:  # fmt: skip
        assert kind in names
    assert len(CASES) >= 80


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_hostile_program_is_refused_or_stopped(path, capsys, tmp_path, monkeypatch):
    expected, fragment = _expected(path)
    monkeypatch.chdir(tmp_path)
    before = children() if os.path.isdir("/proc/self/task") else set()
    with tripwire() as tripped:
        status, out = gradtui_run(path, capsys)
    assert status == 2
    assert tripped == []
    assert list(tmp_path.iterdir()) == []
    if os.path.isdir("/proc/self/task"):
        assert children() <= before
    assert out["error"] is None
    if expected == "refused":
        assert out["refused"] is not None and out["stopped"] is None
        assert fragment in out["refused"]["message"]
        if out["refused"]["line"]:
            assert out["refused"]["line"] >= 2  # the first line is the '# expect' comment
    else:
        assert out["stopped"] is not None and out["refused"] is None
        assert fragment in out["stopped"]["budget"] or fragment in out["stopped"]["message"]


@needs_proc
@pytest.mark.parametrize("name", ["import_os", "torch_save", "while_true", "randn_huge"])
def test_as_a_real_process(name, tmp_path):
    # A hang guard, not a speed test: the statement budget ends while_true in about a second.
    done = subprocess.run(
        [sys.executable, "-m", "gradtui", "run", str(HOSTILE / f"{name}.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert list(tmp_path.iterdir()) == []
    assert done.stdout == ""
    assert ("Refused" if name in ("import_os", "torch_save") else "Stopped") in done.stderr
