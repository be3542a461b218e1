"""The learner's progress, kept in one small JSON file under the user data folder.

Solved tasks, the current lesson, hints used and the last inputs, by lesson id and task index.
Writes are atomic (a temp file in the same folder, then ``os.replace``). A file that cannot be
read as progress is moved aside to ``progress.json.corrupt-<timestamp>``, never dropped, and a
failed write keeps everything in memory; both leave a message in ``notice`` instead of raising.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from gradtui.engine.paths import data_home

FILE_NAME = "progress.json"
VERSION = 1
_SCALARS = (str, int, float, bool, type(None))


def default_path() -> Path:
    """``progress.json`` in the user data folder (see ``data_home``)."""
    return data_home() / FILE_NAME


class CorruptProgress(ValueError):
    """The progress file is not what this module writes."""


class ProgressStore:
    """Progress by lesson id and task index; every change is saved at once."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.notice: str | None = None
        self.current: str | None = None
        self._lessons: dict[str, dict[str, Any]] = {}
        self._writable = True
        self._load()

    # --- reading ------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as err:
            self._writable = False
            self.notice = f"could not read {self.path} ({err.strerror}); progress will not be saved"
            return
        try:
            self.current, self._lessons = _parse(raw)
        except CorruptProgress as err:
            self._set_aside(str(err))

    def _set_aside(self, reason: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while backup.exists():
            n += 1
            backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            os.replace(self.path, backup)
        except OSError as err:
            self._writable = False
            self.notice = (
                f"the progress file {self.path} is unreadable ({reason}) and could not be moved "
                f"aside ({err.strerror}); it is left as it is and progress will not be saved"
            )
            return
        self.notice = (
            f"the progress file was unreadable ({reason}); it was kept as {backup} "
            "and progress starts afresh"
        )

    # --- queries ------------------------------------------------------------------------

    def is_solved(self, lesson_id: str, task: int) -> bool:
        """Has this task been solved?"""
        return task in self._lesson(lesson_id, create=False).get("solved", [])

    def solved_count(self, lesson_id: str) -> int:
        """How many tasks of this lesson are solved."""
        return len(self._lesson(lesson_id, create=False).get("solved", []))

    def hints_used(self, lesson_id: str, task: int) -> int:
        """How many hints of this task have been revealed."""
        return self._lesson(lesson_id, create=False).get("hints", {}).get(str(task), 0)

    def inputs(self, lesson_id: str, task: int) -> dict[str, Any]:
        """The learner's last inputs for this task (field name -> value as typed)."""
        return dict(self._lesson(lesson_id, create=False).get("inputs", {}).get(str(task), {}))

    # --- changes (each one saves) -------------------------------------------------------

    def mark_solved(self, lesson_id: str, task: int) -> None:
        """Record the task as solved."""
        solved = self._lesson(lesson_id).setdefault("solved", [])
        if task not in solved:
            solved.append(task)
            solved.sort()
        self.save()

    def use_hint(self, lesson_id: str, task: int) -> int:
        """Count one more hint revealed; returns how many are now shown."""
        hints = self._lesson(lesson_id).setdefault("hints", {})
        hints[str(task)] = hints.get(str(task), 0) + 1
        self.save()
        return hints[str(task)]

    def set_current(self, lesson_id: str | None) -> None:
        """Remember the lesson to resume."""
        self.current = lesson_id
        self.save()

    def set_inputs(self, lesson_id: str, task: int, inputs: dict[str, Any], save: bool = True):
        """Remember the learner's inputs (JSON-friendly scalars only; others are left out)."""
        kept = {
            str(k): v
            for k, v in inputs.items()
            if isinstance(v, _SCALARS) and not (isinstance(v, float) and not math.isfinite(v))
        }
        self._lesson(lesson_id).setdefault("inputs", {})[str(task)] = kept
        if save:
            self.save()

    def reset_task(self, lesson_id: str, task: int) -> None:
        """Forget one task: solved mark, hints and inputs."""
        lesson = self._lesson(lesson_id, create=False)
        if task in lesson.get("solved", []):
            lesson["solved"].remove(task)
        lesson.get("hints", {}).pop(str(task), None)
        lesson.get("inputs", {}).pop(str(task), None)
        self.save()

    def reset_all(self) -> None:
        """Forget everything."""
        self._lessons = {}
        self.current = None
        self.save()

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {"version": VERSION, "current": self.current, "lessons": self._lessons}

    def save(self) -> bool:
        """Write the file atomically; on failure keep the state, set ``notice``, return False."""
        if not self._writable:
            return False
        text = json.dumps(self.to_json(), indent=1, sort_keys=True, allow_nan=False)
        temp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except OSError as err:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
            self.notice = f"could not save progress to {self.path} ({err.strerror or err})"
            return False
        return True

    def _lesson(self, lesson_id: str, create: bool = True) -> dict[str, Any]:
        if create:
            return self._lessons.setdefault(lesson_id, {})
        return self._lessons.get(lesson_id, {})


def _parse(raw: bytes) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """The current lesson and the per-lesson records, or ``CorruptProgress``."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as err:  # bad UTF-8, bad JSON, absurd nesting
        raise CorruptProgress(f"not JSON: {err}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise CorruptProgress(f"not a version {VERSION} progress object")
    current = data.get("current")
    lessons = data.get("lessons", {})
    if not (current is None or isinstance(current, str)) or not isinstance(lessons, dict):
        raise CorruptProgress("'current' or 'lessons' has the wrong type")
    for lesson_id, record in lessons.items():
        _check_record(lesson_id, record)
    return current, lessons


def _check_record(lesson_id: str, record: Any) -> None:
    def bad(what: str) -> CorruptProgress:
        return CorruptProgress(f"lesson '{lesson_id[:40]}': {what}")

    if not isinstance(record, dict) or set(record) - {"solved", "hints", "inputs"}:
        raise bad("not a progress record")
    solved = record.get("solved", [])
    if not isinstance(solved, list) or not all(_is_index(t) for t in solved):
        raise bad("'solved' must be a list of task numbers")
    hints = record.get("hints", {})
    if not isinstance(hints, dict) or not all(
        _is_index(n) and _is_key(k) for k, n in hints.items()
    ):
        raise bad("'hints' must map task numbers to counts")
    inputs = record.get("inputs", {})
    if not isinstance(inputs, dict) or not all(
        _is_key(k) and isinstance(v, dict) and all(isinstance(x, _SCALARS) for x in v.values())
        for k, v in inputs.items()
    ):
        raise bad("'inputs' must map task numbers to field values")


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_key(key: str) -> bool:
    return key.isdigit()
