"""Statements and operators compiled as one closure keep every rule of the general ones.

The classic update (``p.data -= p.grad * lr``, ``x -= x.grad * lr``), a method of a name's
tensor attribute (``p.grad.zero_()``) and an operator of two operands (``xb @ weights``,
``1 - predictions``) each run as one closure that reads its operands and makes the
operators' checks itself. Here they must give what real Python and torch give (the tests'
reference), count each statement, stop at the same budget on the same line, point each
error at the same line and column, keep the same warnings and resets of ``.grad``; and
they must really be one closure (the general closures are not called), or they are gone.
"""

from __future__ import annotations

import sys
from textwrap import dedent

import pytest
from program_support import reference, same_error

from gradtui.cli.program import result_json
from gradtui.engine.program import Budgets, Run, compile_program
from gradtui.engine.program.run import run_program

PROGRAMS = {
    "the fastbook update on .data": """\
        torch.manual_seed(0)
        weights = torch.randn(6, 1).requires_grad_()
        bias = torch.zeros(1).requires_grad_()
        x = torch.randn(10, 6)
        lr = 0.5
        for i in range(3):
            loss = (x @ weights + bias).sigmoid().mean()
            loss.backward()
            for p in weights, bias:
                p.data -= p.grad * lr
                p.grad.zero_()
    """,
    "the seed's update under no_grad": """\
        x = torch.tensor(3.0).requires_grad_()
        for step in range(4):
            loss = x**2
            loss.backward()
            with torch.no_grad():
                x -= x.grad * 0.1
                x.grad.zero_()
    """,
    "other operators, a constant, a local, .grad itself": """\
        w = torch.ones(3).requires_grad_()
        (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
        def step(p, scale):
            p.data += p.grad / scale
            p.data *= p.grad - 1
            p.grad -= p.grad * 0.5
            return p.grad.abs()
        g = step(w, 4)
        q = torch.ones(2)
        q.data -= q.data * 2
    """,
    "numbers take Python's path": """\
        a = 10
        b = torch.tensor(2.0).requires_grad_()
        b.sum().backward()
        a -= b.grad * 3
    """,
    "operators of tensors and numbers": """\
        t = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
        u = torch.tensor([[0.5], [2.0]])
        r = t @ u, t + u, 1 - t, t == 2, u < t, t ** 2, (t @ u) * 2, 2.5 > t, t / (u + 1)
        s = 3 * 4, 7 // 2, 2 ** 10, 'ab' + 'c', 'x' * 3, [1] * 2, 3 < 4 <= 4
    """,
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_fused_closures_give_what_python_and_torch_give(name):
    text = dedent(PROGRAMS[name])
    run, result = run_program(text)
    ours, theirs = result_json(run, result), reference(text)
    assert ours["refused"] is None and ours["stopped"] is None, (ours["refused"], ours["stopped"])
    assert same_error(ours["error"], theirs["error"]), (ours["error"], theirs["error"])
    assert ours["variables"] == theirs["variables"]
    assert ours["grads"] == theirs["grads"]


def _error(text: str):
    _, result = run_program(dedent(text))
    assert result.status == "error", result
    return result.error


# (program, error type, line, the text the column points at, a piece of the message)
ERRORS = {
    "no .grad yet": (
        "p = torch.ones(2)\np.data -= p.grad * 0.1\n",
        "TypeError",
        2,
        "p.grad * 0.1",
        "unsupported operand",
    ),
    "a non-leaf's .grad": (
        "w = torch.ones(2).requires_grad_()\nh = w * 2\nh.sum().backward()\n"
        "h.data -= h.grad * 0.1\n",
        "TypeError",
        4,
        "h.grad * 0.1",
        "NoneType",
    ),
    "in place on a leaf without no_grad": (
        "x = torch.tensor(3.0).requires_grad_()\n(x * x).backward()\nx -= x.grad * 0.1\n",
        "RuntimeError",
        3,
        "x -= x.grad * 0.1",
        "leaf Variable that requires grad",
    ),
    "shapes that do not broadcast in place": (
        "p = torch.ones(3)\nq = torch.ones(2)\np.data -= q.data * 2\n",
        "RuntimeError",
        3,
        "p.data -= q.data * 2",
        "",
    ),
    "a holder that is not a tensor": (
        "p = 5\nq = torch.ones(2)\np.data -= q.grad * 2\n",
        "AttributeError",
        3,
        "p.data -= q.grad * 2",
        "'int' object has no attribute 'data'",
    ),
    "a .grad of what is not a tensor": (
        "p = torch.ones(2)\nq = [1]\np.data -= q.grad * 2\n",
        "AttributeError",
        3,
        "q.grad",
        "'list' object has no attribute 'grad'",
    ),
    "the rate not defined": (
        "p = torch.ones(2)\np.grad = torch.ones(2)\np.data -= p.grad * nope\n",
        "NameError",
        3,
        "nope",
        "'nope' is not defined",
    ),
    "the parameter not defined": ("nope.data -= nope.grad * 2\n", "NameError", 1, "nope", ""),
    "zeroing a .grad that is None": (
        "p = torch.ones(2)\np.grad.zero_()\n",
        "AttributeError",
        2,
        "p.grad.zero_()",
        "'NoneType' object has no attribute 'zero_'",
    ),
    "zeroing what is not a tensor's": (
        "p = 3\np.grad.zero_()\n",
        "AttributeError",
        2,
        "p.grad",
        "",
    ),
    "an operator of shapes that do not broadcast": (
        "a = torch.ones(3)\nb = torch.ones(2)\nc = 1 + (a - b)\n",
        "RuntimeError",
        3,
        "a - b",
        "",
    ),
    "'@' of shapes that do not fit": (
        "a = torch.ones(2, 3)\nc = a @ a\n",
        "RuntimeError",
        2,
        "a @ a",
        "",
    ),
}


@pytest.mark.parametrize(("text", "kind", "line", "at", "says"), ERRORS.values(), ids=ERRORS.keys())
def test_errors_inside_fused_closures_keep_their_line_column_and_message(
    text, kind, line, at, says
):
    error = _error(text)
    assert (error.type, error.line) == (kind, line), error
    assert error.column == text.split("\n")[line - 1].index(at) + 1, error
    assert says in error.message
    theirs = reference(text)["error"]
    assert (theirs["type"], theirs["line"], theirs["message"]) == (kind, line, error.message)


def test_a_non_leaf_grad_still_warns_once_from_a_fused_update():
    text = (
        "w = torch.ones(2).requires_grad_()\nh = w * 2\nh.sum().backward()\n"
        "h.data -= h.grad * 0.1\n"
    )
    _, result = run_program(text)
    assert result.status == "error"
    assert len(result.warnings) == 1 and result.warnings[0].startswith("line 4: UserWarning")


UPDATE_LOOP = """\
p = torch.zeros({size}).requires_grad_()
p.grad = torch.ones({size})
for i in range(1000):
    p.data -= p.grad * 0.5
    p.grad.zero_()
"""


@pytest.mark.parametrize("limit", [2, 3, 4, 5, 6, 9, 100])
def test_fused_statements_are_counted_one_by_one(limit):
    text = UPDATE_LOOP.format(size=3)
    result = Run(compile_program(text), budgets=Budgets(statements=limit)).run()
    assert result.status == "stopped" and result.stop.budget == "statements"
    assert result.statements == limit
    # statements 1 and 2 set p up; then each iteration is its header and two statements
    assert result.stop.line == [1, 2, 3, 4, 5][min(limit, 3 + (limit - 3) % 3) - 1]
    stepped = Run(compile_program(text), budgets=Budgets(statements=limit))
    steps = list(stepped.steps())
    assert stepped.result.statements == limit and steps[-1].line == result.stop.line


def test_a_fused_update_checks_the_broadcast_before_it_runs():
    text = "p = torch.zeros(40, 1)\nq = torch.ones(1, 40)\np.data -= q.data * 2\n"
    _, result = run_program(text, budgets=Budgets(tensor_elements=1000))
    assert result.status == "stopped" and result.stop.budget == "tensor_elements"
    assert result.stop.line == 3


def test_what_a_fused_update_makes_counts_against_live_elements():
    text = (
        "p = torch.zeros(5000)\np.grad = torch.ones(5000)\nkept = []\n"
        "for i in range(20):\n    p.data += p.grad * 2\n    kept.append(p.data)\n"
        "    q = torch.zeros(5000)\n    q -= p.grad * 2\n    kept.append(q)\n"
    )
    _, result = run_program(text, budgets=Budgets(live_elements=60_000))
    assert result.status == "stopped", result
    assert result.stop.budget == "live_elements" and result.stop.line in (5, 8)


@pytest.mark.parametrize(
    ("reset", "noted"),
    [
        ("p.grad.zero_()", False),
        ("p.grad *= 0", False),
        ("p.grad -= p.grad * 1", False),
        ("", True),
    ],
)
def test_fused_resets_of_grad_are_counted(reset, noted):
    text = (
        "w = torch.ones(3).requires_grad_()\nfor i in range(3):\n    loss = (w * 2).sum()\n"
        "    loss.backward()\n    for p in [w]:\n        p.data -= p.grad * 0.1\n"
        f"        {reset or 'pass'}\n"
    )
    _, result = run_program(text)
    assert result.status == "finished", result
    assert bool(result.notes) == noted


def _program_calls(text: str) -> dict[str, int]:
    """How often each of the subset's own functions was called while ``text`` ran."""
    program = compile_program(dedent(text))
    run = Run(program)
    calls: dict[str, int] = {}
    package = "gradtui/engine/program/"

    def profile(frame, event, arg):
        code = frame.f_code
        if event == "call" and package in code.co_filename.replace("\\", "/"):
            key = f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_qualname}"
            calls[key] = calls.get(key, 0) + 1

    sys.setprofile(profile)
    try:
        result = run.run()
    finally:
        sys.setprofile(None)
    assert result.status == "finished", result
    return calls


