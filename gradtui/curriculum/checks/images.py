"""Check kinds of the image classifier (mode "images"): train the linear model on pullovers
and dresses, epoch by epoch, and read its test accuracy (``accuracy_at_least``; ``diverges``
in images mode comes here too)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradtui.curriculum import rules
from gradtui.curriculum.checks.registry import (
    Cancelled,
    CheckCancelled,
    CheckResult,
    Param,
    check_kind,
    never,
)
from gradtui.engine.training.playground import Playground


def _trainer(pg: Playground, epochs: int) -> Any:
    from gradtui.engine.training.classifier import LinearTrainer
    from gradtui.io.fashion import load_pullover_dress

    if pg.mode != "images":
        raise ValueError("this check trains the image classifier: it needs mode 'images'")
    data = load_pullover_dress()  # DataNotFound (a ValueError) says how to get it
    return LinearTrainer(data, lr=pg.lr, epochs=min(pg.epochs, epochs), seed=pg.seed)


@check_kind(
    "accuracy_at_least",
    params={
        "accuracy": Param(rules.fraction, required=True),
        "epochs": Param(rules.setting("epochs"), required=True),
    },
    modes=("images",),
)
def check_accuracy_at_least(
    params: Mapping, pg: Playground, answer: str, cancelled: Cancelled = never
) -> CheckResult:
    from gradtui.engine.training.classifier import EpochRecord

    goal, epochs = params["accuracy"], params["epochs"]
    wanted = f"the goal is at least {goal:g} within {epochs} epochs"
    trainer = _trainer(pg, epochs)
    best = 0.0
    for item in trainer.run():
        if cancelled():
            raise CheckCancelled
        if isinstance(item, EpochRecord):
            best = max(best, item.accuracy)
            if item.accuracy >= goal:
                detail = f"test accuracy {item.accuracy:.4f} after epoch {item.epoch}; {wanted}"
                return CheckResult(True, detail, item.epoch)
    end = trainer.ended
    detail = f"{end.message}; best test accuracy {best:.4f}; {wanted}"
    return CheckResult(False, detail, end.epochs)


def classifier_diverges(pg: Playground, within: int, cancelled: Cancelled) -> CheckResult:
    trainer = _trainer(pg, within)
    for _ in trainer.run():
        if cancelled():
            raise CheckCancelled
    end = trainer.ended
    if end.reason == "diverged":
        return CheckResult(True, f"{end.message} (test accuracy {end.accuracy:.4f})", end.epochs)
    detail = f"no divergence within {trainer.epochs} epochs: test accuracy {end.accuracy:.4f}"
    return CheckResult(False, detail, end.epochs)
