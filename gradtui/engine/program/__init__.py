"""gradtui's PyTorch subset: a learner's program, checked, compiled and run line by line.

``compile_program(text)`` checks every line against the allowlist (``allowlist.py``) and
compiles it, or raises ``ProgramRefused`` with the line, the column and what is allowed
instead; nothing of the text is ever given to ``eval``, ``exec`` or ``compile``.
``Run(program, inputs, budgets, cancel)`` runs it within its ``Budgets``: ``steps()`` yields
after every statement, ``moment()`` describes the run between two steps, ``run()`` goes to the
end. See ``run.py`` for the results and ``snapshot.py`` for what a moment holds.

Importing this package does not import torch; running a program does.
"""

from __future__ import annotations

from gradtui.lazy import lazy_names

_HOMES = {
    "Budgets": "budgets",
    "BudgetStop": "errors",
    "DataLoader": "data",
    "Moment": "snapshot",
    "Program": "program",
    "ProgramError": "errors",
    "ProgramRefused": "source",
    "Run": "run",
    "RunResult": "run",
    "Step": "run",
    "TensorDataset": "data",
    "compile_program": "program",
    "run_program": "run",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy_names(__name__, _HOMES)
