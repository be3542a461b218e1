"""Fuzzing: expressions from the grammar, and random mutations of them, through the engine.

Every example ends in one of three ways: finite values and grads, a clear error (an
``ExprError``/``ValueParseError``/``TorchError``, or a run stopped as ``error`` with its
message), or a reported divergence (a run stopped as ``diverged``). Anything else (another
exception, a hang) fails. The default suite runs 500 examples of each kind; the ``slow``
marker runs 10,000 (``make fuzz``).
"""

from __future__ import annotations

import math
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual_plotext.plot import Plot

from gradtui.engine.autograd.probe import probe, probe_at
from gradtui.engine.expr.expr import FUNCTIONS, ExprError, compile_expr
from gradtui.engine.expr.values import ValueParseError, parse_values
from gradtui.engine.present.plotdata import curve_view, plottable
from gradtui.engine.training.loop import STOP_REASONS, Stepper, StepRecord, Stop, StopRules
from gradtui.engine.training.problem import descend_problem
from gradtui.engine.training.torch_errors import TorchError
from gradtui.ui.widgets.function_plot import FunctionPlot

DEFAULT_EXAMPLES = 500
SLOW_EXAMPLES = 10_000
HANG_GUARD = 20  # seconds for one example: far beyond any real one, so only a hang trips it
STEPS = 4

ONE_ARG = sorted(name for name, (low, high) in FUNCTIONS.items() if low == high == 1)
TWO_ARGS = ["pow", "maximum", "minimum"]
NUMBERS = ["0", "1", "2", "3.", "0.5", "1e-8", "1e3", "1e15", "2.5e-3", "10", "100", "7"]
STARTS = ["3.", "0.", "-1.5", "1e-30", "1e30", "3.4e38", "1,2,3", "[0.5]", "-2,0,2", "1e-45"]
LRS = [0.1, 0.0, -0.1, 1e-5, 1.0, 1e10, -1e10, 1e-300]


def _leaf() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(["x", "x", "y", "pi", "e"]), st.sampled_from(NUMBERS))


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    )
    unary = inner.map(lambda s: f"-{s}")
    call = st.tuples(st.sampled_from(ONE_ARG), inner, st.sampled_from(["", "torch.", "."])).map(
        lambda t: f"({t[1]}).{t[0]}()" if t[2] == "." else f"{t[2]}{t[0]}({t[1]})"
    )
    call2 = st.tuples(st.sampled_from(TWO_ARGS), inner, inner).map(
        lambda t: f"{t[0]}({t[1]}, {t[2]})"
    )
    clamp = st.tuples(inner, st.sampled_from(["min=0", "max=1", "min=-1, max=1", "0, 1"])).map(
        lambda t: f"clamp({t[0]}, {t[1]})"
    )
    return st.one_of(binary, unary, call, call2, clamp)


GRAMMAR = st.recursive(_leaf(), _extend, max_leaves=12)
# What a mutation may insert: the grammar's own pieces and hostile ones.
PIECES = list("x()[]{}+-*/.,;:=<>!@#%^&|~'\"\\_ 0123456789e\n\t\x00") + [
    "**",
    "__",
    "__class__",
    "torch.",
    "lambda ",
    " for x in ",
    "ｘ",
    "２",
    "\u200b",
    "1e999",
    "9**9**9",
    "(" * 40,
    ")" * 40,
    "import ",
    "nan",
    "inf",
    "sum(",
    "clamp(x, min=",
]


@st.composite
def mutated(draw) -> str:
    """A grammar expression with one to four random edits."""
    text = draw(GRAMMAR)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "replace"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        elif kind == "duplicate":
            text = text[:at] + text[at : at + draw(st.integers(1, 8))] * 2 + text[at:]
        else:
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at + 1 :]
    return text


