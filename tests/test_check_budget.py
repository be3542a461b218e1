"""The work a lesson's checks may ask for is bounded, checks stop when cancelled, and the app
quits at once even while one runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from ui_support import ready, wait_for

from gradtui.curriculum import budget
from gradtui.curriculum.budget import MAX_CHECK_WORK, MAX_LESSON_WORK
from gradtui.curriculum.checks import CheckCancelled, evaluate
from gradtui.curriculum.checks import loop as loop_checks
from gradtui.curriculum.loader import load_lessons
from gradtui.curriculum.schema import Check
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.screens.lesson import LessonScreen

HEAVY_START = ",".join(["1"] * 5000)


def lesson_text(tasks: int, steps: int, numbers: int = 5000, within: str = "steps") -> str:
    """A lesson of ``tasks`` loop checks of ``steps`` steps on ``numbers`` numbers each."""
    start = ",".join(["1"] * numbers)  # 9,999 characters: within the 10,000 a start may have
    task = f"""
[[tasks]]
goal = "Bring the loss below 0.001."
editable = ["lr"]
hints = ["A larger lr."]

[tasks.setup]
fn = "(x**2).sum()"
start = "{start}"
lr = 0.0001
max_steps = {steps}

[tasks.solution]
lr = 0.1

[tasks.check]
kind = "loss_below_within_steps"
loss = 0.001
{within} = {steps}
"""
    return '+++\nid = "heavy"\ntitle = "Heavy"\norder = 50\n' + task * tasks + "+++\n\n# Heavy\n"


def write_lesson(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "heavy.md").write_text(text)
    return folder


def test_the_validator_refuses_a_lesson_that_asks_for_too_much_work(tmp_path):
    """20 tasks of 100,000 steps on 5,000 numbers kept 'lessons check' busy half an hour."""
    folder = write_lesson(tmp_path / "l", lesson_text(20, 100_000))
    started = time.perf_counter()
    lessons, problems = load_lessons([folder])
    assert time.perf_counter() - started < 60  # it is refused, not run (a guard, not a timing)
    assert lessons == []
    path = str(folder / "heavy.md")
    total, *each = [str(p) for p in problems]  # by line: the total is at the first task
    assert total == (
        f"{path}:6: the checks of this lesson may run 10,000,000,000 units of work in all; a "
        f"lesson may ask for at most {MAX_LESSON_WORK:,} (steps × numbers, each step counting "
        "at least 1,000): use fewer steps or fewer numbers"
    )
    assert len(each) == 20
    assert each[0] == (
        f"{path}:21: task 1: this check may run 100,000 steps on 5,000 numbers (500,000,000 "
        f"units of work); a check may ask for at most {MAX_CHECK_WORK:,} (steps × numbers, each "
        "step counting at least 1,000): lower its steps, or use fewer numbers"
    )


def test_lessons_check_refuses_it_at_once(tmp_path):
    folder = write_lesson(tmp_path / "l", lesson_text(20, 100_000))
    done = subprocess.run(
        [sys.executable, "-m", "gradtui", "lessons", "check", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,  # far beyond the seconds it takes: only the old half hour trips it
    )
    assert done.returncode == 2
    assert "a check may ask for at most 20,000,000" in done.stdout


def test_a_lesson_within_the_budget_loads(tmp_path):
    steps = MAX_CHECK_WORK // 5000  # exactly the budget of one check
    lessons, problems = load_lessons([write_lesson(tmp_path / "l", lesson_text(1, steps))])
    assert problems == [] and len(lessons) == 1
    _, problems = load_lessons([write_lesson(tmp_path / "m", lesson_text(1, steps + 1))])
    assert "task 1: this check may run 4,001 steps on 5,000 numbers" in str(problems[0])


def test_a_lesson_over_the_total_budget_is_refused(tmp_path):
    tasks = MAX_LESSON_WORK // MAX_CHECK_WORK + 1  # each within, all together over
    text = lesson_text(tasks, MAX_CHECK_WORK // 5000)
    _, problems = load_lessons([write_lesson(tmp_path / "l", text)])
    assert len(problems) == 1 and "the checks of this lesson may run 120,000,000" in str(
        problems[0]
    )


def test_a_step_costs_at_least_a_thousand_numbers(tmp_path):
    """100,000 steps on one number is no quicker than 100,000 steps on 1,000."""
    text = lesson_text(1, 100_000, numbers=1, within="steps").replace('start = "1"', 'start = "3."')
    _, problems = load_lessons([write_lesson(tmp_path / "l", text)])
    assert "100,000 steps on 1 number (100,000,000 units of work)" in str(problems[0])


def test_a_learners_playground_over_the_budget_does_not_pass_and_says_why():
    check = Check("loss_below_within_steps", {"loss": 0.001, "steps": 100_000})
    result = evaluate(check, Playground(fn="(x**2).sum()", start=HEAVY_START, max_steps=None))
    assert not result.passed
    assert result.detail.startswith("this check may run 100,000 steps on 5,000 numbers")
    assert result.detail.endswith("use fewer numbers")


def test_a_check_stops_at_the_next_step_once_cancelled():
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 3

    check = Check("stop_reason_is", {"reason": "target", "within": 10_000})
    with pytest.raises(CheckCancelled):
        evaluate(check, Playground(fn="x**2", lr=1e-9, max_steps=None), "", cancelled)
    assert len(asked) == 4  # asked once a step, and stopped at the first True


async def test_a_newer_check_stops_the_older_ones(tmp_path, monkeypatch):
    """Each change of a field starts a check and cancels the one before: those went on to
    their end, so a few quick changes left several long checks running at once."""
    monkeypatch.setattr(budget, "MAX_CHECK_WORK", 10**15)  # a long check, as on a slow machine
    monkeypatch.setattr(budget, "MAX_LESSON_WORK", 10**15)
    running, started = [], []
    real_run = loop_checks._run

    def counted(*args, **kwargs):
        started.append(1)
        running.append(1)
        try:
            return real_run(*args, **kwargs)
        finally:
            running.pop()

    monkeypatch.setattr(loop_checks, "_run", counted)
    folder = write_lesson(tmp_path / "l", lesson_text(1, 100_000))
    app = GradApp(lesson="heavy", lesson_dirs=[str(folder)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, LessonScreen)
        for lr in ("0.001", "0.002", "0.003"):
            await wait_for(pilot, lambda: running)
            field = app.screen.query_one("#lr")
            before = len(started)
            field.value = lr
            await pilot.press("enter")
            await wait_for(pilot, lambda before=before: len(started) > before)  # a new check
        await wait_for(pilot, lambda: len(running) <= 1)


QUIT_SCRIPT = """
import asyncio, sys, time
sys.path.insert(0, {tests!r})
try:  # a long check, as on a slow machine
    from gradtui.curriculum import budget
    budget.MAX_CHECK_WORK = budget.MAX_LESSON_WORK = 10**15
