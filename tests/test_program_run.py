"""Running a program step by step: the steps and their kinds, the moment between two steps,
grad mode kept per step, cancel, budgets (each stop names its budget), refusals and their
carets, warnings kept in the run, and gradtui's DataLoader against torch's."""

from __future__ import annotations

import threading
from textwrap import dedent

import pytest
import torch
import torch.utils.data as torch_data

from gradtui.engine.program import Budgets, DataLoader, Run, TensorDataset, compile_program
from gradtui.engine.program import budgets as budgets_module
from gradtui.engine.program.errors import render_refusal
from gradtui.engine.program.run import run_program

SEED = dedent(
    """\
    import torch


    def f(x):
        return x**2


    x = torch.tensor(3.0).requires_grad_()
    lr = 0.1
    for step in range(3):
        loss = f(x)
        loss.backward()
        with torch.no_grad():
            x -= x.grad * lr
            x.grad.zero_()
        if loss < 0.01:
            break
    print("done", x.item())
    """
)


def _steps(text: str, **kwargs):
    run = Run(compile_program(text), **kwargs)
    return run, list(run.steps())


def test_steps_name_the_seven_steps_of_the_seed_loop():
    run, steps = _steps(SEED)
    first_iteration = [(s.line, s.kind, s.phases, s.function) for s in steps[:13]]
    assert first_iteration == [
        (1, "other", (), ""),  # import torch
        (4, "other", (), ""),  # def f
        (8, "init", (1,), ""),  # x = tensor(3.).requires_grad_()
        (9, "other", (), ""),  # lr = 0.1
        (10, "repeat", (6,), ""),  # for step in range(3)
        (5, "predict", (2,), "f"),  # return x**2, stepped into
        (11, "loss", (2, 3), ""),  # loss = f(x)
        (12, "gradient", (4,), ""),  # loss.backward()
        (13, "step", (5,), ""),  # with torch.no_grad():
        (14, "step", (5,), ""),  # x -= x.grad * lr
        (15, "step", (5,), ""),  # x.grad.zero_()
        (16, "other", (), ""),  # if loss < 0.01
        (10, "repeat", (6,), ""),  # the next iteration
    ]
    assert steps[-1].kind == "end" and steps[-1].phases == (7,)
    assert run.result.status == "finished"
    assert run.result.printed == (f"done {run.globals['x'].item()}",)
    assert [s.statements for s in steps[:-1]] == list(range(1, len(steps)))


def test_break_is_the_stop_step():
    text = "for i in range(10):\n    if i == 2:\n        break\n"
    _, steps = _steps(text)
    (stop,) = [s for s in steps[:-1] if s.line == 3]
    assert stop.kind == "stop" and stop.phases == (7,)


def test_the_moment_shows_what_torch_holds():
    run = Run(compile_program(SEED))
    steps = run.steps()  # kept: a closed generator ends the run
    for step in steps:
        if step.kind == "gradient":
            break
    moment = run.moment()
    assert moment.line == 12 and moment.kind == "gradient" and moment.status == "running"
    views = {v.name: v for v in moment.variables}
    assert list(views) == ["f", "x", "lr", "step", "loss"]  # torch, the module, is not listed
    x = views["x"].tensor
    assert x.requires_grad and x.is_leaf and x.grad_fn is None and x.values == 3.0
    assert x.grad.values == 6.0 and x.grad.text == repr(run.globals["x"].grad)
    loss = views["loss"].tensor
    assert (
        loss.grad_fn == "PowBackward0"
        and loss.grad is None
        and loss.text == repr(run.globals["loss"])
    )
    assert views["lr"].kind == "number" and views["f"].kind == "function"
    assert moment.losses == (9.0,)
    assert moment.locals == () and moment.function == ""


def test_the_moment_inside_a_function_has_its_locals():
    run = Run(compile_program(SEED))
    steps = run.steps()
    for step in steps:
        if step.function == "f":
            break
    moment = run.moment()
    assert moment.function == "f" and moment.line == 5
    assert [v.name for v in moment.locals] == ["x"]


def test_grad_mode_is_the_callers_between_steps():
    run = Run(compile_program(SEED))
    inside = []
    for step in run.steps():
        if step.line in (14, 15):
            inside.append(torch.is_grad_enabled())
    assert inside and all(inside)  # the caller's mode, though the lines ran under no_grad
    assert run.result.status == "finished"
    assert run.globals["x"].is_leaf and run.globals["x"].grad_fn is None


def test_an_error_ends_the_steps_with_its_line():
    run, steps = _steps("import torch\nx = torch.ones(2)\ny = x @ torch.ones(3)\n")
    assert steps[-1].kind == "error" and steps[-1].line == 3
    assert run.result.error.type == "RuntimeError"
    assert run.moment().status == "error"


