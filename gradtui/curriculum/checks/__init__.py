"""The check kinds, and how a task's declarative check is evaluated on a learner's playground.

One registry (``registry.py``: ``KINDS``, ``@check_kind``, ``evaluate``) and the kinds in
modules by family: ``probe.py`` (fn at its start, through the autograd probe),
``answers.py`` (a typed answer), ``loop.py`` (runs of the seven steps and how they stop),
``images.py`` (the image classifier) and ``program.py`` (the learner's code).

Each check is a small function of (params, playground, answer, cancelled). Bad learner input
(an expression that does not compile, a value torch refuses, a run that errors) never raises:
the check simply does not pass, and its detail says why. Torch is imported only while
evaluating.
"""

from __future__ import annotations

# Each family registers its kinds when imported: in this order, the order a lesson's
# validator lists them in.
# isort: off
from gradtui.curriculum.checks import probe, answers, loop, images, program  # noqa: F401
# isort: on

from gradtui.curriculum.checks.answers import normalise_answer
from gradtui.curriculum.checks.registry import (
    KINDS,
    LEARNER_ERRORS,
    LOOP_MODES,
    Cancelled,
    CheckCancelled,
    CheckKind,
    CheckResult,
    Param,
    check_kind,
    evaluate,
    verify_lesson,
)

__all__ = [
    "KINDS",
    "LEARNER_ERRORS",
    "LOOP_MODES",
    "Cancelled",
    "CheckCancelled",
    "CheckKind",
    "CheckResult",
    "Param",
    "check_kind",
    "evaluate",
    "normalise_answer",
    "verify_lesson",
]
