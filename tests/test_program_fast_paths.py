"""The subset's fast paths keep every budget and rule of the general ones: the statements
budget stops at the same statement however the checks are batched, time and cancel are read
every CHECK_EVERY + 1 statements, and the calls and operators compiled for their common case
(a tensor method without a size rule, '@' of two matrices, element-wise operators, '-=' on
.data, Python's own for loop) still count their results, check sizes before they are made,
count the resets of .grad and point errors at their place."""

from __future__ import annotations

import pytest

from gradtui.engine.program import Budgets, Run, compile_program
from gradtui.engine.program import budgets as budgets_module
from gradtui.engine.program.run import run_program

ENDLESS = {
    "a plain loop": "while True:\n    x = 1\n",
    "a function called": "def f(n):\n    y = n\n    return n\n\nwhile True:\n    f(1)\n",
    "a function in an expression": "def f(n):\n    return n\n\nwhile True:\n    x = f(1) + 1\n",
    "a for loop": "for i in range(10**9):\n    x = i\n",
    "a comprehension": "while True:\n    L = [i for i in range(5)]\n",
}
LIMITS = [1, 2, 7, 8, 9, 63, 64, 65, 255, 256, 257, 1000]


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("text", ENDLESS.values(), ids=ENDLESS.keys())
def test_the_statements_budget_stops_at_its_exact_count(text, limit):
    budgets = Budgets(statements=limit)
    result = Run(compile_program(text), budgets=budgets).run()
    assert result.status == "stopped" and result.stop.budget == "statements"
    assert result.statements == limit

    run = Run(compile_program(text), budgets=budgets)
    steps = list(run.steps())  # the stepping path counts through Meter.tick
    assert run.result.stop.budget == "statements" and run.result.statements == limit
    assert steps[-1].statements == limit


def test_time_and_cancel_are_read_every_few_statements(monkeypatch):
    readings = []

    def clock() -> float:
        readings.append(len(readings))
        return 0.0

    monkeypatch.setattr(budgets_module.time, "monotonic", clock)
    result = Run(compile_program("for i in range(1000):\n    x = i\n")).run()
    assert result.status == "finished" and result.statements == 2000
    every = budgets_module.CHECK_EVERY + 1
    checks = result.statements // every  # one reading each
    assert checks <= len(readings) <= checks + 3  # and the meter's start, resume and pause


def test_a_slow_clock_stops_the_run_at_the_next_check(monkeypatch):
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0  # every reading a second later
        return now[0]

    monkeypatch.setattr(budgets_module.time, "monotonic", clock)
    result = Run(compile_program("while True:\n    pass\n"), budgets=Budgets(seconds=5)).run()
    assert result.status == "stopped" and result.stop.budget == "seconds"
    assert result.statements % (budgets_module.CHECK_EVERY + 1) == 0


METHOD_RESULTS = {
    "no argument": "x.exp()",
    "one tensor": "x.maximum(x)",
    "a number": "x.pow(2)",
    "a keyword": "x.softmax(dim=0)",
    "an operator": "x + x",
    "a number operand": "x * 2",
    "a broadcast": "torch.zeros(100, 1) + torch.zeros(1, 50)",
    "'@'": "torch.ones(100, 1) @ torch.ones(1, 50)",
    "a comparison": "x > 0",
    "an allowed function": "torch.where(x > 0, x, x)",
}


@pytest.mark.parametrize("made", METHOD_RESULTS.values(), ids=METHOD_RESULTS.keys())
def test_results_of_the_fast_paths_count_against_live_elements(made):
    text = f"x = torch.zeros(5000)\nkept = []\nfor i in range(30):\n    kept.append({made})\n"
    _, result = run_program(text, budgets=Budgets(live_elements=60_000))
    assert result.status == "stopped", result
    assert result.stop.budget == "live_elements" and result.stop.line == 4