def test_cancel_stops_at_once():
    run = Run(compile_program("while True:\n    pass\n"))
    for seen, _ in enumerate(run.steps(), 1):
        if seen == 100:
            run.cancel()
        assert seen < 100 + budgets_module.CHECK_EVERY + 3
    assert run.result.status == "stopped" and run.result.stop.budget == "cancelled"


def test_cancel_from_another_thread_stops_a_whole_run():
    cancel = threading.Event()
    run = Run(compile_program("while True:\n    pass\n"), cancel=cancel)

    def stop_when_running() -> None:
        while run.meter.statements < 1000:  # wait for a condition, not for a time
            pass
        cancel.set()

    helper = threading.Thread(target=stop_when_running)
    helper.start()
    result = run.run()
    helper.join()
    assert result.status == "stopped" and result.stop.budget == "cancelled"
    assert result.statements < Budgets().statements


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.step = 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_time_counts_only_while_running(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(budgets_module.time, "monotonic", clock)
    run = Run(compile_program("for i in range(200):\n    pass\n"), budgets=Budgets(seconds=5))
    for _ in run.steps():
        clock.now += 1000.0  # paused between steps: a long time, not counted
    assert run.result.status == "finished"

    clock.step = 1.0  # now each reading of the clock while running is a second later
    run = Run(compile_program("for i in range(200):\n    pass\n"), budgets=Budgets(seconds=5))
    result = run.run()
    assert result.status == "stopped" and result.stop.budget == "seconds"
    assert "budget 'seconds'" in result.stop.message


BUDGET_PROGRAMS = [
    ("statements", {"statements": 50}, "for i in range(100):\n    pass\n"),
    ("tensor_elements", {"tensor_elements": 1000}, "x = torch.zeros(2000)\n"),
    ("tensor_elements", {"tensor_elements": 1000}, "x = torch.zeros(40, 1) + torch.zeros(1, 40)\n"),
    (
        "live_elements",
        {"live_elements": 50_000},
        "kept = []\nfor i in range(20):\n    kept.append(torch.zeros(5000))\n",
    ),
    ("matmul_work", {"matmul_work": 10_000}, "a = torch.ones(30, 30)\nb = a @ a\n"),
    ("call_depth", {"call_depth": 5}, "def f(n):\n    return f(n + 1)\n\nf(0)\n"),
    ("printed_lines", {"printed_lines": 3}, "for i in range(10):\n    print(i)\n"),
    ("printed_chars", {"printed_chars": 10}, "print('abcdefghijklmnop')\n"),
    ("list_items", {"list_items": 10}, "L = [0] * 11\n"),
    ("items_made", {"items_made": 100}, "L = []\nfor i in range(30):\n    L.append([0] * 5)\n"),
    ("number_bits", {"number_bits": 100}, "n = 2 ** 200\n"),
]


@pytest.mark.parametrize(("budget", "limits", "text"), BUDGET_PROGRAMS, ids=lambda v: str(v)[:20])
def test_each_budget_stops_with_its_name(budget, limits, text):
    run, result = run_program(text, budgets=Budgets().with_(**limits))
    assert result.status == "stopped", result
    assert result.stop.budget == budget
    assert f"budget '{budget}'" in result.stop.message
    assert result.stop.line >= 1
    assert result.stop.render().startswith(f"Stopped on line {result.stop.line}:")


def test_memory_growth_stops_the_run(monkeypatch):
    # The process's memory as the meter reads it: 100 MB more at each reading.
    readings = iter(range(100, 100_000, 100))
    monkeypatch.setattr(budgets_module, "memory_mb", lambda: float(next(readings)))
    text = "kept = []\nfor i in range(1000):\n    kept.append(torch.zeros(1048576))\n"
    _, result = run_program(text, budgets=Budgets(memory_mb=250, live_elements=1 << 40))
    assert result.status == "stopped" and result.stop.budget == "memory_mb"
    assert "grew by more than 250 MB" in result.stop.message


def test_live_elements_are_given_back_when_tensors_go():
    text = "for i in range(50):\n    x = torch.zeros(5000)\n"
    _, result = run_program(text, budgets=Budgets(live_elements=12_000))
    assert result.status == "finished"


def test_printed_output_is_kept_up_to_the_budget():
    _, result = run_program("for i in range(10):\n    print(i)\n", budgets=Budgets(printed_lines=3))
    assert result.printed == ("0", "1", "2")


def test_a_refusal_points_at_the_refused_part():
    text = 's = "héhé"; x = torch.zeros(2); y = x.numpy()\n'
    program_text = "import torch\n" + text
    _, result = run_program(program_text)
    refused = result.refused
    assert result.status == "refused" and refused.line == 2
    assert refused.column == text.index("numpy") + 1  # characters, not UTF-8 bytes
    assert refused.span == len("numpy")
    shown = render_refusal(refused)
    code, marks = shown.split("\n")[1:3]
    assert code.endswith('s = "h?h?"; x = torch.zeros(2); y = x.numpy()')
    assert marks.index("^") == code.index("numpy") and marks.count("^") == 5
    assert "use .tolist() or .item()" in refused.message


def test_nothing_runs_before_a_refusal():
    _, result = run_program("print('hello')\nimport os\n")
    assert result.status == "refused" and result.printed == ()
    assert result.refused.line == 2 and "allowed imports" in result.refused.message


def test_a_refusal_at_run_time_has_its_line():
    text = "x = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\ng = y.grad_fn\nz = g(1)\n"
    _, result = run_program(text)
    assert result.status == "refused" and result.refused.line == 4


def test_a_run_runs_once():
    run = Run(compile_program("x = 1\n"))
    run.run()
    with pytest.raises(RuntimeError):
        run.run()


def test_torch_warnings_stay_in_the_run(capfd):
    text = "w = torch.ones(2, requires_grad=True)\nh = w * 2\nh.sum().backward()\ng = h.grad\n"
    program = compile_program(text)
    for _ in range(2):  # shown each run, not once per process
        result = Run(program).run()
        assert result.status == "finished"
        (warning,) = result.warnings
        assert warning.startswith("line 4: UserWarning: The .grad attribute of a Tensor")
        assert "Triggered internally" not in warning
    assert capfd.readouterr().err == ""


def test_the_error_as_shown_has_the_line_carets_and_explanation():
    _, result = run_program("x = torch.tensor(3)\nx.requires_grad_()\n")
    shown = result.error.render()
    assert shown.splitlines() == [
        "Error on line 2:",
        "   2 | x.requires_grad_()",
        "     | ^^^^^^^^^^^^^^^^^^",
        "RuntimeError: only Tensors of floating point dtype can require gradients",
        "What it means: gradients need floating-point numbers, but this tensor holds whole "
        "numbers (torch.tensor(3) makes integers). Write 3. or 3.0, or add dtype=torch.float32.",
    ]


def test_an_error_inside_a_function_names_the_call():
    text = "def step(p):\n    p -= 1\n\n\nx = torch.ones(2, requires_grad=True)\nstep(x)\n"
    _, result = run_program(text)
    assert result.error.line == 2 and result.error.stack == (("step", 6),)
    assert result.error.render().startswith("Error on line 2 (in step, called on line 6):")


def _batches(loader):
    return [[t.clone() for t in batch] for batch in loader]


@pytest.mark.parametrize("shuffle", [False, True])
def test_data_loader_gives_torchs_batches_and_random_numbers(shuffle):
    x, y = torch.randn(10, 3), torch.arange(10)
    ours = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=shuffle)
    theirs = torch_data.DataLoader(torch_data.TensorDataset(x, y), batch_size=4, shuffle=shuffle)
    torch.manual_seed(5)
    mine, after_mine = _batches(ours), torch.randn(3)
    torch.manual_seed(5)
    torchs, after_torchs = _batches(theirs), torch.randn(3)
    assert len(mine) == len(torchs) == len(ours) == len(theirs) == 3
    for a, b in zip(mine, torchs, strict=True):
        assert all(torch.equal(p, q) for p, q in zip(a, b, strict=True))
    assert torch.equal(after_mine, after_torchs)


