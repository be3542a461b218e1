"""The learner's progress, kept in one small JSON file under the user data folder.

Solved tasks, the current lesson, hints used, the last inputs (by lesson id and task index)
and the chosen theme. Every change is saved at once, merged with what other windows saved
(see ``progress_data``) under a lock, then written atomically (see ``progress_file``).

Nothing is lost and nothing raises: a file that is not progress at all is moved aside to
``progress.json.corrupt-<timestamp>``; bad values in a good file are dropped, with a copy of
the file kept the same way; a failed write keeps everything in this window and is retried with
the next change. Each of these leaves one plain-text message: in ``notice``, or passed to
``listener`` once one is set (the app shows them).
"""

from __future__ import annotations

import copy
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradtui.curriculum import progress_file
from gradtui.curriculum.progress_data import (
    CorruptProgress,
    Op,
    apply,
    dump,
    empty,
    parse,
    plain_inputs,
    shown,
)
from gradtui.io.paths import data_home

if TYPE_CHECKING:
    from gradtui.curriculum.schema import Task

FILE_NAME = "progress.json"
MAX_LISTED = 5  # dropped values named in one notice
Listener = Callable[[str, str], None]  # (message, severity)

__all__ = ["CorruptProgress", "ProgressStore", "default_path"]


def default_path() -> Path:
    """``progress.json`` in the user data folder (see ``data_home``)."""
    return data_home() / FILE_NAME


