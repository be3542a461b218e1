"""Replay for the playground: scrub a paused or finished run step by step.

``b`` enters (or leaves) replay at the latest step; ←/→ move one step, Home/End to the first
kept and the latest step. Every panel then shows that step's state; stepping, running,
resetting, ``b`` or ``escape`` go back to the live run. The keys are bound on the screen
(``PlaygroundKeys``), so they work whenever no text field has the focus.
"""

from __future__ import annotations

from typing import Any

from gradtui.engine.replay import ReplayBuffer, ReplayFrame
from gradtui.engine.report import describe_step


class ReplayMixin:
    """Replay state and actions for ``PlaygroundView`` (which provides the panels)."""

    replay_at: int | None = None
    """The step shown while replaying; None when the panels follow the live run."""

    def _init_replay(self) -> None:
        self.replay = ReplayBuffer()
        self.replay_at = None

    @property
    def replaying(self) -> bool:
        return self.replay_at is not None

    def action_replay(self) -> None:
        """Enter replay at the latest step, or leave it."""
        if self.replaying:
            self.leave_replay()
        else:
            self._replay_to(self.replay.total)

    def action_replay_move(self, delta: int) -> None:
        """One step back (-1) or forward (+1); from the live run, ← starts replay."""
        base = self.replay.total if self.replay_at is None else self.replay_at
        self._replay_to(base + int(delta))

    def action_replay_first(self) -> None:
        self._replay_to(self.replay.first_kept)

    def action_replay_last(self) -> None:
        self._replay_to(self.replay.total)

    def action_leave_replay(self) -> None:
        self.leave_replay()

    def leave_replay(self) -> None:
        """Back to the live run (no-op when not replaying)."""
        if self.replay_at is None:
            return
        self.replay_at = None
        self.screen.refresh_bindings()  # the Footer's escape goes back to its screen's meaning
        self._live_steps_row()
        self._dirty = True
        self._show_status()

    def _replay_to(self, step: int) -> None:
        if self.replay.total == 0:
            self.notify("nothing to replay yet: step (s) or run (space) first", timeout=2)
            return
        if self.running:
            self._cancel_run()
        entering = self.replay_at is None
        self.replay_at = self.replay.clamp(step)
        if entering:
            self.screen.set_focus(None)  # ←/→ belong to replay, not to a text field
            self.screen.refresh_bindings()
        self._dirty = True
        self._replay_steps_row()
        self._show_status()

    def replay_frame(self) -> ReplayFrame:
        """The frame being shown (replay must be on)."""
        return self.replay.frame(self.replay_at or 0, self.values)

    def replay_draw_args(self) -> tuple[dict[str, Any], list[float], tuple[list, list], str]:
        """What the panels draw for the replayed step: values, trail, loss so far, title."""
        frame = self.replay_frame()
        name = self._scalar_name()
        trail = self.replay.trail(name, frame.step) if name else []
        steps, losses = [], []
        for s, loss in zip(self.history.steps, self.history.losses, strict=True):
            if s <= frame.step:
                steps.append(s)
                losses.append(loss)
        if frame.record is not None and (not steps or steps[-1] != frame.step):
            steps.append(frame.step)
            losses.append(frame.record.loss)
        return frame.params, trail, (steps, losses), self.replay_title()

    def replay_title(self) -> str:
        if self.replay_at is None:
            return ""
        return f"replay: step {self.replay_at} of {self.replay.total}"

    def replay_status(self) -> str:
        """The run panel while replaying: where we are, the update that led here, the keys."""
        frame = self.replay_frame()
        lines = [f"{self.replay_title()}   (←/→ Home End; esc: back to live)"]
        if frame.previous is not None:
            lines.append(describe_step(frame.previous, frame.params))
        elif frame.step == 0:
            lines.append("step 0: the starting weights, before any update")
        if frame.first_kept > 0:
            lines.append(
                f"steps 0 to {frame.first_kept - 1:,} are not kept: replay holds the last "
                f"{self.replay.kept:,} steps"
            )
        if frame.is_latest and self.stopped is not None:
            lines.append(self.stopped.message.splitlines()[0])
        return "\n".join(lines)

    def _replay_steps_row(self) -> None:
        frame = self.replay_frame()
        steps = self._seven_steps()
        if frame.step == 0:
            steps.current = "init"
        elif frame.is_latest and self.stopped is not None:
            steps.current = "stop"
        else:
            steps.current = "step"
        steps.detail = "(replay)"

    def _live_steps_row(self) -> None:
        steps = self._seven_steps()
        if self.stopped is not None:
            steps.current, steps.detail = "stop", self.stopped.message.splitlines()[0]
        else:
            steps.current, steps.detail = ("repeat" if self.latest else "init"), ""
