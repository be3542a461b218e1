"""Lessons: data files with checked tasks, the loader that validates them, and saved progress.

Nothing here imports textual, and torch is imported only while a check is evaluated.
"""

from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
from gradtui.curriculum.schema import Check, Lesson, LessonProblem, Task

__all__ = ["Check", "Lesson", "LessonProblem", "Task", "load_lessons", "shipped_lessons_dir"]
