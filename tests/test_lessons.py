"""The lesson files: the shipped curriculum, the loader's problems, and the lessons commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from lesson_support import TINY_LESSON

from gradtui.curriculum.checks import evaluate, verify_lesson
from gradtui.curriculum.commands import check_dir, list_lessons
from gradtui.curriculum.keylines import KeyLines
from gradtui.curriculum.loader import load_file, load_lessons, parse_lesson, shipped_lessons_dir
from gradtui.curriculum.schema import MAX_FILE_BYTES
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).parent / "data" / "lessons_broken"
SHIPPED, SHIPPED_PROBLEMS = load_lessons([shipped_lessons_dir()])
TASKS = [(lesson, i) for lesson in SHIPPED for i in range(len(lesson.tasks))]

GOOD = TINY_LESSON
FD_CHECK = 'kind = "finite_difference_close"\ntol = 0.1\n'


def problems_of(text: str) -> list[str]:
    lesson, problems = parse_lesson(text, "l.md")
    assert (lesson is None) == bool(problems)
    return [str(p) for p in problems]


# --- the shipped curriculum ------------------------------------------------------------------


def test_shipped_lessons_load_with_no_problems():
    assert SHIPPED_PROBLEMS == []
    assert [lesson.order for lesson in SHIPPED] == list(range(1, 22))
    assert [lesson.id for lesson in SHIPPED] == [
        "seven-steps",
        "first-gradient",
        "many-numbers",
        "floats-only",
        "gradient-is-a-slope",
        "learning-rate",
        "zero-the-grad",
        "roller-coaster",
        "when-to-stop",
        "pullover-vs-dress",
        "computation-graph",
        "autograd-vs-numbers",
        "learning-rate-explorer",
        "optimizers",
        "your-own-data",
        "write-the-loop",
        "broken-loops",
        "roller-coaster-code",
        "optimizer-step",
        "pullover-dress-code",
        "simple-net",
    ]


def test_shipped_dir_is_the_repo_lessons_folder():
    assert Path(shipped_lessons_dir()) == ROOT / "lessons"
    names = sorted(p.name for p in (ROOT / "lessons").glob("*.md"))
    assert names[0] == "01-seven-steps.md" and names[8] == "09-when-to-stop.md"


@pytest.mark.parametrize("lesson", SHIPPED, ids=lambda lesson: lesson.id)
def test_every_lesson_ends_with_a_recap_and_whats_next(lesson):
    headings = re.findall(r"^## (.+)$", lesson.body, flags=re.M)
    assert headings[-2:] == ["Recap", "What's next"]
    assert len(lesson.tasks) >= 1 and all(1 <= len(t.hints) <= 3 for t in lesson.tasks)


@pytest.mark.parametrize(
    ("lesson", "index"), TASKS, ids=[f"{lesson.id}-{i + 1}" for lesson, i in TASKS]
)
def test_every_task_fails_at_the_start_and_passes_with_its_solution(lesson, index):
    task = lesson.tasks[index]
    start = evaluate(task.check, task.playground(), task.start_answer)
    assert not start.passed, start.detail
    solved = evaluate(task.check, task.solution_playground(), task.solution_answer)
    assert solved.passed, solved.detail


def test_the_curriculum_uses_every_check_kind_the_issue_names():
    kinds = {task.check.kind for lesson in SHIPPED for task in lesson.tasks}
    assert {"grad_equals", "value_equals", "grad_fn_is", "loss_below_within_steps"} <= kinds
    assert {"stop_reason_is", "diverges", "error_is", "answer_is"} <= kinds
    assert {"finite_difference_close", "grads_accumulate"} <= kinds
    assert "program" in kinds


def test_lesson_prose_quotes_the_books_numbers():
    bodies = {lesson.id: lesson.body for lesson in SHIPPED}
    assert "tensor(9., grad_fn=<PowBackward0>)" in bodies["first-gradient"]
    assert "tensor(6.)" in bodies["first-gradient"]
    assert "tensor(125., grad_fn=<SumBackward0>)" in bodies["many-numbers"]
    assert "tensor([ 6.,  8., 20.])" in bodies["many-numbers"]
    for number in ("25823.8", "5435.5", "1577.4", "847.4", "676.95"):
        assert number in bodies["roller-coaster"]


def test_lesson_numbers_match_the_engine():
    """Spot checks of figures quoted in the prose."""
    fit = Playground(mode="fit", fn="a*t**2 + b*t + c", start="random", lr=1e-5, max_steps=10)
    losses = [r.loss for r in fit.stepper().run()][:-1]
    assert [round(v, 1) for v in losses[:4]] == [25823.8, 5435.5, 1577.4, 847.4]
    assert round(fit.stepper().step().grads["a"], 1) == -53195.9
    stepper = Playground(lr=1.1, max_steps=100).stepper()
    stop = list(stepper.run())[-1]
    assert (stop.reason, stop.steps, round(stop.loss)) == ("diverged", 26, 117942)
    stop = list(Playground(lr=0.1, max_steps=200, target=0.01).stepper().run())[-1]
    assert (stop.reason, stop.steps, round(stop.loss, 5)) == ("target", 16, 0.00713)


# --- what the lessons say, measured (each figure below was changed after measuring it) --------

SEVEN = ["init", "predict", "loss", "gradient", "step", "repeat", "stop"]


def _lesson(order: int):
    return next(lesson for lesson in SHIPPED if lesson.order == order)


def _step_lists(body: str) -> list[list[tuple[int, str]]]:
    """Each top-level ordered list: (the number shown, the bold word its item starts with)."""
    from markdown_it import MarkdownIt

    lists: list[list[tuple[int, str]]] = []
    numbered: list[tuple[int, str]] | None = None
    number = 0
    for token in MarkdownIt("gfm-like").parse(body):
        if token.type == "ordered_list_open" and token.level == 0:
            numbered, number = [], int(token.attrGet("start") or 1)
            lists.append(numbered)
        elif token.type == "ordered_list_close" and token.level == 0:
            numbered = None
        elif numbered is None:
            continue
        elif token.type == "list_item_open" and token.level == 1:
            numbered.append((number, ""))
            number += 1
        elif token.type == "inline" and token.level == 3 and not numbered[-1][1]:
            word = re.match(r"\*\*(\w+)\*\*", token.content)
            numbered[-1] = (numbered[-1][0], word.group(1) if word else "?")
    return lists


def test_every_list_of_the_seven_steps_numbers_them_as_lesson_1_does():
    numbered = list(enumerate(SEVEN, 1))
    assert _step_lists(_lesson(1).body) == [numbered]
    found = 0
    for lesson in SHIPPED:
        for steps in _step_lists(lesson.body):
            if steps and steps[0][1] == "init":
                found += 1
                names = [(n, "gradient" if w == "gradients" else w) for n, w in steps]
                assert names == numbered, (lesson.order, steps)
    assert found >= 3  # lessons 1, 8 and 10


def test_lesson_8_names_each_step_once():
    (steps,) = _step_lists(_lesson(8).body)
    assert [w for _, w in steps] == SEVEN


def test_lesson_14_hint_2_window_is_the_engines():
    task = _lesson(14).tasks[1]
    hint = task.hints[1]
    assert "0.0019 stops just short, at 0.003" in hint and "0.00192 to 0.00201" in hint
    assert "From about 0.00206 up nearly every lr blows up within 20 steps" in hint

    def ended(lr):
        return list(task.playground().with_(lr=lr).stepper().run())[-1]

    assert round(ended(0.0005).loss, 2) == 2.78
    assert round(ended(0.0019).loss, 3) == 0.003
    for lr in (0.00192, 0.00195, 0.002, 0.00201):
        assert evaluate(task.check, task.playground().with_(lr=lr)).passed, lr
    diverged = [ended(i / 1e5) for i in range(207, 301, 3)]  # 0.00207 to 0.003
    blew_up = [s for s in diverged if s.reason == "diverged" and s.steps <= 20]
    assert len(blew_up) >= 0.9 * len(diverged)
    assert not evaluate(task.check, task.playground().with_(lr=0.0022)).passed


def test_lesson_14_answers_are_read_off_the_optimizer_view_and_not_the_prose():
    from dataclasses import replace

    from gradtui.engine.training.optimizers import SURFACES, optimizer_paths, playground_surface

    lesson = _lesson(14)
    first, _, third = lesson.tasks
    valley = playground_surface(first.playground())
    paths = optimizer_paths(valley, valley.lr, valley.momentum, valley.adam_lr, valley.steps)
    lowest = min(paths, key=lambda p: p.losses[-1])
    assert lowest.optimizer == "momentum"
    assert evaluate(first.check, first.playground(), f"{lowest.losses[-1]:.3g}").passed
    others = [p.losses[-1] for p in paths if p is not lowest]
    assert all(not evaluate(first.check, first.playground(), f"{f:.3g}").passed for f in others)
    banana = replace(playground_surface(third.playground()), steps=1000)
    sgd, momentum, _ = optimizer_paths(banana, banana.lr, 0.0, banana.adam_lr, banana.steps)
    assert momentum.losses[-1] == pytest.approx(sgd.losses[-1])
    assert evaluate(third.check, third.playground(), f"{momentum.losses[-1]:.3g}").passed
    untouched = optimizer_paths(SURFACES["rosenbrock"], 0.0005, 0.9, 0.05, 500)[1]
    assert not evaluate(third.check, third.playground(), f"{untouched.losses[-1]:.3g}").passed
    for typed in ("9.2e-09", "9.2e-9", "4.48"):
        assert typed not in lesson.body and typed not in first.goal + third.goal


def test_lesson_12_checks_the_central_difference_it_teaches():
    task = _lesson(12).tasks[0]
    assert task.check.params["difference"] == "central"
    assert "(f(x+h) - f(x-h)) / 2h" in _lesson(12).body
    start = evaluate(task.check, task.playground())
    assert "(f(x+h) - f(x-h))/2h = 5.72205" in start.detail and not start.passed


def test_lesson_11_task_2_uses_the_graph_and_repeats_no_other_task():
    from gradtui.engine.autograd.graph import trace_graph

    task = _lesson(11).tasks[1]
    root = trace_graph(task.playground().problem()).root
    add = next(node for node in root.children if node.name == "AddBackward0")
    assert evaluate(task.check, task.playground(), f"{add.grad:g}").passed
    assert evaluate(task.check, task.playground(), "3").passed
    assert "(x + w)*w" in task.goal
    seen = {}
    for lesson in SHIPPED:
        for i, other in enumerate(lesson.tasks, 1):
            key = (repr(sorted(other.setup.items())), repr(other.check))
            assert key not in seen, (f"lesson {lesson.order} task {i}", seen.get(key))
            seen[key] = f"lesson {lesson.order} task {i}"


def test_lesson_15_shows_the_rows_it_fits_and_its_figures_are_the_engines():
    lesson = _lesson(15)
    rows = lesson.tasks[0].setup["data_csv"].strip().splitlines()[1:]
    table = re.findall(r"^\| (-?\d+) \| (\d+) \|$", lesson.body, flags=re.M)
    assert [f"{c},{f}" for c, f in table] == rows and len(rows) == 11
    assert "the eleven rows of the table" in lesson.body
    task = lesson.tasks[0]

    def ended(lr, steps=100):
        return list(task.playground().with_(lr=lr, max_steps=steps).stepper().run())[-1]

    assert (ended(0.003).reason, ended(0.003).steps) == ("diverged", 8)
    assert (ended(0.00211, 1000).reason, ended(0.00211, 1000).steps) == ("diverged", 724)
    assert round(ended(0.0021).loss) == 1929 and ended(0.0021, 1000).reason == "max_steps"
    assert round(ended(0.002).loss) == 349
    for text in ("the run diverges within 8 steps", "after 724\nsteps at 0.00211", "1929"):
        assert text in lesson.body
    from gradtui.engine.training.loop import StepRecord

    run = task.playground().with_(lr=0.002).stepper().run()
    settled = [r.params["w"] for r in run if isinstance(r, StepRecord) and 40 <= r.step <= 60]
    assert all(abs(w - 2.7) < 0.07 for w in settled) and "settles near 2.7" in lesson.body


def test_the_readme_lesson_table_follows_the_lessons():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| ([^|]+) \|$", readme, flags=re.M)
    assert [(int(n), title.strip()) for n, title, _ in rows] == [
        (lesson.order, lesson.title) for lesson in SHIPPED
    ]
    said = {int(n): what for n, _, what in rows}
    assert "export" not in said[12]  # lesson 12's tasks: float64, then counting evaluations


def test_the_readme_example_is_a_valid_lesson():
    readme = (ROOT / "lessons" / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```markdown\n(.*?)```\n", readme, flags=re.S).group(1)
    lesson, problems = parse_lesson(example, "README example")
    assert problems == []
    assert verify_lesson(lesson) == []


def test_settings_cover_every_playground_field():
    assert set(SETTINGS) == set(Playground.field_names())


def test_loading_lessons_imports_neither_torch_nor_textual():
    code = (
        "import sys\n"
        "from gradtui.curriculum import load_lessons, shipped_lessons_dir\n"
        "from gradtui.curriculum import checks, commands, progress, schema\n"
        "from gradtui.engine.autograd import numeric\n"
        "lessons, problems = load_lessons([shipped_lessons_dir()])\n"
        "assert len(lessons) >= 9 and not problems\n"
        "print(sorted(m for m in ('torch', 'textual') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# --- broken lessons --------------------------------------------------------------------------


def test_broken_fixtures_report_file_and_line_and_the_good_one_loads():
    lessons, problems = load_lessons([BROKEN])
    assert [lesson.id for lesson in lessons] == ["good"]
    text = "\n".join(str(p) for p in problems)
    expected = [
        ("bad-toml.md", 9, "bad TOML"),
        ("unknown-check.md", 18, "unknown check kind 'grad_is_nice'"),
        ("missing-field.md", 6, "missing 'goal'"),
        ("hostile-expr.md", 12, "'fn' is not a usable expression"),
        ("binary.md", 3, "binary file"),
        ("not-utf8.md", 3, "not UTF-8"),
        ("duplicate-id.md", 2, "duplicate lesson id 'good'"),
        ("wrong-types.md", 4, "'order' must be an integer"),
        ("wrong-types.md", 5, "unknown key 'colour'"),
        ("wrong-types.md", 9, "'editable' names an unknown Playground field 'speed'"),
        ("wrong-types.md", 13, "'lr' must be a number"),
        ("wrong-types.md", 14, "unknown Playground field 'velocity'"),
        ("wrong-types.md", 22, "'steps' must be between 1 and 100,000"),
    ]
    for name, line, message in expected:
        assert f"{BROKEN / name}:{line}: {message}" in text, (name, text)
    assert all(re.match(r".+\.md:\d+: ", str(p)) for p in problems)


def test_one_unreadable_folder_does_not_stop_the_others(tmp_path):
    (tmp_path / "tiny.md").write_text(GOOD, encoding="utf-8")
    lessons, problems = load_lessons([tmp_path / "nowhere", tmp_path])
    assert [lesson.id for lesson in lessons] == ["tiny"]
    assert [str(p) for p in problems] == [f"{tmp_path / 'nowhere'}: no such folder"]


def test_duplicate_ids_across_folders_keep_the_first(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "one.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b" / "two.md").write_text(GOOD.replace('"Tiny"', '"Other"'), encoding="utf-8")
    lessons, problems = load_lessons([tmp_path / "a", tmp_path / "b"])
    assert [lesson.title for lesson in lessons] == ["Tiny"]
    assert str(problems[0]).startswith(f"{tmp_path / 'b' / 'two.md'}:2: duplicate lesson id")


def test_lessons_are_sorted_by_order_and_readmes_are_skipped(tmp_path):
    for name, order in (("a.md", 3), ("b.md", 1), ("c.md", 2)):
        text = GOOD.replace('id = "tiny"', f'id = "{name[0]}"').replace(
            "order = 1", f"order = {order}"
        )
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "README.md").write_text("# not a lesson\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored\n", encoding="utf-8")
    lessons, problems = load_lessons([str(tmp_path)])
    assert problems == []
    assert [lesson.id for lesson in lessons] == ["b", "c", "a"]


def test_a_file_over_the_size_cap_is_refused(tmp_path):
    path = tmp_path / "big.md"
    path.write_text(GOOD + "x" * MAX_FILE_BYTES, encoding="utf-8")
    lesson, problems = load_file(path)
    assert lesson is None
    assert str(problems[0]) == f"{path}:1: the file is over 256 KiB: too big for a lesson"


def test_control_characters_are_refused_with_their_line(tmp_path):
    path = tmp_path / "esc.md"
    path.write_text(GOOD.replace("# Tiny", "# \x1b[31mTiny"), encoding="utf-8")
    said = "esc.md:23: the control character U+001B (ESC) is not allowed"
    assert said in str(load_file(path)[1][0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# no front matter\n", "l.md:1: a lesson starts with a '+++' line"),
        ("+++\nid = 'x'\n", "l.md:1: the front matter is never closed"),
        (GOOD.replace("# Tiny\n", ""), "l.md:22: the lesson has no prose"),
        (GOOD.replace('fn = "x**2"', 'fn = "x**"'), "l.md:12: 'fn' is not a usable expression"),
        (GOOD.replace('start = "3."', 'start = "three"'), "l.md:13: 'start' is not a usable"),
        (GOOD.replace('start = "1."', "lr = 0.5"), "l.md:16: task 1: the solution sets 'lr'"),
        (GOOD.replace("value = 2.0", "value = 2.0\nspeed = 1"), "l.md:21: unknown grad_equals"),
        (GOOD.replace("value = 2.0\n", ""), "l.md:18: the grad_equals check needs 'value'"),
        (GOOD.replace('hints = ["Twice x."]', "hints = []"), "l.md:9: 'hints' must be a list"),
        (GOOD.replace('id = "tiny"', 'id = "Tiny Lesson"'), "l.md:2: 'id' must be lowercase"),
        (GOOD.replace("order = 1", "order = true"), "l.md:4: 'order' must be an integer"),
        (
            GOOD.replace('"x**2"', '"x**2"\nmode = "fit"'),
            "l.md:20: task 1: grad_equals checks mode",
        ),
        (GOOD.replace('kind = "grad_equals"', 'kind = "answer_is"'), "l.md:20: unknown answer_is"),
        (GOOD.replace("[tasks.check]", "[tasks.cheque]"), "l.md:6: missing 'check' table"),
        (
            GOOD.replace('kind = "grad_equals"\nvalue = 2.0', 'kind = "answer_near"\nvalue = 2.0'),
            "l.md:19: task 1: answer_near needs 'answer' in editable",
        ),
        (
            GOOD.replace('kind = "grad_equals"\nvalue = 2.0', FD_CHECK + 'difference = "back"'),
            "l.md:21: 'difference' must be one of forward, central, not 'back'",
        ),
    ],
)
def test_each_rule_reports_its_line(text, expected):
    assert any(p.startswith(expected) for p in problems_of(text)), problems_of(text)


ODD_VALUES = ["[1]", "{ a = 1 }", "true", "1.5", "-7", '"s"', '""', "1979-05-27", "[[1]]", "nan"]


def test_any_value_of_any_type_gives_problems_never_an_exception():
    lines = GOOD.splitlines()
    keyed = [i for i, line in enumerate(lines) if re.match(r"\w+ = ", line)]
    for i in keyed:
        for odd in ODD_VALUES:
            changed = [*lines[:i], f"{lines[i].split(' = ')[0]} = {odd}", *lines[i + 1 :]]
            lesson, problems = parse_lesson("\n".join(changed) + "\n", "l.md")
            assert (lesson is None) == bool(problems)
            assert all(p.line is not None and 1 <= p.line <= 21 for p in problems)


def test_every_problem_in_a_file_is_reported():
    text = GOOD.replace("order = 1", 'order = "1"').replace('"x**2"', '"x**2"\nzero = 1')
    text = text.replace('kind = "grad_equals"', 'kind = "nope"')
    found = problems_of(text)
    assert len(found) == 3 and [p.split(":")[1] for p in found] == ["4", "13", "20"]


def test_inline_tables_and_multiline_arrays_get_sensible_lines():
    toml = (
        'id = "x"\n'
        "[[tasks]]\n"
        "hints = [\n"
        '  "[not a table]",\n'
        "]\n"
        'check = { kind = "grad_equals", value = 1 }\n'
        "[[tasks]]\n"
        "[tasks.check]\n"
        'kind = "diverges"\n'
    )
    lines = KeyLines(toml, first_line=2)
    assert lines.line(("id",)) == 2
    assert lines.line(("tasks", 0, "hints", 1)) == 4
    assert lines.line(("tasks", 0, "check", "value")) == 7
    assert lines.line(("tasks", 1, "check", "kind")) == 10
    assert lines.line(("tasks", 1, "goal")) == 8
    assert lines.line(("nothing",)) == 2


# --- the commands ----------------------------------------------------------------------------


def test_check_dir_prints_problems_and_exits_2(capsys):
    assert check_dir(BROKEN, solve=False) == 2
    out = capsys.readouterr().out
    assert f"{BROKEN / 'unknown-check.md'}:18: unknown check kind" in out


def test_check_dir_on_a_clean_folder_exits_0(tmp_path, capsys):
    (tmp_path / "tiny.md").write_text(GOOD, encoding="utf-8")
    assert check_dir(tmp_path) == 0
    assert "1 lesson(s), 1 task(s): no problems" in capsys.readouterr().out


def test_check_dir_runs_the_checks(tmp_path, capsys):
    (tmp_path / "tiny.md").write_text(GOOD.replace('start = "1."', 'start = "5."'), "utf-8")
    assert check_dir(tmp_path) == 2
    out = capsys.readouterr().out
    assert "tiny.md:6: task 1: the reference solution does not pass" in out


def test_list_lessons_shows_progress(tmp_path, monkeypatch, capsys):
    from gradtui.curriculum.progress import ProgressStore

    monkeypatch.setenv("GRADTUI_DATA_HOME", str(tmp_path / "data"))
    store = ProgressStore()
    store.mark_solved("first-gradient", 0)
    store.mark_solved("seven-steps", 0)
    store.mark_solved("seven-steps", 1)
    store.set_current("first-gradient")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "tiny.md").write_text(GOOD.replace("order = 1", "order = 99"), "utf-8")
    assert list_lessons([tmp_path / "mine"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "  [x]  1. The seven steps  (2/2 tasks, seven-steps)"
    assert out[1] == "> [~]  2. Your first gradient  (1/2 tasks, first-gradient)"
    assert out[9] == "  [ ] 10. Pullover or dress? Real images  (0/2 tasks, pullover-vs-dress)"
    assert out[-1] == "  [ ] 99. Tiny  (0/1 tasks, tiny)"
