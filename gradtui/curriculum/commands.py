"""``gradtui lessons`` (list with progress) and ``gradtui lessons check DIR`` (validate)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.safe_text import clean

EXIT_PROBLEMS = 2


def list_lessons(extra_dirs: Iterable[str | Path] = ()) -> int:
    """Print the lessons in order with progress marks; problems go to stderr. Exit status 0."""
    from gradtui.curriculum.progress import ProgressStore

    lessons, problems = load_lessons([shipped_lessons_dir(), *extra_dirs])
    store = ProgressStore()
    for lesson in lessons:
        done = store.solved_count(lesson.id)
        total = len(lesson.tasks)
        mark = "[x]" if done >= total else "[~]" if done else "[ ]"
        here = ">" if lesson.id == store.current else " "
        title = clean(lesson.title, one_line=True)  # the file's text: no escapes reach the terminal
        print(f"{here} {mark} {lesson.order:>2}. {title}  ({done}/{total} tasks, {lesson.id})")
    for problem in problems:
        print(problem, file=sys.stderr)
    if store.notice:
        print(f"gradtui: {clean(store.notice)}", file=sys.stderr)
    return 0


def check_dir(path: str | Path, solve: bool = True) -> int:
    """Validate the lesson files of ``path``; print each problem as ``file:line: message``.

    With ``solve``, also run every task's check: it must fail at the start and pass with the
    reference solution (this imports torch). Exit status 0 when clean, 2 with problems.
    """
    lessons, problems = load_lessons([path])
    if solve:
        from gradtui.curriculum.checks import verify_lesson

        for lesson in lessons:
            problems.extend(verify_lesson(lesson))
    for problem in problems:
        print(problem)
    tasks = sum(len(lesson.tasks) for lesson in lessons)
    if problems:
        print(f"{len(problems)} problem(s); {len(lessons)} lesson(s) loaded", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{len(lessons)} lesson(s), {tasks} task(s): no problems")
    return 0
