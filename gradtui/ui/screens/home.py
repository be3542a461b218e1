"""Home: the lessons and the sandbox."""

from __future__ import annotations

from contextlib import suppress

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from gradtui.safe_text import plain
from gradtui.ui.widgets.fitted_footer import FittedFooter

INTRO = (
    "[b]Touch a gradient.[/b] Type a function, a starting value and a learning rate, and "
    "watch PyTorch's autograd and gradient descent happen: the value, its grad_fn and .grad, "
    "the point sliding down the curve, the loss falling. The seven steps of learning, live."
)


class HomeScreen(Screen):
    """Pick a lesson or the sandbox (arrows and Enter, or the mouse)."""

    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("s", "app.open_sandbox", "Sandbox"),
        Binding("delete", "app.reset_progress", "Reset progress"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(INTRO, id="intro")
            yield OptionList(*self.options(), id="menu", markup=False)
        yield FittedFooter()

    def options(self) -> list[Option]:
        """The menu entries: one per lesson with its progress mark, then the sandbox.

        A title comes from a lesson file: it is plain text, never markup. Until the app has
        read the lesson files (a moment after the first paint), one disabled line says so.
        """
        app, options = self.app, []
        if not app.lessons_loaded:
            options.append(Option("  …  loading lessons…", id="loading", disabled=True))
        for lesson in app.lessons:
            done, total = app.store.solved_count(lesson.id), len(lesson.tasks)
            mark = "✓" if done >= total else f"{done}/{total}" if done else "·"
            here = "  ← you were here" if lesson.id == app.store.current else ""
            text = f"{mark:>3}  {lesson.order}. {lesson.title}{here}"
            options.append(Option(plain(text, one_line=True), id=f"lesson:{lesson.id}"))
        sandbox = "  ▶  Sandbox: free play with any function, data and learning rate"
        options.append(Option(sandbox, id="sandbox"))
        return options

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._highlight_current()
        self.watch(self.app, "lessons_loaded", self._lessons_loaded)

    def _lessons_loaded(self, loaded: bool) -> None:
        if loaded:
            self.refresh_menu()

    def on_screen_resume(self) -> None:
        """Back on the list: show what other windows on this data folder saved meanwhile."""
        self.app.store.reload()
        self.refresh_menu()

    def refresh_menu(self) -> None:
        """Rebuild the menu (after progress changed)."""
        menu = self.query_one(OptionList)
        menu.clear_options()
        menu.add_options(self.options())
        self._highlight_current()

    def _highlight_current(self) -> None:
        menu = self.query_one(OptionList)
        current = self.app.store.current
        if not self.app.lessons_loaded:
            menu.highlighted = None  # enter must not open the sandbox while lessons load
            return
        menu.highlighted = 0
        if current:
            with suppress(OptionDoesNotExist):  # an id from an older curriculum: keep 0
                menu.highlighted = menu.get_option_index(f"lesson:{current}")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id == "sandbox":
            self.app.open_sandbox()
        elif option_id.startswith("lesson:"):
            self.app.open_lesson(option_id.removeprefix("lesson:"))
