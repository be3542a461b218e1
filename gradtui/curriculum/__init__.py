"""Lessons: data files with checked tasks, the loader that validates them, and saved progress.

Nothing here imports textual, and torch is imported only while a check is evaluated. The names
below load their module on first use: the app reads progress before its first paint, and the
loader (with the engine's parsers it validates with) only after it.
"""

from gradtui.lazy import lazy_names

__all__ = ["Check", "Lesson", "LessonProblem", "Task", "load_lessons", "shipped_lessons_dir"]
_HOME = {
    "Check": "schema",
    "Lesson": "schema",
    "LessonProblem": "schema",
    "Task": "schema",
    "load_lessons": "loader",
    "shipped_lessons_dir": "loader",
}


__getattr__ = lazy_names(__name__, _HOME)