def test_the_update_and_the_reset_are_one_closure_each():
    calls = _program_calls(UPDATE_LOOP.format(size=3))
    assert calls["compile_update.py:_fused.<locals>.run"] == 1000  # p.data -= p.grad * 0.5
    assert calls["call_sites.py:_attribute_method.<locals>.run"] == 1000  # p.grad.zero_()
    general = [
        k for k in calls if k.startswith(("ops.py:binary", "compile_ops.py", "compile_expr"))
    ]
    assert general == []  # no operator, attribute or operand read by a closure of its own


def test_an_operator_of_tensors_is_one_closure():
    text = """\
        w = torch.ones(3, 1)
        x = torch.ones(4, 3)
        for i in range(50):
            y = 1 - (x @ w + x[0, 0])
    """
    calls = _program_calls(text)
    assert calls["compile_ops.py:operator.<locals>.run"] == 100  # '+' and '@': one each
    assert calls["compile_ops.py:_with_constant.<locals>.run"] == 50  # 1 - ...
    assert not [k for k in calls if k.startswith("ops.py:binary")]  # ops.binary's run not called


def test_a_training_batch_reads_its_names_in_place():
    text = """\
        w = torch.ones(3, 1).requires_grad_()
        params = [w]
        xs = torch.ones(4, 3)

        def model(x):
            return x @ w

        def loss_of(p, t):
            q = p.sigmoid()
            return (q - t).mean()

        for i in range(20):
            loss = loss_of(model(xs), 1)
            loss.backward()
            for p in params:
                p.data -= p.grad * 0.1
                p.grad.zero_()
    """
    calls = _program_calls(text)
    loaders = [k for k in calls if k.startswith("compile_names.py:global_loader")]
    assert sum(calls[k] for k in loaders) <= 2  # not params, loss or xs on every batch
    assert calls["interpreter.py:run_fast"] == 1  # the program's body: loss_of's runs itself
    assert "dispatch.py:iterate" not in calls  # a list and a range: Python's own iter()
    assert not [k for k in calls if k.startswith("compile_args.py:_one_name")]  # model(xs)
    assert calls["context.py:Context.after_backward"] == 1  # then counted in place


