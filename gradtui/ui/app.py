"""The gradtui Textual app: home, sandbox and help, with torch loading behind the first paint."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from gradtui.curriculum.progress import ProgressStore
from gradtui.safe_text import clean, clean_pasted
from gradtui.ui.screens.home import HomeScreen
from gradtui.ui.textual_guards import closed_as_it_opened, guard_textual
from gradtui.ui.widgets.field_input import type_in_order

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.notifications import SeverityLevel

    from gradtui.curriculum.schema import Lesson, LessonProblem
    from gradtui.engine.training.playground import Playground

EXIT_FAILED = 1  # the app ended on an error (a crash, or torch that cannot be imported)
# Imported when first needed, and warmed in the loading thread once torch is ready: they pull
# in plotext, markdown, numpy and the playground, which the home screen does not need.
LATER_MODULES = (
    "gradtui.ui.screens.sandbox",
    "gradtui.ui.screens.lesson",
    "gradtui.ui.screens.help",
    "gradtui.ui.screens.confirm",
)


def _lesson_commands():
    from gradtui.ui.lesson_commands import LessonCommands

    return LessonCommands


class GradApp(App):
    """gradtui: touch a gradient."""

    # Home's styles load with the app's, in one parse: loading a screen's CSS_PATH when it is
    # first shown parses the whole stylesheet again.
    CSS_PATH = ["app.tcss", "screens/home.tcss"]
    TITLE = "gradtui"
    SUB_TITLE = "touch a gradient"
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit"),
        # Textual's own tab waits until the key has bubbled up from the focused widget, and
        # the keys typed right after it went to the field being left. As priority bindings the
        # focus moves when the key arrives, before the next key is handed to anyone.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]
    COMMANDS = App.COMMANDS | {_lesson_commands}

    torch_ready: reactive[bool] = reactive(False)
    """True once torch is imported (in a thread, so the first paint never waits for it)."""
    lessons_loaded: reactive[bool] = reactive(False)
    """True once the lesson files are read and checked (in a thread, after the first paint)."""

    def __init__(
        self,
        sandbox: Playground | None = None,
        lesson: str | None = None,
        lesson_dirs: Iterable[str] = (),
        store: ProgressStore | None = None,
        load_torch: bool = True,
        loop: str | None = None,
    ):
        super().__init__()
        guard_textual()  # two of Textual's own failures must not end the app
        self._sandbox = sandbox
        self._loop_code = loop  # the loop playground's program ('' for its starter)
        self._lesson = lesson
        self._load = load_torch
        self._lesson_dirs = list(lesson_dirs)
        self.lessons: list[Lesson] = []
        self.lesson_problems: list[LessonProblem] = []
        self.store = store if store is not None else ProgressStore()
        self._painted = threading.Event()
        self._lessons_done = threading.Event()
        self.failure: str | None = None
        """Why the app could not go on (printed by ``run_app`` once it has left the screen)."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notification as plain text, whatever ``markup`` says.

        Messages quote lesson files, typed fields, CSV files, progress files and errors: none
        is ever read as markup, and control characters are removed.
        """
        super().notify(
            clean(message),
            title=clean(title, one_line=True),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    async def on_event(self, event: events.Event) -> None:
        """Pasted text loses its control characters before any field shows or keeps it, and a
        key for a text field is handled in full before the next one (see field_input). A key
        still queued when the last screen has closed (the app is leaving) is dropped: Textual
        would look for bindings on a screen that is no longer there and fail."""
        if isinstance(event, events.Key) and not self.screen_stack:
            return
        if isinstance(event, events.Paste):
            event.text = clean_pasted(event.text)
        raw_key = isinstance(event, events.Key) and not event.is_forwarded
        if not (raw_key and await type_in_order(self, event)):
            await super().on_event(event)

    def get_default_screen(self) -> Screen:
        """Home is the bottom of the stack: no blank default screen is composed and drawn first."""
        return HomeScreen()

    def on_mount(self) -> None:
        self.call_after_refresh(self._painted.set)
        if self._sandbox is not None and self._loop_code is not None:
            from gradtui.ui.screens.loop import LoopScreen

            self.push_screen(LoopScreen(self._loop_code or None))
        elif self._sandbox is not None:
            from gradtui.ui.screens.sandbox import SandboxScreen

            self.push_screen(SandboxScreen(self._sandbox))
        self.store.listener = self._progress_message
        self._restore_theme()
        if self._lesson is not None and self._sandbox is None:
            # The lesson is the first thing shown: read them now, it needs them to compose.
            self._lessons_read(*self._read_lessons())
            self._lessons_done.set()
        else:
            self.load_lessons()
        if self._load:
            self.load_torch()

    def on_unmount(self) -> None:
        self.store.listener = None
        self.store.flush()  # a change a failed save kept in memory gets one more try

    def _progress_message(self, message: str, severity: str) -> None:
        """Say what the progress store could not do (its text quotes the file: plain text)."""
        self.notify(message, title="progress", severity=severity, timeout=10, markup=False)

    def _restore_theme(self) -> None:
        """Use the theme chosen last time (one this version lacks is ignored), and keep the next."""
        saved = self.store.theme
        if saved and saved != self.theme and saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme) -> None:
        if theme.name != self.store.theme:
            self.store.set_theme(theme.name)

    @work(thread=True, exclusive=True, group="lessons")
    def load_lessons(self) -> None:
        """Read and check the lesson files after the first paint, then hand them over.

        Checking a lesson needs the engine's parsers (the playground, expressions, the loop's
        rules): importing and running them before the first paint made it a quarter slower.
        """
        try:
            self._painted.wait(timeout=5)
            self.call_from_thread(self._lessons_read, *self._read_lessons())
        finally:
            self._lessons_done.set()

    def _read_lessons(self) -> tuple[list[Lesson], list[LessonProblem]]:
        from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir

        return load_lessons([shipped_lessons_dir(), *self._lesson_dirs])

    def _lessons_read(self, lessons: list[Lesson], problems: list[LessonProblem]) -> None:
        self.lessons, self.lesson_problems = lessons, problems
        for problem in problems[:5]:
            self.notify(str(problem), title="lesson file skipped", severity="warning", timeout=10)
        self.lessons_loaded = True
        if self._lesson is not None and self._sandbox is None:
            self.open_lesson(self._lesson)

    def find_lesson(self, key: str) -> int | None:
        """The index of the lesson with this order number or id."""
        for i, lesson in enumerate(self.lessons):
            if key in (lesson.id, str(lesson.order)):
                return i
        return None

    def open_lesson(self, key: str) -> None:
        """Open a lesson by order number or id (a notice if there is none)."""
        index = self.find_lesson(key)
        if index is None:
            self.notify(f"no lesson '{key}'", severity="error")
            return
        from gradtui.ui.screens.lesson import LessonScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()  # from the sandbox or another lesson: escape goes to the list
        self.push_screen(LessonScreen(self.lessons, index, self.store))

    def reset_progress(self) -> None:
        """Forget all progress, after asking."""
        from gradtui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.store.reset_all()
                self.notify("all progress reset")
                if isinstance(self.screen, HomeScreen):
                    self.screen.refresh_menu()

        self.push_screen(ConfirmScreen("Reset ALL progress: every ✓, hint and input?"), answered)

    @work(thread=True, exclusive=True, group="torch")
    def load_torch(self) -> None:
        """Import torch off the event loop, then flip ``torch_ready``.

        On home everything waits for the first paint (on two cores, even the GIL-free
        loading of torch's libraries slowed it down by a third), then for the lessons (while
        the libraries load, the dynamic loader's lock stalls any import of a C extension:
        reading the lessons took 0.3 s instead of 0.05 s). In the sandbox, what the learner
        waits for is torch's answer: the libraries load (without holding the GIL) while the
        sandbox is first drawn, and only the Python part of torch waits for that. The other
        screens' modules come last, so they never delay torch.
        """
        if self._sandbox is None:
            self._painted.wait(timeout=5)
            self._lessons_done.wait()
        from gradtui.startup import load_torch
        from gradtui.torch_loading import preload_libraries

        try:
            preload_libraries()
            self._painted.wait(timeout=5)
            load_torch()
        except (ImportError, OSError) as err:
            self.call_from_thread(self.no_torch, err)
            return
        self._lessons_done.wait()  # so a lesson asked for on the command line is open by then
        self.call_from_thread(setattr, self, "torch_ready", True)
        for name in LATER_MODULES:
            importlib.import_module(name)

    def no_torch(self, error: ImportError | OSError) -> None:
        """torch cannot be imported: leave, and ``run_app`` prints how to install it."""
        from gradtui.torch_loading import torch_failed, torch_help

        if not torch_failed(error):
            raise error
        self.failure = f"gradtui: error: {torch_help(error)}"
        self.exit(return_code=EXIT_FAILED)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's handling of an error that ends the app, but for a query on a screen that
        was closed as it opened: its widgets are gone, and nobody will see it again."""
        if closed_as_it_opened(self, error):
            self.log.warning(f"skipped on a screen closed as it opened: {error!r}")
            return
        super()._handle_exception(error)

    def panic(self, *renderables: RenderableType) -> None:
        """Textual's exit on a failure it cannot recover from: that is a failed run too."""
        self._return_code = EXIT_FAILED  # Textual leaves it unset on this path
        super().panic(*renderables)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's screenshot (its command and ``app.screenshot`` action), kept inside the
        folder files are confined to under ``gradtui serve`` (a browser gets it as a download;
        any other driver saves it in that folder)."""
        where = self._confined(filename, path)
        return None if where is None else super().deliver_screenshot(*where, time_format)

    def save_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str:
        """Textual's save, kept inside the confined folder like ``deliver_screenshot``."""
        where = self._confined(filename, path)
        return "" if where is None else super().save_screenshot(*where, time_format)

    def _confined(self, filename: str | None, folder: str | None):
        """``(filename, folder)`` for a file the app writes: as given when files are not
        confined, inside the confined folder when they are, None (said) when it leads out."""
        from gradtui.io.files import OutsideFolder, file_scope

        scope = file_scope()
        if not scope.confined:
            return filename, folder
        try:
            where = scope.path(os.path.join(folder or ".", filename or "screenshot.svg"))
        except OutsideFolder as err:
            self.notify(f"not saved: {err}", title="screenshot", severity="error", timeout=8)
            return None
        return (where.name if filename else None), str(where.parent)

    def action_help(self) -> None:
        from gradtui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_open_sandbox(self) -> None:
        self.open_sandbox()

    def action_reset_progress(self) -> None:
        self.reset_progress()

    def open_sandbox(self, playground: Playground | None = None) -> None:
        """Open the sandbox (prefilled with ``playground``)."""
        from gradtui.engine.training.playground import Playground
        from gradtui.ui.screens.sandbox import SandboxScreen

        self.push_screen(SandboxScreen(playground or Playground()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Sandbox", "Open the sandbox: free play", self.open_sandbox)
        yield SystemCommand("Help", "Every panel and key explained", self.action_help)
        yield SystemCommand(
            "Reset all progress", "Forget every ✓ (asks first)", self.reset_progress
        )
        yield from getattr(screen, "commands", lambda: ())()
        yield from getattr(screen, "playground_commands", lambda: ())()


def run_app(args: argparse.Namespace) -> int:
    """Start the app from parsed command-line arguments."""
    sandbox = getattr(args, "playground", None)  # the sandbox's, checked by the command line
    lesson = str(args.number) if getattr(args, "command", None) == "lesson" else None
    loop = None
    if sandbox is not None and args.loop is not None:
        from gradtui.cli.common import CliError
        from gradtui.cli.program import read_program

        try:
            loop = read_program(args.loop) if args.loop else ""
        except CliError as err:
            print(f"gradtui: error: --loop: {err}", file=sys.stderr)
            return 2
    app = GradApp(sandbox=sandbox, lesson=lesson, lesson_dirs=args.lessons, loop=loop)
    app.run()
    if app.failure:  # printed as is: Textual's exit message would wrap the command in it
        print(app.failure, file=sys.stderr)
    return app.return_code or 0  # 1 when an error ended the app (see ``panic``)