class ProgressStore:
    """Progress by lesson id and task index; every change is saved at once."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.notice: str | None = None
        self._listener: Listener | None = None
        self._state = empty()
        self._pending: list[Op] = []  # changes not yet on disk
        self._writable = True
        self._failure: str | None = None  # the last save's error, said once
        self._reported: bytes | None = None  # digest of the file whose bad values were said
        self._load()

    @property
    def listener(self) -> Listener | None:
        """Called with each message (and a severity) instead of setting ``notice``."""
        return self._listener

    @listener.setter
    def listener(self, listener: Listener | None) -> None:
        self._listener = listener
        if listener is not None and self.notice:
            notice, self.notice = self.notice, None
            listener(notice, "warning")

    def _say(self, message: str, severity: str = "warning") -> None:
        if self._listener is not None:
            self._listener(message, severity)
        elif not self.notice:
            self.notice = message
        elif message not in self.notice.splitlines():
            self.notice += "\n" + message

    # --- reading ------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            with progress_file.locked(self.path) as held:
                self._read_at_start()
                progress_file.remove_stale_temps(self.path.parent, held)
        except progress_file.Busy:  # another window is saving: its rename is atomic anyway
            self._read_at_start()

    def _read_at_start(self) -> None:
        try:
            raw = progress_file.read(self.path)
        except progress_file.TooLarge as err:
            self._set_aside(str(err))
            return
        except progress_file.NotAFile as err:
            self._writable = False
            self._say(f"{err}: it is left alone and progress will not be saved")
            return
        except OSError as err:
            self._writable = False
            reason = err.strerror or str(err)
            self._say(f"could not read {self.path} ({reason}); progress will not be saved")
            return
        if raw is None:
            return
        try:
            state, dropped = parse(raw)
        except CorruptProgress as err:
            self._set_aside(str(err))
            return
        self._state = state
        self._dropped(raw, dropped)

    def _read_to_merge(self) -> dict[str, Any]:
        """What is on disk now (under the lock), or this window's copy if that is unusable."""
        try:
            raw = progress_file.read(self.path)
            state, dropped = parse(raw) if raw is not None else (empty(), [])
        except (progress_file.TooLarge, CorruptProgress) as err:
            self._set_aside(str(err), "this window's progress is saved in its place")
            if not self._writable:
                raise OSError(f"{self.path} is unreadable and could not be moved aside") from err
            return copy.deepcopy(self._state)  # it holds every change already
        if raw is not None:
            self._dropped(raw, dropped)
        for op in self._pending:
            apply(state, op)
        return state

    def _dropped(self, raw: bytes, dropped: list[str]) -> None:
        """Keep a copy of a file some values were dropped from, and say which, once."""
        digest = hashlib.sha256(raw).digest()
        if not dropped or digest == self._reported:
            return
        self._reported = digest
        listed = "; ".join(dropped[:MAX_LISTED])
        more = f"; and {len(dropped) - MAX_LISTED} more" if len(dropped) > MAX_LISTED else ""
        backup = self._backup_name()
        try:
            with open(backup, "xb") as handle:
                handle.write(raw)
            kept = f"the file as it was is kept as {backup}"
        except OSError as err:
            kept = f"a copy of the file could not be kept ({err.strerror or err})"
        self._say(
            f"the progress file had values that cannot be used, dropped: {listed}{more} ({kept})"
        )

    def _backup_name(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while backup.exists():
            n += 1
            backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        return backup

    def _set_aside(self, reason: str, then: str = "progress starts afresh") -> None:
        backup = self._backup_name()
        try:
            os.replace(self.path, backup)
        except OSError as err:
            self._writable = False
            self._say(
                f"the progress file {self.path} is unreadable ({reason}) and could not be moved "
                f"aside ({err.strerror}); it is left as it is and progress will not be saved"
            )
            return
        self._say(
            f"the progress file was unreadable ({reason}); it was kept as {backup} and {then}"
        )

    def reload(self) -> None:
        """Take in what other windows saved since this one last read or saved the file
        (their solves, hints and inputs); this window's unsaved changes, current lesson and
        theme stay. A file that cannot be read now is left to the next save, which says so."""
        try:
            raw = progress_file.read(self.path)
            if raw is None:
                return
            state, dropped = parse(raw)
        except (progress_file.TooLarge, CorruptProgress, OSError):
            return
        self._dropped(raw, dropped)
        for op in self._pending:
            apply(state, op)
        state["current"], state["theme"] = self._state["current"], self._state["theme"]
        self._state = state

    # --- queries ------------------------------------------------------------------------

    @property
    def current(self) -> str | None:
        """The lesson to resume (its id), if any."""
        return self._state["current"]

    @property
    def theme(self) -> str | None:
        """The theme the learner chose last, if any (it may not exist in this version)."""
        return self._state["theme"]

    def is_solved(self, lesson_id: str, task: int) -> bool:
        """Has this task been solved?"""
        return task in self._lesson(lesson_id).get("solved", [])

    def solved_count(self, lesson_id: str) -> int:
        """How many tasks of this lesson are solved."""
        return len(self._lesson(lesson_id).get("solved", []))

    def hints_used(self, lesson_id: str, task: int) -> int:
        """How many hints of this task have been revealed."""
        return self._lesson(lesson_id).get("hints", {}).get(str(task), 0)

    def inputs(self, lesson_id: str, task: int) -> dict[str, Any]:
        """The learner's last inputs for this task (field name -> value), as saved."""
        return dict(self._lesson(lesson_id).get("inputs", {}).get(str(task), {}))

    def task_inputs(self, lesson_id: str, index: int, task: Task) -> dict[str, Any]:
        """The saved inputs of ``task`` that its fields accept; the others are dropped (said).

        Each value is held to the rule its field's form applies (see ``saved_inputs``).
        """
        from gradtui.curriculum.saved_inputs import check_inputs

        saved = self.inputs(lesson_id, index)
        kept, refused = check_inputs(task, saved)
        if refused:
            listed = "; ".join(f"{shown(name)} ({why})" for name, why in refused.items())
            self._say(
                f"saved inputs of lesson {shown(lesson_id)} task {index + 1} cannot be used, "
                f"dropped: {listed}"
            )
            self._change(("drop", lesson_id, index, {name: saved[name] for name in refused}))
        return kept

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return copy.deepcopy(self._state)

    # --- changes (each one saves) -------------------------------------------------------

    def mark_solved(self, lesson_id: str, task: int) -> None:
        """Record the task as solved."""
        self._change(("solve", lesson_id, task))

    def use_hint(self, lesson_id: str, task: int) -> int:
        """Count one more hint revealed; returns how many are now shown."""
        self._change(("hint", lesson_id, task, self.hints_used(lesson_id, task) + 1))
        return self.hints_used(lesson_id, task)

    def set_current(self, lesson_id: str | None) -> None:
        """Remember the lesson to resume."""
        self._change(("current", lesson_id))

    def set_theme(self, name: str) -> None:
        """Remember the chosen theme."""
        self._change(("theme", name))

    def set_inputs(self, lesson_id: str, task: int, inputs: dict[str, Any], save: bool = True):
        """Remember the learner's inputs (JSON-friendly scalars only; others are left out)."""
        kept, left_out = plain_inputs(inputs)
        self._change(("inputs", lesson_id, task, kept, left_out), save)

    def reset_task(self, lesson_id: str, task: int) -> None:
        """Forget one task: solved mark, hints and inputs."""
        self._change(("reset_task", lesson_id, task))

    def reset_all(self) -> None:
        """Forget every lesson's progress and the current lesson (the theme stays)."""
        self._change(("reset_all",))

    def _change(self, op: Op, save: bool = True) -> None:
        apply(self._state, op)
        self._pending.append(op)
        if save:
            self.save()

    def flush(self) -> bool:
        """Save changes that are not on disk yet (a failed save); True when none are left."""
        return not self._pending or self.save()

    def save(self) -> bool:
        """Merge this window's changes into the file; on failure keep them, say so, return False."""
        if not self._writable:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # so the first save locks too
            with progress_file.locked(self.path):
                merged = self._read_to_merge()
                progress_file.write(self.path, dump(merged))
        except progress_file.Busy as err:
            self._failed(f"could not save progress to {self.path} ({err})")
            return False
        except OSError as err:
            self._failed(f"could not save progress to {self.path} ({err.strerror or err})")
            return False
        self._state = merged
        self._pending.clear()
        if self._failure is not None:
            self._failure = None
            self._say(f"progress is saved again to {self.path}", "information")
        return True

    def _failed(self, message: str) -> None:
        message += "; it is kept in this window and saved with the next change"
        if message != self._failure or self._listener is None:
            self._say(message)
        self._failure = message

    def _lesson(self, lesson_id: str) -> dict[str, Any]:
        return self._state["lessons"].get(lesson_id, {})