def test_data_loader_collates_lists_of_pairs_as_torch_does():
    rows = [(torch.tensor([float(i), 1.0]), i % 2) for i in range(7)]
    for drop_last in (False, True):
        ours = list(DataLoader(rows, batch_size=3, drop_last=drop_last))
        theirs = list(torch_data.DataLoader(rows, batch_size=3, drop_last=drop_last))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert type(a) is type(b) is list
            assert all(torch.equal(p, q) and p.dtype == q.dtype for p, q in zip(a, b, strict=True))


def test_a_lesson_loader_with_a_seed_ignores_the_programs_random_draws():
    x = torch.arange(20.0)
    first = [b.tolist() for b in DataLoader(x, batch_size=5, shuffle=True, seed=1)]
    torch.manual_seed(123)
    second = [b.tolist() for b in DataLoader(x, batch_size=5, shuffle=True, seed=1)]
    assert first == second and sorted(sum(first, [])) == x.tolist()


def test_a_program_gets_the_lessons_inputs():
    x = torch.linspace(-1, 1, 8).unsqueeze(1)
    dl = DataLoader(TensorDataset(x, 2 * x), batch_size=4)
    text = "total = 0\nfor xb, yb in dl:\n    total += (yb - 2 * xb).abs().sum().item()\n"
    run = Run(compile_program(text, ["dl"]), {"dl": dl})
    assert run.run().status == "finished" and run.globals["total"] == 0


def test_stopping_the_steps_early_ends_the_run_as_cancelled():
    run = Run(compile_program(SEED))
    steps = run.steps()
    for step in steps:
        if step.line == 14:  # inside torch.no_grad()
            break
    steps.close()
    assert run.result.status == "stopped" and run.result.stop.budget == "cancelled"
    assert torch.is_grad_enabled()
