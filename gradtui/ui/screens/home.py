"""Home: the lessons and the sandbox."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

INTRO = (
    "[b]Touch a gradient.[/b] Type a function, a starting value and a learning rate, and "
    "watch PyTorch's autograd and gradient descent happen: the value, its grad_fn and .grad, "
    "the point sliding down the curve, the loss falling. The seven steps of learning, live."
)


class HomeScreen(Screen):
    """Pick a lesson or the sandbox (arrows and Enter, or the mouse)."""

    CSS_PATH = "home.tcss"
    BINDINGS = [Binding("enter", "open", "Open", show=False)]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(INTRO, id="intro")
            yield OptionList(*self.options(), id="menu")
        yield Footer(compact=True)

    def options(self) -> list[Option]:
        """The menu entries: the sandbox first, then one per lesson."""
        return [
            Option("▶ Sandbox: free play with any function, data and learning rate", id="sandbox")
        ]

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "sandbox":
            self.app.open_sandbox()
