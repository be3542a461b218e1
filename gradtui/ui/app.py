"""The gradtui Textual app: home, sandbox and help, with torch loading behind the first paint."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from gradtui.engine.playground import Playground
from gradtui.ui.screens.help import HelpScreen
from gradtui.ui.screens.home import HomeScreen
from gradtui.ui.screens.sandbox import SandboxScreen


class GradApp(App):
    """gradtui: touch a gradient."""

    CSS_PATH = "app.tcss"
    TITLE = "gradtui"
    SUB_TITLE = "touch a gradient"
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    torch_ready: reactive[bool] = reactive(False)
    """True once torch is imported (in a thread, so the first paint never waits for it)."""

    def __init__(self, sandbox: Playground | None = None, load_torch: bool = True):
        super().__init__()
        self._sandbox = sandbox
        self._load = load_torch

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self._sandbox is not None:
            self.push_screen(SandboxScreen(self._sandbox))
        if self._load:
            self.load_torch()

    @work(thread=True, exclusive=True, group="torch")
    def load_torch(self) -> None:
        """Import torch off the event loop, then flip ``torch_ready``."""
        import torch  # noqa: F401

        self.call_from_thread(setattr, self, "torch_ready", True)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_sandbox(self, playground: Playground | None = None) -> None:
        """Open the sandbox (prefilled with ``playground``)."""
        self.push_screen(SandboxScreen(playground or Playground()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Sandbox", "Open the sandbox: free play", self.open_sandbox)
        yield SystemCommand("Help", "Every panel and key explained", self.action_help)
        yield from getattr(screen, "commands", lambda: ())()


def run_app(args: argparse.Namespace) -> int:
    """Start the app from parsed command-line arguments."""
    sandbox = None
    if getattr(args, "command", None) == "sandbox":
        from gradtui.engine.playground import parse_fields

        base = Playground().switch_mode("fit") if args.fit else Playground()
        texts = {}
        if args.fn is not None:
            texts["fn"] = args.fn
        if args.start is not None:
            texts["start"] = args.start
        if args.lr is not None:
            texts["lr"] = repr(args.lr)
        sandbox, errors = parse_fields(base, texts)
        if errors:
            import sys

            for field, message in errors.items():
                print(f"gradtui: error: --{field}: {message}", file=sys.stderr)
            return 2
    GradApp(sandbox=sandbox).run()
    return 0
