"""What the playground keys do, shared by the function/model playground and the images one."""

from __future__ import annotations

from typing import Any

from gradtui.engine.playground import Playground, scale_lr
from gradtui.ui.messages import SettingsChanged
from gradtui.ui.widgets.settings_form import SettingsForm


class PlaygroundControls:
    """Speed, learning-rate and settings actions for a playground widget.

    The widget provides ``playground``, ``editable`` (None: every field), ``speed_index``,
    ``SPEEDS`` (steps or batches per second, 0 = as fast as possible), ``NARROW``, ``running``
    and its own ``_apply``, ``reset``, ``_show_status``, ``_can_step``, ``_cancel_run`` and
    ``_run_worker``.
    """

    SPEEDS: tuple[int, ...]
    NARROW: int  # columns below which the panels stack
    running: bool
    playground: Playground
    editable: tuple[str, ...] | None
    speed_index: int

    def set_playground(self, playground: Playground) -> None:
        """Show and use ``playground`` (the form follows)."""
        self.query_one(SettingsForm).set_playground(playground)  # type: ignore[attr-defined]
        self._apply(playground)  # type: ignore[attr-defined]

    def on_resize(self) -> None:
        self.set_class(self.size.width < self.NARROW, "narrow")  # type: ignore[attr-defined]

    @property
    def delay(self) -> float:
        """Seconds between steps at the chosen speed (0: as fast as possible)."""
        speed = self.SPEEDS[self.speed_index]
        return 1.0 / speed if speed else 0.0

    def action_run(self) -> None:
        """Run or pause."""
        if self.running:
            self._cancel_run()  # type: ignore[attr-defined]
        elif self._can_step():  # type: ignore[attr-defined]
            self.running = True
            self._run_worker(single=False)  # type: ignore[attr-defined]
        self._show_status()  # type: ignore[attr-defined]

    def action_reset(self) -> None:
        self.reset()  # type: ignore[attr-defined]

    def action_faster(self) -> None:
        self.speed_index = min(self.speed_index + 1, len(self.SPEEDS) - 1)
        self._show_status()  # type: ignore[attr-defined]

    def action_slower(self) -> None:
        self.speed_index = max(self.speed_index - 1, 0)
        self._show_status()  # type: ignore[attr-defined]

    def action_lr_times(self, factor: float) -> None:
        """Multiply the learning rate, where the learner may change it (see ``use_lr``)."""
        note: Any = self.notify  # type: ignore[attr-defined]
        if self.editable is not None and "lr" not in self.editable:
            note("this task keeps the learning rate fixed", timeout=2)
            return
        lr = scale_lr(self.playground.lr, factor)
        self.use_lr(lr)
        note(f"learning rate {lr:g}", timeout=1.5)

    def use_lr(self, lr: float) -> None:
        """Set the learning rate as if it had been typed: the form and a running loop follow,
        and a lesson hears of it (it saves the input and checks again)."""
        self.set_playground(self.playground.with_(lr=lr))
        self.post_message(SettingsChanged(self.playground, {}))  # type: ignore[attr-defined]
