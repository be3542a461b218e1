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
from gradtui.io.safe_read import ReadCancelled
from gradtui.safe_text import clean, plain
from gradtui.ui.delivery import deliver
from gradtui.ui.screens.modal import AnswerOnce

SUFFIXES = (".csv", ".tsv", ".txt")


class DataFileTree(DirectoryTree):
    """Folders and files that may hold CSV text (hidden ones left out)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.suffix.lower() in SUFFIXES or _is_dir(p))
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

    def __init__(self, folder: str | Path = "."):
        super().__init__()
        self.folder = Path(folder).absolute()

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label("Fit a model to your own data: a CSV file of input,target rows")
            yield Input(placeholder="path/to/data.csv", id="path", select_on_focus=False)
            yield Static("", id="import-error")
            yield DataFileTree(self.folder, id="tree")
            yield Static(
                "enter: load · tab: the file tree · escape: cancel\n"
                "Two columns of numbers (input t, target), an optional header line; "
                "# starts a comment.",
                id="import-help",
            )

    def on_mount(self) -> None:
        self.query_one("#import-box").border_title = "import data"
        self.query_one("#path", Input).focus()

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
        self.query_one("#path", Input).value = str(path)
        self.load(str(path))

    def load(self, path: str) -> None:
        """Read ``path`` (relative to the tree's folder) in a thread; close with the data, or
        show why not. A read that waits (a pipe, a stalled drive) never holds up the keys."""
        typed = path.strip()
        if not typed:
            self._show_error("type a path, or pick a file in the tree")
            return
        self._show_error(f"reading {typed} …", error=False)
        self._read(typed)

    @work(thread=True, exclusive=True, group="import-read")
    def _read(self, typed: str) -> None:
        worker = get_current_worker()
        try:
            data = read_csv_file(
                self.folder / Path(typed).expanduser(),
                name=typed,
                cancelled=lambda: worker.is_cancelled,
            )
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
