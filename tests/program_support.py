"""Running a program two ways for the tests: through ``gradtui run --json`` and through real
Python with real torch (the reference: the test executes the text itself, the product never
does). Both give variables, grads, printed lines and the error in the same JSON shape."""

from __future__ import annotations

import contextlib
import io
import json
import traceback
from pathlib import Path
from typing import Any

from gradtui.cli import main
from gradtui.cli.program import json_value
from gradtui.engine.program.snapshot import leaf_grad

PROGRAMS = Path(__file__).parent / "data" / "programs"
HOSTILE = Path(__file__).parent / "data" / "hostile_programs"


def prelude() -> dict[str, Any]:
    """What a program starts with in gradtui, as real objects (fastai's import gives them)."""
    import torch.utils.data

    return {
        "torch": torch,
        "tensor": torch.tensor,
        "nn": torch.nn,
        "F": torch.nn.functional,
        "DataLoader": torch.utils.data.DataLoader,
        "TensorDataset": torch.utils.data.TensorDataset,
    }


def reference(text: str) -> dict[str, Any]:
    """Run ``text`` with real Python and torch: the ``--json`` object gradtui should print."""
    start = prelude()
    namespace: dict[str, Any] = dict(start)
    printed = io.StringIO()
    error = None
    with contextlib.redirect_stdout(printed):
        try:
            exec(compile(text, "<program>", "exec"), namespace)  # the reference, not the product
        except Exception as err:
            frames = [
                f for f in traceback.extract_tb(err.__traceback__) if f.filename == "<program>"
            ]
            error = {"line": frames[-1].lineno, "type": type(err).__name__, "message": str(err)}
    variables, grads = {}, {}
    for name, value in namespace.items():
        if name == "__builtins__" or (name in start and start[name] is value):
            continue
        listed = json_value(value)
        if listed is not None:
            variables[name] = listed
        grad = leaf_grad(value)
        if grad is not None:
            grads[name] = json_value(grad)
    lines = printed.getvalue().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return {"variables": variables, "grads": grads, "printed": lines, "error": error}


def gradtui_run(path: Path, capsys: Any) -> tuple[int, dict[str, Any]]:
    """``gradtui run PATH --json`` in this process: the exit status and the object."""
    capsys.readouterr()
    status = main(["run", str(path), "--json"])
    out = capsys.readouterr().out
    return status, json.loads(out)


def same_error(ours: dict[str, Any] | None, theirs: dict[str, Any] | None) -> bool:
    """The same error type, message and line (gradtui adds a column and an explanation)."""
    if ours is None or theirs is None:
        return ours is theirs
    return all(ours[key] == theirs[key] for key in ("line", "type", "message"))
