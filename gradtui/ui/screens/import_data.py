"""Pick a CSV file of input,target rows for fit mode: type a path or choose it in a tree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Input, Label, Static
from textual.worker import get_current_worker

from gradtui.io.csvdata import CsvData, CsvError, read_csv_file
from gradtui.io.files import FOLDER_WORDS, FileScope, OutsideFolder, file_scope
from gradtui.io.safe_read import ReadCancelled
from gradtui.safe_text import clean, plain
from gradtui.ui.delivery import deliver
from gradtui.ui.screens.modal import AnswerOnce

SUFFIXES = (".csv", ".tsv", ".txt")


class DataFileTree(DirectoryTree):
    """Folders and files that may hold CSV text (hidden ones left out, and, when files are
    confined to a folder, links that lead out of it)."""

    def __init__(self, path: Path, scope: FileScope, **kwargs) -> None:
        self.scope = scope
        super().__init__(path, **kwargs)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".")
            and (p.suffix.lower() in SUFFIXES or _is_dir(p))
            and self.scope.allows(p)
        ]

    def process_label(self, label: str | Text) -> Text:
        """A file's name as plain text, without the control characters a name may hold."""
        return super().process_label(
            clean(label, one_line=True) if isinstance(label, str) else label
        )


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


class ImportDataScreen(AnswerOnce[CsvData | None]):
    """Returns the checked data, or None when cancelled; a bad file shows its file:line error."""

    CSS_PATH = "import_data.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, folder: str | Path | None = None, scope: FileScope | None = None):
        """Start in ``folder`` (default: the current one), or, when files are confined
        (``scope``, default this process's), in the folder they are confined to."""
        super().__init__()
        self.scope = scope if scope is not None else file_scope()
        confined = self.scope.confined or folder is None
        self.folder = self.scope.start() if confined else Path(folder).absolute()

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label("Fit a model to your own data: a CSV file of input,target rows")
            yield Input(placeholder="path/to/data.csv", id="path", select_on_focus=False)
            yield Static("", id="import-error")
            yield DataFileTree(self.folder, self.scope, id="tree")
            yield Static(
                "enter: load · tab: the file tree · escape: cancel\n"
                "Two columns of numbers (input t, target), an optional header line; "
                "# starts a comment.",
                id="import-help",
            )

    def on_mount(self) -> None:
        self.query_one("#import-box").border_title = "import data"
        self.query_one("#path", Input).focus()
        if self.scope.confined:  # never the server's own folders
            self.query_one(DataFileTree).root.set_label(FOLDER_WORDS)

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.load(event.value)

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        path = event.path
        if path.is_relative_to(self.folder):
            path = path.relative_to(self.folder)
        # A file's name may hold control characters: the box shows it without them, and the
        # file read is the one picked.
        self.query_one("#path", Input).value = clean(path, one_line=True)
        self.load(str(path))

    def load(self, path: str) -> None:
        """Read ``path`` (relative to the tree's folder) in a thread; close with the data, or
        show why not. A read that waits (a pipe, a stalled drive) never holds up the keys.

        When files are confined to a folder (``gradtui serve``), a path leading out of it is
        refused before anything is opened."""
        typed = path.strip()
        if not typed:
            self._show_error("type a path, or pick a file in the tree")
            return
        try:
            full = self.scope.path(typed, self.folder)
        except OutsideFolder as err:
            self._show_error(str(err))
            return
        self._show_error(f"reading {typed} …", error=False)
        self._read(full, typed)

    @work(thread=True, exclusive=True, group="import-read")
    def _read(self, full: Path, typed: str) -> None:
        worker = get_current_worker()
        try:
            data = read_csv_file(full, name=typed, cancelled=lambda: worker.is_cancelled)
        except ReadCancelled:  # another path was asked for, or the dialog closed
            return
        except CsvError as err:
            self.app.call_from_thread(deliver, self, self._show_error, str(err))
            return
        self.app.call_from_thread(deliver, self, self.answer, data)

    def _show_error(self, message: str, error: bool = True) -> None:
        status = self.query_one("#import-error", Static)
        status.update(plain(message))  # it quotes the file: never read as markup
        status.set_class(not error, "-reading")

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "import-read")
        self.answer(None)