except ImportError:
    pass
from ui_support import ready, wait_for
from gradtui.curriculum.checks import loop as loop_checks
from gradtui.ui.app import GradApp

stepping = []
real_run = loop_checks._run

def counted(*args, **kwargs):  # says when the check is under way
    stepping.append(1)
    return real_run(*args, **kwargs)

loop_checks._run = counted

async def main():
    app = GradApp(lesson="heavy", lesson_dirs=[{folder!r}])
    async with app.run_test() as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any(w.group == "check" for w in app.workers))
        await wait_for(pilot, lambda: stepping)  # the check is into its 100,000 steps
        print("quitting", flush=True)
        await pilot.press("ctrl+q")

asyncio.run(main())
"""


def test_quitting_while_a_check_runs_ends_the_process_at_once(tmp_path):
    folder = write_lesson(tmp_path / "l", lesson_text(1, 100_000))
    script = QUIT_SCRIPT.format(tests=str(Path(__file__).parent), folder=str(folder))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout.readline() == "quitting\n", child.stderr.read()
        quit_at = time.monotonic()
        child.wait(timeout=60)
        lingered = time.monotonic() - quit_at
    finally:
        child.kill()
    assert child.returncode == 0
    assert lingered < 10  # generous: it takes well under a second; the check alone takes minutes


def test_the_lesson_guide_states_the_budget():
    guide = (Path(__file__).parent.parent / "lessons" / "README.md").read_text(encoding="utf-8")
    text = " ".join(guide.split())
    assert f"One check may cost {MAX_CHECK_WORK:,}" in text
    assert f"the checks of a lesson {MAX_LESSON_WORK:,} in all" in text
    assert f"a step counting at least {budget.STEP_FLOOR:,} numbers" in text
