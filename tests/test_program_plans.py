"""The loops that run a training loop's statements read them from plans, and keep every rule.

A ``for`` loop's body and a ``def`` function's statements before its closing ``return`` run
from a tuple of (the statement's closure, its line, the statement) made when compiling; each
statement holds whether it is simple as its own attribute; a statement that stores ``loss``
keeps the loss for the plot itself. Python 3.11 looks a closure kept on an object up in full
on each call (and a class attribute read through an instance), so these are what the loops
read instead. Here: the plans are what the statements say, the run to the end (which reads
the plans) stops each budget on the statement that stepping (which does not) stops it on,
errors and warnings keep their lines, and the loss plot gets what ``record_loss`` gives.
"""

from __future__ import annotations

from textwrap import dedent

import pytest

from gradtui.engine.program import Budgets, Run, compile_program
from gradtui.engine.program.context import Context
from gradtui.engine.program.run import run_program
from gradtui.engine.program.statements import For
from gradtui.engine.program.values import UserFunction

TRAINING = dedent(
    """\
    torch.manual_seed(0)
    weights = torch.randn(5, 1).requires_grad_()
    bias = torch.zeros(1).requires_grad_()
    xs = torch.randn(12, 5)
    ys = (torch.randn(12, 1) > 0).float()
    def linear1(xb):
        return xb @ weights + bias
    def mnist_loss(predictions, targets):
        predictions = predictions.sigmoid()
        scale = 1
        return torch.where(targets == 1, 1 - predictions, predictions).mean() * scale
    for epoch in range(3):
        for i in range(3):
            xb = xs[i * 4 : i * 4 + 4]
            loss = mnist_loss(linear1(xb), ys[i * 4 : i * 4 + 4])
            loss.backward()
            for p in weights, bias:
                p.data -= p.grad * 0.5
                p.grad.zero_()
    """
)


def _statements(body):
    for stmt in body:
        yield stmt
        for part in ("body", "orelse"):
            yield from _statements(getattr(stmt, part, ()))


def test_every_statement_holds_whether_it_is_simple_itself():
    statements = list(_statements(compile_program(TRAINING).body))
    assert len(statements) > 10
    for stmt in statements:
        assert vars(stmt)["simple"] is type(stmt).simple, stmt
        assert stmt.simple is (not hasattr(stmt, "run")), stmt


def test_a_for_loops_plan_is_its_body():
    loops = [s for s in _statements(compile_program(TRAINING).body) if isinstance(s, For)]
    assert len(loops) == 3
    for loop in loops:
        expected = tuple((s.exec if s.simple else None, s.line, s) for s in loop.body)
        assert loop.plan == expected
        assert len(loop.plan) == len(loop.body) and all(
            s is p[2] for s, p in zip(loop.body, loop.plan, strict=True)
        )


def test_a_functions_plan_and_closing_return_are_its_body():
    run = Run(compile_program(TRAINING))
    assert run.run().status == "finished"
    loss_fn, model = run.globals["mnist_loss"], run.globals["linear1"]
    assert isinstance(loss_fn, UserFunction) and loss_fn.straight
    assert [line for _, line, _ in loss_fn.plan] == [9, 10]
    assert [stmt for _, _, stmt in loss_fn.plan] == list(loss_fn.leading)
    assert loss_fn.returns is loss_fn.final_return.value and loss_fn.return_line == 11
    assert model.plan == () and model.return_line == 7 and model.returns is not None


def _steps_stop(text: str, budgets: Budgets) -> tuple[str, int, int]:
    run = Run(compile_program(text), budgets=budgets)
    *_, last = run.steps()
    stop = run.result.stop
    return run.result.status, stop.line if stop else last.line, run.result.statements


def _run_stop(text: str, budgets: Budgets) -> tuple[str, int, int]:
    _, result = run_program(text, budgets=budgets)
    return result.status, result.stop.line if result.stop else 0, result.statements


def test_the_statements_budget_stops_on_the_same_statement_as_stepping():
    total = Run(compile_program(TRAINING)).run().statements
    # the budget runs out on every statement of the first epoch, and a few later
    for limit in [*range(1, 60), total - 1]:
        budgets = Budgets(statements=limit)
        stepped, ran = _steps_stop(TRAINING, budgets), _run_stop(TRAINING, budgets)
        assert ran == stepped, limit
        assert ran[0] == "stopped" and ran[2] == limit


def test_errors_in_a_loops_body_and_a_functions_statements_keep_their_lines():
    broken = {
        "in a loop's body": TRAINING.replace("p.grad.zero_()", "p.grad.zero_(1)"),
        "in a function's statement": TRAINING.replace("scale = 1", "scale = nope"),
        "in a closing return": TRAINING.replace("* scale", "* nope"),
        "a loop's statement after a call": TRAINING.replace("loss.backward()", "ys.backward()"),
    }
    lines = {
        "in a loop's body": 19,
        "in a function's statement": 10,
        "in a closing return": 11,
        "a loop's statement after a call": 16,
    }
    for name, text in broken.items():
        _, result = run_program(text)
        run = Run(compile_program(text))
        *_, last = run.steps()
        assert result.status == run.result.status == "error", name
        assert result.error.line == run.result.error.line == last.line == lines[name], name
        assert result.error.column == run.result.error.column, name
        assert result.error.message == run.result.error.message, name


def test_a_warning_in_a_loops_body_names_its_line():
    text = dedent(
        """\
        w = torch.ones(2).requires_grad_()
        for i in range(3):
            h = w * 2
            g = h.grad
        """
    )
    _, result = run_program(text)
    assert result.status == "finished"
    assert len(result.warnings) == 1 and result.warnings[0].startswith("line 4: UserWarning")


LOSSES = {
    "a one-number tensor": ("loss = torch.tensor(2.5).requires_grad_() * 2", [5.0]),
    "an int tensor": ("loss = torch.tensor(3)", [3.0]),
    "a parameter": ("loss = torch.nn.Parameter(torch.tensor(1.5))", [1.5]),
    "a number": ("loss = 0.25", [0.25]),
    "a tensor of two numbers": ("loss = torch.ones(2)", []),
    "a text": ("loss = 'low'", []),
}


@pytest.mark.parametrize(("line", "kept"), LOSSES.values(), ids=LOSSES.keys())
def test_the_loss_kept_for_the_plot_is_what_record_loss_keeps(line, kept):
    text = f"{line}\n"
    _, result = run_program(text)
    assert result.status == "finished"
    assert list(result.losses) == kept
    run = Run(compile_program(text))
    run.run()
    reference = Context(run.meter, {}, {})
    reference.record_loss(run.globals["loss"])
    assert list(reference.losses) == kept


def test_a_one_number_loss_is_kept_without_record_loss(monkeypatch):
    calls = []
    original = Context.record_loss
    monkeypatch.setattr(
        Context, "record_loss", lambda self, v: calls.append(v) or original(self, v)
    )
    _, result = run_program("for i in range(3):\n    loss = torch.tensor(float(i)) * 2\n")
    assert list(result.losses) == [0.0, 2.0, 4.0] and calls == []
    _, result = run_program("loss = 1.5\n")
    assert list(result.losses) == [1.5] and len(calls) == 1