SIZES_FIRST = {
    "a method's broadcast": (
        "a = torch.zeros(40, 1)\nb = a.maximum(torch.zeros(1, 40))\n",
        "tensor_elements",
    ),
    "'@' of two matrices": (
        "a = torch.zeros(40, 1)\nb = a @ torch.zeros(1, 40)\n",
        "tensor_elements",
    ),
    "the work of '@'": ("a = torch.ones(30, 30)\nb = a @ a\n", "matmul_work"),
    "an operator's broadcast": (
        "a = torch.zeros(40, 1)\nb = a - torch.zeros(1, 40)\n",
        "tensor_elements",
    ),
    "'-=' on .data": ("a = torch.zeros(40, 1)\na.data -= torch.zeros(1, 40)\n", "tensor_elements"),
}


@pytest.mark.parametrize(("text", "budget"), SIZES_FIRST.values(), ids=SIZES_FIRST.keys())
def test_sizes_are_checked_before_the_fast_paths_make_a_tensor(text, budget):
    _, result = run_program(text, budgets=Budgets(tensor_elements=1000, matmul_work=10_000))
    assert result.status == "stopped", result
    assert result.stop.budget == budget and result.stop.line == 2


def test_a_method_the_value_lacks_or_the_subset_refuses_says_so():
    _, result = run_program("x = 5\ny = x.sigmoid()\n")
    assert result.status == "error" and result.error.type == "AttributeError"
    assert result.error.line == 2
    _, result = run_program("x = torch.ones(3)\ny = x.sigmoid(dim=0)\n")
    assert result.status == "refused" and "keywords allowed" in result.refused.message
    _, result = run_program("L = []\nL.append(1)\nL.append(2)\nprint(L)\n")
    assert result.printed == ("[1, 2]",)


PILE_UP = """\
w = torch.ones(3).requires_grad_()
for i in range(3):
    loss = (w * 2).sum()
    loss.backward()
    with torch.no_grad():
        w -= w.grad * 0.1
{reset}
"""


@pytest.mark.parametrize(
    "reset", ["", "        w.grad.zero_()", "        w.grad *= 0", "        w.grad = None"]
)
def test_backward_and_grad_resets_are_counted_on_the_fast_paths(reset):
    _, result = run_program(PILE_UP.format(reset=reset))
    assert result.status == "finished", result
    if reset:
        assert result.notes == ()
    else:
        (note,) = result.notes
        assert "backward() ran 3 times" in note


LOOP_ERRORS = {
    "unpacking an item": ("for a, b in [1, 2]:\n    pass\n", 1, "TypeError"),
    "what is not iterable": ("for a in 5:\n    pass\n", 1, "TypeError"),
    "the body": ("for i in range(3):\n    y = 1\n    z = y / 0\n", 3, "ZeroDivisionError"),
    "a nested body": (
        "for i in range(3):\n    for j in range(2):\n        z = j / 0\n",
        3,
        "ZeroDivisionError",
    ),
    "a function's loop": (
        "def f():\n    for i in range(2):\n        q = i.grad\n\nf()\n",
        3,
        "AttributeError",
    ),
}


@pytest.mark.parametrize(("text", "line", "kind"), LOOP_ERRORS.values(), ids=LOOP_ERRORS.keys())
def test_errors_in_a_for_loop_keep_their_line(text, line, kind):
    _, result = run_program(text)
    assert result.status == "error", result
    assert result.error.type == kind and result.error.line == line


def test_for_loops_break_continue_and_return_as_python_does():
    text = (
        "def first_big(values):\n"
        "    for v in values:\n"
        "        if v < 3:\n"
        "            continue\n"
        "        return v\n"
        "    return None\n"
        "\n"
        "found = []\n"
        "for i in range(10):\n"
        "    if i == 4:\n"
        "        break\n"
        "    found.append(first_big([i, i + 1, i + 2, i + 3]))\n"
        "print(found, first_big([1, 2]))\n"
    )
    _, result = run_program(text)
    assert result.status == "finished", result
    assert result.printed == ("[3, 3, 3, 3] None",)