PLACES_IN_PLACE = {
    "a name to iterate not defined": ("for p in nope:\n    pass\n", "NameError", 1, "nope"),
    "a name to iterate that is not iterable": (
        "n = 5\nfor p in n:\n    pass\n",
        "TypeError",
        2,
        "for p in n:",
    ),
    "backward of a name not defined": ("nope.backward()\n", "NameError", 1, "nope"),
    "backward of what is not a tensor": (
        "loss = 3\nloss.backward()\n",
        "AttributeError",
        2,
        "loss.backward()",
    ),
    "a def's first statement": (
        "def f(a):\n    b = a / 0\n    return b\n\ny = f(1) + 1\n",
        "ZeroDivisionError",
        2,
        "a / 0",
    ),
    "the one argument not defined": (
        "def f(a):\n    return a\n\ny = f(nope) + 1\n",
        "NameError",
        4,
        "nope",
    ),
}


@pytest.mark.parametrize(
    ("text", "kind", "line", "at"), PLACES_IN_PLACE.values(), ids=PLACES_IN_PLACE.keys()
)
def test_names_read_in_place_keep_their_errors_place(text, kind, line, at):
    error = _error(text)
    assert (error.type, error.line) == (kind, line), error
    assert error.column == text.split("\n")[line - 1].index(at) + 1, error
    theirs = reference(text)["error"]
    assert (theirs["type"], theirs["line"], theirs["message"]) == (kind, line, error.message)


def test_backward_is_still_counted_for_the_pile_up_note():
    text = (
        "w = torch.ones(3).requires_grad_()\nfor i in range(4):\n    loss = (w * 2).sum()\n"
        "    loss.backward()\n"
    )
    _, result = run_program(text)
    (note,) = result.notes
    assert "backward() ran 4 times" in note
