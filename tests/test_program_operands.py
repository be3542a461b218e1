"""Closures specialised for what their text says keep Python's meaning and the learner's
places: an operator, a method, an attribute or a call whose operand is a name or a constant
reads it in place (``compile_names.Operand``); a for loop stores a plain name target and runs
its body itself; a ``def`` ending with ``return expr`` returns without a signal. Each program
here runs through the subset and through real Python and torch (the test's reference), and
each error must point at the same line and column as the general closures did."""

from __future__ import annotations

from textwrap import dedent

import pytest
from program_support import reference, same_error

from gradtui.cli.program import result_json
from gradtui.engine.program import Budgets, Run, compile_program
from gradtui.engine.program.run import run_program
from gradtui.engine.program.source import ProgramRefused

SNIPPETS = {
    "operators of every operand shape": """\
        a, b = 7, 2
        t = torch.tensor([1.0, 2.0, 3.0])
        u = torch.tensor([0.5, 0.5, 0.5])
        names = a * b, t + u, t @ u
        name_constant = a - 1, t * 2, t > 1.5
        constant_name = 10 - a, 1 - t, 2.0 < t
        expression_name = (a + 1) * b, (t * 2) - u, t.sum() > a
        name_expression = a ** (b + 1), u - (t * 3), a == (b + 5)
        expression_constant = (a + 1) // 2, (t + u) / 2
        constant_expression = 100 % (a + 2), 3 - (t + u)
        chained = 1 < a < 10, 1 < b < a < 3
    """,
    "names inside a function": """\
        w = torch.tensor([[2.0], [3.0]])
        c = torch.tensor([1.0])
        def f(x, k):
            y = x @ w + c
            z = k * y - k
            return (z > 0) == (y > k), z
        flags, zs = f(torch.tensor([[1.0, 1.0], [0.0, -1.0]]), 2)
    """,
    "the benchmark's linear model in small": """\
        torch.manual_seed(0)
        x = torch.rand(40, 5)
        y = (x.sum(dim=1, keepdim=True) > 2.5).float()
        dl = DataLoader(TensorDataset(x[:32], y[:32]), batch_size=8)
        valid_dl = DataLoader(TensorDataset(x[32:], y[32:]), batch_size=4)
        weights = (torch.randn(5, 1) * 0.01).requires_grad_()
        bias = torch.zeros(1).requires_grad_()

        def linear1(xb):
            return xb @ weights + bias

        def mnist_loss(predictions, targets):
            predictions = predictions.sigmoid()
            return torch.where(targets == 1, 1 - predictions, predictions).mean()

        def batch_accuracy(xb, yb):
            correct = (xb.sigmoid() > 0.5) == yb
            return correct.float().mean()

        def validate_epoch(model):
            accs = [batch_accuracy(model(xb), yb) for xb, yb in valid_dl]
            return round(torch.stack(accs).mean().item(), 4)

        lr = 1.0
        params = weights, bias
        seen = []
        for epoch in range(3):
            for xb, yb in dl:
                loss = mnist_loss(linear1(xb), yb)
                loss.backward()
                seen.append(loss.item())
                for p in params:
                    p.data -= p.grad * lr
                    p.grad.zero_()
            accuracy = validate_epoch(linear1)
    """,
    "returns: final, early, bare and none": """\
        def final(x):
            y = x + 1
            return y * 2

        def early(xs):
            for x in xs:
                if x > 2:
                    return x
            total = 0
            return total

        def bare(x):
            if x:
                return
            return x

        def nothing(x):
            y = x

        def nested(a, b=3):
            return final(a) + early([a, b])

        r = final(1), early([1, 5]), early([1]), bare(1), bare(0), nothing(2)
        s = nested(1), nested(b=1, a=4), nested(2, 7)
    """,
    "for targets: names, pairs, in a function": """\
        pairs = [(1, 2), (3, 4)]
        total = 0
        for a, b in pairs:
            total += a * b
        for i in range(3):
            last = i
        def f(rows):
            out = []
            for x, y in rows:
                out.append(x - y)
            for k in out:
                last = k
            return out, last
        got = f(pairs)
    """,
    "methods and attributes of names": """\
        w = torch.tensor([1.0, -2.0]).requires_grad_()
        loss = (w * w).sum()
        loss.backward()
        g = w.grad
        s = w.sigmoid()
        def step(p):
            p.data -= p.grad * 0.1
            p.grad.zero_()
            return p.abs()
        a = step(w)
        shape = w.shape
    """,
    "unpacking the wrong number of values": """\
        for a, b in [(1, 2, 3)]:
            pass
    """,
    "an operator on values that do not fit": """\
        a = 'text'
        b = 3
        c = a - b
    """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_specialised_closures_match_python(name):
    text = dedent(SNIPPETS[name])
    run, result = run_program(text)
    ours = result_json(run, result)
    theirs = reference(text)
    assert ours["refused"] is None and ours["stopped"] is None, (ours["refused"], ours["stopped"])
    assert same_error(ours["error"], theirs["error"]), (ours["error"], theirs["error"])
    assert ours["variables"] == theirs["variables"]
    assert ours["grads"] == theirs["grads"]
    assert ours["printed"] == theirs["printed"]


def test_the_loss_plot_keeps_every_loss_of_the_linear_model():
    text = dedent(SNIPPETS["the benchmark's linear model in small"])
    run, result = run_program(text)
    assert result.status == "finished", result
    assert len(result.losses) == 12  # 3 epochs of 4 batches
    assert result.losses == pytest.approx(run.globals["seen"])


def test_stepping_and_running_leave_the_same_variables():
    text = dedent(SNIPPETS["the benchmark's linear model in small"])
    ran = Run(compile_program(text))
    ran.run()
    stepped = Run(compile_program(text))
    steps = list(stepped.steps())
    assert stepped.result.status == "finished"
    assert {s.function for s in steps} >= {"", "mnist_loss", "validate_epoch"}
    assert ran.globals["weights"].tolist() == stepped.globals["weights"].tolist()
    assert ran.globals["bias"].tolist() == stepped.globals["bias"].tolist()
    assert ran.globals["accuracy"] == stepped.globals["accuracy"]
    assert ran.result.losses == stepped.result.losses


def _place(text: str) -> tuple[str, int, int]:
    _, result = run_program(dedent(text))
    assert result.status == "error", result
    return result.error.type, result.error.line, result.error.column


PLACES = {
    # (program, error type, line, the text the column points at on that line)
    "a name not defined, as an operand": ("x = 1\ny = x + nope\n", "NameError", 2, "nope"),
    "a name not defined, first operand": ("y = nope * 2\n", "NameError", 1, "nope"),
    "a local read before it is assigned": (
        "def f():\n    y = x * 2\n    x = 1\n\nf()\n",
        "UnboundLocalError",
        2,
        "x * 2",
    ),
    "an operator of two names": ("a = 'a'\nb = 2\nc = [a - b]\n", "TypeError", 3, "a - b"),
    "an operator of a name and a constant": ("a = 'a'\nc = (a - 1)\n", "TypeError", 2, "a - 1"),
    "a method of a name": ("x = 5\ny = x.sigmoid()\n", "AttributeError", 2, "x.sigmoid()"),
    "an attribute of a name": ("x = 5\ny = x.grad\n", "AttributeError", 2, "x.grad"),
    "a function's name not defined": ("loss = nope(1)\n", "NameError", 1, "nope"),
    "an argument not defined": (
        "def f(a, b):\n    return a\n\ny = f(1, nope)\n",
        "NameError",
        4,
        "nope",
    ),
    "a closing return": (
        "def f(a):\n    b = a\n    return b / 0\n\ny = f(1)\n",
        "ZeroDivisionError",
        3,
        "b / 0",
    ),
    "'-=' on a name's attribute": (
        "p = torch.ones(2)\np.data -= torch.ones(3)\n",
        "RuntimeError",
        2,
        "p.data -= torch.ones(3)",
    ),
}


@pytest.mark.parametrize(("text", "kind", "line", "at"), PLACES.values(), ids=PLACES.keys())
def test_errors_in_specialised_closures_keep_their_line_and_column(text, kind, line, at):
    got_kind, got_line, column = _place(text)
    assert (got_kind, got_line) == (kind, line)
    assert column == text.split("\n")[line - 1].index(at) + 1


def test_a_function_that_fails_names_its_call():
    _, result = run_program("def f(a):\n    return a / 0\n\ny = f(1) + 1\n")
    assert result.error.type == "ZeroDivisionError" and result.error.line == 2
    assert result.error.stack == (("f", 4),)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("x = ___\n", 5),  # a lesson's blank
        ("y = ｘ + 1\n", 5),  # a letter Python would read as 'x'
        ("x = '___ and é'\n", None),  # in a string: neither is a name
        ("# café ___\nx = 1\n", None),  # in a comment
    ],
)
def test_names_are_still_read_for_blanks_and_odd_letters(text, column):
    try:
        compile_program(text)
    except ProgramRefused as error:
        assert (error.line, error.column) == (1, column), error
    else:
        assert column is None


def test_each_run_sees_torch_warnings_again():
    text = "w = torch.ones(2, requires_grad=True)\nh = w * 2\ng = h.grad\n"
    program = compile_program(text)
    for _ in range(2):
        result = Run(program).run()
        assert len(result.warnings) == 1 and result.warnings[0].startswith("line 3: UserWarning")


@pytest.mark.parametrize("call", ["y = f(1)", "y = f(1) + 1"])  # stepped into, or not
@pytest.mark.parametrize(("limit", "line"), [(2, 2), (3, 3), (4, 5)])
def test_the_statements_budget_stops_on_a_closing_return_as_on_any_line(call, limit, line):
    text = f"def f(a):\n    b = a\n    return b\n\n{call}\n"
    result = Run(compile_program(text), budgets=Budgets(statements=limit)).run()
    assert result.status == "stopped" and result.stop.budget == "statements"
    assert (result.statements, result.stop.line) == (limit, line)
    stepped = Run(compile_program(text), budgets=Budgets(statements=limit))
    list(stepped.steps())
    assert (stepped.result.statements, stepped.result.stop.line) == (limit, line)
