"""Pullover vs dress, as fastbook ch. 4 does 3s vs 7s: a pixel-similarity baseline, then a
linear model ``x@w + b`` trained with the seven steps on mini-batches.

``LinearTrainer.run()`` yields a ``BatchRecord`` per mini-batch and an ``EpochRecord`` (with the
test accuracy) per epoch, then one ``TrainEnd``, so a screen can show each step as it happens.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradtui.engine.training.settings import SETTINGS
from gradtui.io.fashion import PulloverDress

BATCH_SIZE = 256
EPOCHS = 20
LR = 1.0
SEED = 42
# The loss of a mini-batch lies in [0, 1], so it cannot blow up the way an unbounded loss does.
# A run "diverges" when the lr is so large that the steps throw the model past every good
# setting and the loss stays at or above where it started: mostly because the weights have
# saturated the sigmoid (see ``FLAT``), which the message then says.
DIVERGE_AFTER = 2  # epochs
# A score whose sigmoid is this close to 0 or 1 sits where the sigmoid is flat: its gradient
# is almost nothing. When most test images' scores do, the model has stopped learning.
FLAT = 1e-3


@dataclass(frozen=True)
class Baseline:
    """The pixel-similarity baseline: the mean image of each class and the test accuracy."""

    mean_pullover: np.ndarray
    mean_dress: np.ndarray
    accuracy: float


def pixel_similarity(data: PulloverDress) -> Baseline:
    """Call a test image a pullover when it is closer (mean absolute difference) to the mean
    pullover than to the mean dress."""
    import torch

    train_x, train_y = torch.from_numpy(data.train_x), torch.from_numpy(data.train_y)
    mean_p = train_x[train_y == 1].mean(0)
    mean_d = train_x[train_y == 0].mean(0)
    test_x = torch.from_numpy(data.test_x)
    to_p = (test_x - mean_p).abs().mean(-1)
    to_d = (test_x - mean_d).abs().mean(-1)
    guess = (to_p < to_d).float()
    accuracy = (guess == torch.from_numpy(data.test_y)).float().mean().item()
    return Baseline(mean_p.numpy(), mean_d.numpy(), accuracy)


def mnist_loss(predictions: Any, targets: Any) -> Any:
    """fastbook's loss: how far the sigmoid of each prediction is from its target."""
    import torch

    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """One mini-batch: steps 2-5 done, with the loss before the update."""

    epoch: int  # from 1
    batch: int  # from 1
    batches: int  # per epoch
    loss: float


@dataclass(frozen=True, slots=True)
class EpochRecord:
    """The end of an epoch: the mean mini-batch loss and the test accuracy."""

    epoch: int
    loss: float
    accuracy: float


@dataclass(frozen=True, slots=True)
class TrainEnd:
    """Why training stopped: ``max_steps`` (all epochs done), ``diverged`` or ``error``."""

    reason: str
    message: str
    epochs: int
    accuracy: float


