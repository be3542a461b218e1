"""Pick a CSV file of input,target rows for fit mode: type a path or choose it in a tree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label, Static

from gradtui.engine.csvdata import CsvData, CsvError, read_csv_file
from gradtui.safe_text import clean, plain

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


class ImportDataScreen(ModalScreen[CsvData | None]):
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
        """Read ``path`` (relative to the tree's folder); close with the data, or show why not."""
        error = self.query_one("#import-error", Static)
        if not path.strip():
            error.update("type a path, or pick a file in the tree")
            return
        typed = path.strip()
        try:
            data = read_csv_file(self.folder / Path(typed).expanduser(), name=typed)
        except CsvError as err:
            error.update(plain(err))  # it quotes the file: never read as markup
            return
        self.dismiss(data)

    def action_cancel(self) -> None:
        self.dismiss(None)
