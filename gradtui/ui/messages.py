"""Messages posted up the DOM (and from worker threads) by gradtui's widgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from gradtui.engine.playground import Playground


class TorchReady(Message):
    """torch finished importing in its worker: results can be computed now."""


@dataclass
class SettingsChanged(Message):
    """The learner's inputs parsed: ``playground`` is the new state, ``errors`` by field."""

    playground: Playground
    errors: dict[str, str]


@dataclass
class TrainProgress(Message):
    """Records (``BatchRecord``/``EpochRecord``, maybe a ``TrainEnd``) from the image
    classifier's worker, batched, with a copy of the weights."""

    results: list[Any]
    weights: Any
    single: bool = False
    trainer: Any = None


@dataclass
class RunProgress(Message):
    """Records (``StepRecord`` then maybe a ``Stop``) from the run worker, batched.

    During a run the worker also works out what the panels show (``frame``, a
    ``LiveFrame``), so that the event loop runs no torch code of its own.
    """

    results: list[Any]
    values: dict[str, Any]
    single: bool = False
    stepper: Any = None
    frame: Any = None
