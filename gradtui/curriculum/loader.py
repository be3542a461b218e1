"""Find and read lesson files: Markdown with TOML front matter between two ``+++`` lines.

Every problem is reported as ``file:line: message``; a broken file is skipped and never stops
the others. This module does not import torch (or textual).
"""

from __future__ import annotations

import importlib.resources
import re
import tomllib
from collections.abc import Iterable
from importlib.resources.abc import Traversable
from pathlib import Path

import gradtui
from gradtui.curriculum.keylines import KeyLines
from gradtui.curriculum.schema import MAX_FILE_BYTES, Lesson, LessonProblem
from gradtui.curriculum.validate import Validator
from gradtui.safe_text import char_name, unsafe_char

FENCE = "+++"
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")


def shipped_lessons_dir() -> Traversable:
    """The lessons that come with gradtui: the repo's ``lessons/`` or the installed copy."""
    repo = Path(gradtui.__file__).resolve().parent.parent / "lessons"
    if repo.is_dir():
        return repo
    return importlib.resources.files("gradtui") / "lessons"


def lesson_files(folder: Traversable) -> list[Traversable]:
    """The ``*.md`` files of a folder, by name, leaving out READMEs and hidden files."""
    entries = [
        e
        for e in folder.iterdir()
        if e.name.endswith(".md")
        and not e.name.startswith(".")
        and e.name.lower() != "readme.md"
        and e.is_file()
    ]
    return sorted(entries, key=lambda e: e.name)


def load_lessons(
    dirs: Iterable[Traversable | str],
) -> tuple[list[Lesson], list[LessonProblem]]:
    """Load every lesson file of ``dirs``: the good lessons by order, and all problems found.

    A lesson whose id was already loaded (from an earlier file or folder) is reported and
    skipped, so earlier folders win.
    """
    lessons: dict[str, Lesson] = {}
    problems: list[LessonProblem] = []
    for folder in dirs:
        folder = Path(folder) if isinstance(folder, str) else folder
        if not folder.is_dir():
            problems.append(LessonProblem(str(folder), None, "no such folder"))
            continue
        for entry in lesson_files(folder):
            lesson, found = load_file(entry)
            problems.extend(found)
            if lesson is None:
                continue
            first = lessons.get(lesson.id)
            if first is not None:
                where = f"{first.path}:{first.line}"
                message = f"duplicate lesson id '{lesson.id}' (first defined at {where})"
                problems.append(LessonProblem(lesson.path, lesson.line, message))
                continue
            lessons[lesson.id] = lesson
    ordered = sorted(lessons.values(), key=lambda lesson: (lesson.order, lesson.id))
    return ordered, problems


def load_file(entry: Traversable | str) -> tuple[Lesson | None, list[LessonProblem]]:
    """One lesson file: the lesson, or None and the reasons."""
    entry = Path(entry) if isinstance(entry, str) else entry
    path = str(entry)

    def fail(line: int | None, message: str) -> tuple[None, list[LessonProblem]]:
        return None, [LessonProblem(path, line, message)]

    try:
        data = _read_capped(entry)
    except OSError as err:
        return fail(None, f"cannot read the file: {err.strerror or err}")
    if data is None:
        return fail(1, f"the file is over {MAX_FILE_BYTES // 1024} KiB: too big for a lesson")
    if b"\x00" in data:
        return fail(_line_at(data, data.index(b"\x00")), "binary file (NUL byte), not a lesson")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return fail(_line_at(data, err.start), "not UTF-8 text: save the lesson as UTF-8")
    text = text.removeprefix("\ufeff")
    control = unsafe_char(text)  # tab, newline and CR (files saved on Windows) are fine
    if control:
        line = text.count("\n", 0, text.index(control)) + 1
        return fail(line, f"the control character {char_name(control)} is not allowed")
    return parse_lesson(text, path)


def parse_lesson(text: str, path: str = "<lesson>") -> tuple[Lesson | None, list[LessonProblem]]:
    """Split the front matter from the prose, parse its TOML and validate it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        return None, [LessonProblem(path, 1, f"a lesson starts with a '{FENCE}' line")]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        message = f"the front matter is never closed: add a '{FENCE}' line after it"
        return None, [LessonProblem(path, 1, message)]
    toml_text = "\n".join(lines[1:end])
    try:
        doc = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as err:
        match = _TOML_WHERE.search(str(err))
        line = int(match.group(1)) + 1 if match and match.group(1) else end
        message = _TOML_WHERE.sub("", str(err))
        return None, [LessonProblem(path, line, f"bad TOML: {message}")]
    except RecursionError:  # tomllib recurses once per nested array or inline table
        return None, [LessonProblem(path, 2, "bad TOML: arrays or tables nested too deeply")]
    validator = Validator(path, KeyLines(toml_text, first_line=2))
    body = "\n".join(lines[end + 1 :]).strip("\n") + "\n"
    lesson = validator.lesson(doc, body, end + 2)
    return lesson, sorted(validator.problems, key=lambda p: p.line or 0)


def _read_capped(entry: Traversable) -> bytes | None:
    """The file's bytes, or None when it is over the size cap (read no further than that)."""
    if isinstance(entry, Path):
        with entry.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    else:
        data = entry.read_bytes()
    return None if len(data) > MAX_FILE_BYTES else data


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