class LinearTrainer:
    """The seven steps on ``data``: init ``w`` (784×1) and ``b`` with ``randn``, then for each
    mini-batch predict, loss, gradients, step; repeat for ``epochs``; stop."""

    def __init__(
        self,
        data: PulloverDress,
        lr: float = LR,
        epochs: int = EPOCHS,
        batch_size: int = BATCH_SIZE,
        seed: int = SEED,
    ):
        import torch

        SETTINGS["lr"].require(lr)
        self._torch = torch
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.gen = torch.Generator().manual_seed(seed)
        self.train_x = torch.from_numpy(data.train_x)
        self.train_y = torch.from_numpy(data.train_y).unsqueeze(1)
        self.test_x = torch.from_numpy(data.test_x)
        self.test_y = torch.from_numpy(data.test_y).unsqueeze(1)
        pixels = self.train_x.shape[1]
        self.weights = torch.randn(pixels, 1, generator=self.gen).requires_grad_()
        self.bias = torch.randn(1, generator=self.gen).requires_grad_()
        self.initial = self.weights.detach().clone()
        self.history: list[EpochRecord] = []
        self.ended: TrainEnd | None = None

    @property
    def batches_per_epoch(self) -> int:
        return math.ceil(len(self.train_x) / self.batch_size)

    def weights_image(self) -> np.ndarray:
        """The 784 weights as a flat numpy copy (to draw as an image)."""
        return self.weights.detach().flatten().numpy().copy()

    def learned_image(self) -> np.ndarray:
        """What training changed: ``w - w_init`` as a flat numpy array. The random start
        (std 1) hides the pattern in ``w`` itself; the change shows it from the first epoch."""
        return (self.weights.detach() - self.initial).flatten().numpy().copy()

    def accuracy(self) -> float:
        """Test accuracy: the share of test images whose sigmoid lands on the right side of 0.5."""
        with self._torch.no_grad():
            preds = (self.test_x @ self.weights + self.bias).sigmoid()
            return ((preds > 0.5).float() == self.test_y).float().mean().item()

    def saturated(self) -> float:
        """The share of test images whose sigmoid is within ``FLAT`` of 0 or of 1."""
        with self._torch.no_grad():
            preds = (self.test_x @ self.weights + self.bias).sigmoid()
            return ((preds < FLAT) | (preds > 1 - FLAT)).float().mean().item()

    def run(self) -> Iterator[BatchRecord | EpochRecord | TrainEnd]:
        """Train, yielding every mini-batch, every epoch, then the ``TrainEnd``."""
        # torch's threads are the process's (one, set at start-up: gradtui.startup).
        yield from self._epochs()

    def _epochs(self) -> Iterator[BatchRecord | EpochRecord | TrainEnd]:
        torch = self._torch
        n = len(self.train_x)
        start_loss: float | None = None
        for epoch in range(1, self.epochs + 1):
            order = torch.randperm(n, generator=self.gen)
            total = 0.0
            for batch, i in enumerate(range(0, n, self.batch_size), 1):
                idx = order[i : i + self.batch_size]
                xb, yb = self.train_x[idx], self.train_y[idx]
                loss = mnist_loss(xb @ self.weights + self.bias, yb)  # predict, loss
                value = loss.item()
                if not math.isfinite(value):
                    yield self._end("diverged", f"the loss became {value}", epoch - 1)
                    return
                loss.backward()  # gradients
                with torch.no_grad():  # step
                    for p in (self.weights, self.bias):
                        p -= p.grad * self.lr
                        p.grad.zero_()
                start_loss = value if start_loss is None else start_loss
                total += value
                yield BatchRecord(epoch, batch, self.batches_per_epoch, value)
            record = EpochRecord(epoch, total / self.batches_per_epoch, self.accuracy())
            self.history.append(record)
            yield record
            if epoch >= DIVERGE_AFTER and start_loss is not None and record.loss >= start_loss:
                flat = self.saturated()
                why = (
                    f"the sigmoid is flat for {flat:.0%} of the test images (below {FLAT:g} or "
                    f"above {1 - FLAT:g}), so the gradients vanish"
                    if flat >= 0.5
                    else "the steps overshoot"
                )
                message = (
                    f"epoch {epoch}'s mean loss {record.loss:.4f} is no lower than the first "
                    f"batch's {start_loss:.4f}: {why}"
                )
                yield self._end("diverged", message, epoch)
                return
        yield self._end("max_steps", f"made {self.epochs} epochs", self.epochs)

    def _end(self, reason: str, message: str, epochs: int) -> TrainEnd:
        words = {"max_steps": "out of epochs", "diverged": "diverged"}[reason]
        self.ended = TrainEnd(reason, f"{words}: {message}", epochs, self.accuracy())
        return self.ended


@dataclass(frozen=True)
class TrainingSnapshot:
    """The training run at one mini-batch, for every panel of the images playground.

    ``steps`` is in epochs (1.5: halfway through epoch 2), one per mini-batch with its loss in
    ``losses``; ``epochs``/``accuracies`` the test accuracy after each finished epoch;
    ``weights`` what training changed (``w - w_init``, as an image); ``latest`` the last
    mini-batch, ``end`` why training stopped.
    """

    lr: float
    steps: tuple[float, ...]
    losses: tuple[float, ...]
    epochs: tuple[int, ...]
    accuracies: tuple[float, ...]
    weights: np.ndarray
    latest: BatchRecord | None = None
    end: TrainEnd | None = None


class TrainingRun:
    """A ``LinearTrainer`` stepped one mini-batch at a time, with its history."""

    def __init__(self, trainer: LinearTrainer):
        self.trainer = trainer
        self._records = trainer.run()
        self.steps: list[float] = []
        self.losses: list[float] = []
        self.epochs: list[int] = []
        self.accuracies: list[float] = []
        self.latest: BatchRecord | None = None

    @property
    def ended(self) -> TrainEnd | None:
        return self.trainer.ended

    def advance(self) -> bool:
        """Train on one more mini-batch (an epoch's test accuracy on the way); True once
        training has ended."""
        for item in self._records:
            if isinstance(item, EpochRecord):
                self.epochs.append(item.epoch)
                self.accuracies.append(item.accuracy)
            elif isinstance(item, BatchRecord):
                self.steps.append(item.epoch - 1 + item.batch / item.batches)
                self.losses.append(item.loss)
                self.latest = item
                return False
            else:
                return True
        return True

    def resume_clock(self) -> None:
        """Training has no time budget: nothing to count."""

    def fail(self, error: BaseException) -> None:
        """End training because of ``error``."""
        self.close()
        self.trainer.ended = TrainEnd("error", f"error: {type(error).__name__}: {error}", 0, 0.0)

    def close(self) -> None:
        """Stop the trainer's generator (its thread setting is put back)."""
        self._records.close()

    def snapshot(self) -> TrainingSnapshot:
        """The run now."""
        return TrainingSnapshot(
            self.trainer.lr,
            tuple(self.steps),
            tuple(self.losses),
            tuple(self.epochs),
            tuple(self.accuracies),
            self.trainer.learned_image(),
            self.latest,
            self.trainer.ended,
        )
