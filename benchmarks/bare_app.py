"""A bare Textual app with the home screen's layout and text, and no torch: the yardstick."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Header, OptionList, Static

INTRO = (
    "[b]Touch a gradient.[/b] Type a function, a starting value and a learning rate, and "
    "watch PyTorch's autograd and gradient descent happen: the value, its grad_fn and .grad, "
    "the point sliding down the curve, the loss falling. The seven steps of learning, live."
)


class BareApp(App):
    TITLE = "gradtui"
    SUB_TITLE = "touch a gradient"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(INTRO)
            yield OptionList(*[f"  ·  {i}. lesson {i}" for i in range(1, 10)], "  ▶  Sandbox")
        yield Footer(compact=True)


if __name__ == "__main__":
    BareApp().run()
