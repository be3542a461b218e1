"""Where the app may read and write the learner's files: anywhere at a terminal, one folder in
a browser.

At a terminal the learner is the person who owns the computer: the import dialog starts in the
current folder and accepts any path, and exports are saved in the current folder. Under
``gradtui serve`` the learner is whoever has a browser, and the app runs on the teacher's
computer as the teacher: there every file the app reads or writes for the learner (the CSV
import, exported scripts, screenshots) must lie inside one folder, named by ``GRADTUI_FILES``
(set by ``gradtui serve`` for each app it starts). A path that leaves it (``..``, an absolute
path, ``~``, a link to somewhere else) is refused with a plain message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_FILES = "GRADTUI_FILES"
"""The one setting: the folder the app's files are confined to (unset: not confined)."""
FOLDER_WORDS = "this session's files folder"


class OutsideFolder(ValueError):
    """A path that leads outside the folder files are confined to."""


@dataclass(frozen=True)
class FileScope:
    """Where files may be: ``folder`` and below, or anywhere when ``folder`` is None."""

    folder: Path | None = None

    @property
    def confined(self) -> bool:
        """Whether files are confined to ``folder``."""
        return self.folder is not None

    def start(self) -> Path:
        """The folder dialogs start in and exports go to: the confined folder (created if
        missing), else the current one."""
        if self.folder is None:
            return Path.cwd()
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.folder.resolve()

    def path(self, typed: str | os.PathLike[str], base: Path | None = None) -> Path:
        """The file ``typed`` names, relative to ``base`` (default ``start()``); when confined,
        relative to the folder, and ``OutsideFolder`` unless it is inside the folder once
        every link in it is followed."""
        text = os.fspath(typed).strip()
        if self.folder is None:
            return (base or self.start()) / Path(text).expanduser()
        relative = Path(text)
        if relative.is_absolute() or text.startswith("~") or ".." in relative.parts:
            raise OutsideFolder(
                f"{text}: only files in {FOLDER_WORDS} can be used here; "
                "type a name inside it, such as data.csv"
            )
        root = self.start()
        full = (root / relative).resolve()
        if not self.allows(full):
            raise OutsideFolder(f"{text}: a link that leads outside {FOLDER_WORDS}")
        return full

    def allows(self, path: Path) -> bool:
        """Whether ``path`` is inside the folder once its links are followed (always, when
        not confined)."""
        if self.folder is None:
            return True
        try:
            return path.resolve().is_relative_to(self.folder.resolve())
        except (OSError, RuntimeError):  # a loop of links
            return False

    def shown(self, path: Path) -> str:
        """``path`` as the learner should see it: relative to the confined folder (never the
        server's own folders), else relative to the current folder when inside it."""
        base = self.start()
        try:
            return str(path.resolve().relative_to(base))
        except ValueError:
            return str(path.resolve()) if self.folder is None else path.name


def file_scope() -> FileScope:
    """The scope this process runs with (``GRADTUI_FILES``)."""
    folder = os.environ.get(ENV_FILES)
    return FileScope(Path(folder).absolute() if folder else None)