@contextmanager
def hang_guard(seconds: int = HANG_GUARD):
    """Fail (instead of waiting forever) when one example runs for ``seconds``."""

    def hung(signum, frame):
        raise AssertionError(f"one example ran for more than {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


class _Panel:
    """What ``FunctionPlot._curve`` needs of its widget: a plotext figure and two labels."""

    fn_label = "f(x)"
    note = ""

    def __init__(self) -> None:
        self.plt = Plot()


def draw(view, width: int = 60, height: int = 16) -> str:
    """Build the function plot's figure as the widget would (plotext raises on bad data)."""
    panel = _Panel()
    FunctionPlot._curve(panel, view)
    panel.plt.plotsize(width, height)
    panel.plt._set_size(width, height)
    return panel.plt.build()


def check(text: str, start: str, lr: float, dtype: str) -> str:
    """Run ``text`` through the engine; returns how it ended (or fails the test)."""
    with hang_guard():
        try:
            compiled = compile_expr(text)
        except ExprError as err:
            assert err.message
            assert err.column is None or 1 <= err.column <= len(text) + 1
            return "refused"
        values = {name: parse_values(start) for name in compiled.variables}
        try:
            problem = descend_problem(compiled, values, dtype)
        except (ExprError, ValueParseError, ValueError) as err:
            assert str(err)
            return "refused"
        try:
            probed = probe(compiled, values, dtype)
        except TorchError as err:
            assert err.message
            probed = None
        try:
            stepper = Stepper(problem, lr, StopRules(max_steps=STEPS))
        except TorchError as err:
            assert err.message
            return "error"
        results = list(stepper.run())
        *records, stop = results
        assert isinstance(stop, Stop) and stop.reason in STOP_REASONS and stop.message
        assert len(records) <= STEPS
        for record in records:
            assert isinstance(record, StepRecord)
            assert math.isfinite(record.loss)
        if probed is not None and plottable(problem, stepper.values()):
            # what the panel and the plot would show at the end of the run
            current = stepper.values()
            if all(math.isfinite(v) for v in current.values()):
                shown = probe_at(problem, current)
                name = problem.param_names[0]
                loss = shown.value if isinstance(shown.value, float) else math.nan
                view = curve_view(problem, current[name], loss, shown.grads.get(name), [])
                draw(view)
        if stop.reason == "error":
            return "error"
        if stop.reason == "diverged":
            return "diverged"
        return "finite"


def _settings(examples: int, **extra) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,  # timing is not what is tested; the hang guard is
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        **extra,
    )


def _inputs(texts):
    return st.tuples(
        texts,
        st.sampled_from(STARTS),
        st.sampled_from(LRS),
        st.sampled_from(["float32", "float64"]),
    )


@_settings(DEFAULT_EXAMPLES, derandomize=True)
@given(_inputs(GRAMMAR))
def test_grammar_expressions(case):
    check(*case)


@_settings(DEFAULT_EXAMPLES, derandomize=True)
@given(_inputs(mutated()))
def test_mutated_expressions(case):
    check(*case)


@pytest.mark.slow
@_settings(SLOW_EXAMPLES)
@given(_inputs(GRAMMAR))
def test_grammar_expressions_long(case):
    check(*case)


@pytest.mark.slow
@_settings(SLOW_EXAMPLES)
@given(_inputs(mutated()))
def test_mutated_expressions_long(case):
    check(*case)


def test_the_outcomes_are_all_reached():
    # The property above accepts four endings; make sure each one really occurs, so that
    # a change that turns everything into "refused" cannot pass unnoticed.
    assert check("x**2", "3.", 0.1, "float32") == "finite"
    assert check("x**2", "3.", 1e10, "float32") == "diverged"
    assert check("(x**2).sum", "3.", 0.1, "float32") == "refused"
    assert check("x", "1,2", 0.1, "float32") == "error"  # a vector loss: backward() refuses


@pytest.mark.parametrize("loss", [math.inf, -math.inf, math.nan, 1e60])
@pytest.mark.parametrize("x", [3.0, -1e30, 1e-30])
def test_the_curve_of_huge_or_broken_numbers_can_be_drawn(x, loss):
    # plotext raised OverflowError/IndexError on a nan or inf point and on a curve whose
    # x values had all rounded to the same number (around x = -1e30).
    problem = descend_problem("x**2", {"": parse_values("3.")})
    view = curve_view(problem, x, loss, None, [])
    assert len(set(view.xs)) == len(view.xs)
    assert all(math.isfinite(v) for v in view.point)
    assert draw(view)


# --- the other fields: numbers, lr and stop rules as typed -------------------------------

NUMBER_TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(NUMBERS + ["nan", "-inf", "", " ", "1e39", "[", "]", "x=", ";"])).map(
        ",".join
    ),
)


@_settings(DEFAULT_EXAMPLES, derandomize=True)
@given(
    st.sampled_from(["start", "lr", "max_steps", "target", "patience", "time_budget", "h"]),
    NUMBER_TEXT,
)
def test_any_text_in_any_field_is_parsed_or_said(field, text):
    from gradtui.engine.training.playground import Playground, parse_fields

    with hang_guard():
        playground, errors = parse_fields(Playground(), {field: text})
    if errors:
        assert set(errors) <= {field, "start", "fn"} and all(errors.values())
        assert getattr(playground, field) == getattr(Playground(), field)  # last good stays
    else:
        playground.stepper()  # what was accepted can be run


def test_a_fitted_model_that_overflows_draws_only_its_finite_points():
    from gradtui.engine.present.plotdata import fit_view
    from gradtui.engine.training.playground import Playground

    problem = Playground().switch_mode("fit").problem()
    view = fit_view(problem, {"a": 1e38, "b": 1e38, "c": 1.0})  # float32 overflows to inf
    assert 0 < len(view.model_x) < 120 and len(view.model_x) == len(view.model_y)
    assert all(math.isfinite(y) for y in view.model_y)
    assert fit_view(problem, {"a": math.nan, "b": 1.0, "c": 1.0}).model_x == []
