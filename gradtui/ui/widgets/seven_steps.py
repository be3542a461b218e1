"""The seven steps of learning as a row, with the current one highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from gradtui.engine.training.loop import SEVEN_STEPS

LABELS = {
    "init": "init weights",
    "predict": "predict",
    "loss": "loss",
    "gradient": "gradients",
    "step": "step w -= w.grad*lr",
    "repeat": "repeat",
    "stop": "stop",
}


class SevenSteps(Widget):
    """Shows 1 init ... 7 stop; ``current`` names the step, ``detail`` the stop reason."""

    DEFAULT_CSS = """
    SevenSteps { height: auto; min-height: 1; padding: 0 1; }
    """

    current: reactive[str] = reactive("init")
    detail: reactive[str] = reactive("", layout=True)

    def render(self) -> Text:
        text = Text(no_wrap=False, overflow="fold")
        for number, name in enumerate(SEVEN_STEPS, 1):
            label = f" {number} {LABELS[name]} "
            if name == self.current:
                text.append(f"▶{label}", style="reverse bold")
            else:
                text.append(f" {label}", style="dim")
            if number < len(SEVEN_STEPS):
                text.append("→", style="dim")
        if self.detail:
            text.append(f"  {self.detail}", style="bold")
        return text
