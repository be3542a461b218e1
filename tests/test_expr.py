"""The expression compiler: what it refuses (and where), what it accepts, and how it runs."""

from __future__ import annotations

import ast
import builtins
import inspect
import math
import sys
import time
import tomllib
from pathlib import Path

import pytest
import torch

from gradtui.engine.expr import expr as expr_module
from gradtui.engine.expr import text as text_module
from gradtui.engine.expr.expr import FUNCTIONS, ExprError, compile_expr
from gradtui.engine.expr.syntax import pointed

DATA = Path(__file__).parent / "data" / "refused_expressions.toml"
CASES = tomllib.loads(DATA.read_text(encoding="utf-8"))["refused"]


def _text(case: dict) -> str:
    return case["text"] * case.get("repeat", 1) + case.get("suffix", "")


def _case_id(case: dict) -> str:
    text = _text(case)
    shown = text if len(text) <= 40 else f"{text[:20]}...({len(text)} chars)"
    return ascii(shown)


def test_the_data_file_covers_enough_inputs():
    assert len(CASES) >= 150
    texts = [_text(c) for c in CASES]
    assert len(set(texts)) == len(texts), "duplicate inputs in the data file"
    assert max(len(t) for t in texts) >= 1_000_000  # the 1 MB case is there


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_refused(case):
    text = _text(case)
    start = time.perf_counter()
    with pytest.raises(ExprError) as info:
        compile_expr(text)
    elapsed = time.perf_counter() - start
    # A hang guard, not a speed test (benchmarks/refusals.py measures that): a power bomb or
    # a runaway parse would take minutes, a refusal takes milliseconds.
    assert elapsed < 10.0, f"refusing took {elapsed:.2f} s"
    err = info.value
    assert case["fragment"] in err.message
    assert (err.column or 0) == case["column"]
    assert err.text == text
    if err.column:
        assert str(err).endswith(f"(column {err.column})")


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_caret_points_at_the_reported_column(case):
    text = _text(case)
    with pytest.raises(ExprError) as info:
        compile_expr(text)
    err = info.value
    shown = pointed(err)
    if not err.column:
        assert shown == str(err)
        return
    message, snippet, marker = shown.split("\n")
    assert message == str(err)
    assert len(snippet) <= 60
    assert snippet.isascii() and snippet.isprintable()
    assert marker.strip() == "^"
    where = marker.index("^")
    if err.column <= len(text):
        expected = text[err.column - 1]
        if not (expected.isprintable() and expected.isascii()):
            expected = "?"
        assert snippet[where] == expected


def test_caret_rendering_exactly():
    with pytest.raises(ExprError) as info:
        compile_expr("x.__dict__")
    assert pointed(info.value) == "attribute '.__dict__' not allowed (column 3)\nx.__dict__\n  ^"

    with pytest.raises(ExprError) as info:
        compile_expr("x**２")
    assert pointed(info.value).endswith("\nx**?\n   ^")

    # A long text shows a window around the column, the caret under the offending name.
    text = "a_rather_long_variable_name + " * 20 + "x.numpy()"
    with pytest.raises(ExprError) as info:
        compile_expr(text)
    err = info.value
    assert err.column == text.index("numpy") + 1
    _, snippet, marker = pointed(err).split("\n")
    assert len(snippet) == 60
    assert snippet[marker.index("^") :].startswith("numpy()")


def test_unknown_variable_when_the_names_are_given():
    assert compile_expr("x + y", variables=["x", "y"]).variables == ("x", "y")
    with pytest.raises(ExprError) as info:
        compile_expr("x + y", variables=["x"])
    assert "unknown name 'y' (variables here: x)" in info.value.message
    assert info.value.column == 5


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("x^2", "operator '^' not allowed: use ** for powers, as in x**2", 2),
        ("3*x^2 + 1", "operator '^' not allowed: use ** for powers, as in 3*x**2 + 1", 4),
        ("2x", "write 2*x: a number next to a name needs a * between them", 2),
        ("x**2 + 0.5y", "write 0.5*y: a number next to a name needs a * between them", 11),
        ("3 x", "write 3*x: a number next to a name needs a * between them", 3),
        ("float(3)", "calling 'float' is not allowed: type 3. or 3.0", 1),
        ("float(2.5) * x", "calling 'float' is not allowed: type 2.5", 1),
        ("2(x + 1)", "only functions can be called: to multiply, write 2*(x + 1)", 1),
    ],
)
def test_refusals_say_what_to_type_instead(text, message, column):
    with pytest.raises(ExprError) as info:
        compile_expr(text)
    assert (info.value.message, info.value.column) == (message, column)
    fixed = message.split("write ")[-1].split(":")[0] if "write" in message else None
    if fixed:  # the suggested text compiles
        compile_expr(fixed)


def test_text_that_is_not_a_string():
    with pytest.raises(ExprError):
        compile_expr(b"x**2")  # type: ignore[arg-type]


def test_missing_value_when_called():
    compiled = compile_expr("x * w")
    with pytest.raises(ExprError, match="no value given for w"):
        compiled(x=torch.tensor(1.0))


def test_a_long_chain_in_a_deep_stack_is_refused_not_crashed():
    # 399 unary minuses are within the limits; compiling them needs a few hundred frames.
    # With little stack left (as inside a deeply nested UI callback) the compiler must
    # answer with an ExprError, never let a RecursionError escape.
    text = "-" * 399 + "x"
    assert compile_expr(text)(x=torch.tensor(2.0)).item() == -2.0

    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 200)
    try:
        with pytest.raises(ExprError) as info:
            compile_expr(text)
    finally:
        sys.setrecursionlimit(old)
    assert "too deeply nested" in info.value.message


# --- accepted forms ----------------------------------------------------------------------

ACCEPTED = [
    ("x**2", ("x",)),
    ("  x ** 2  ", ("x",)),
    ("-x + +x", ("x",)),
    ("w*x + b", ("w", "x", "b")),
    ("(x - 2)**2 + (y + 1)**2", ("x", "y")),
    ("sin(x) + torch.sin(x) + x.sin()", ("x",)),
    ("(x**2).sum()", ("x",)),
    ("torch.mean(x) + mean(x) + x.mean()", ("x",)),
    ("clamp(x, min=0, max=1)", ("x",)),
    ("x.clamp(min=0)", ("x",)),
    ("torch.clamp(x, 0, 1)", ("x",)),
    ("pow(x, 3) + x.pow(2) + torch.pow(2, x)", ("x",)),
    ("maximum(x, y) - minimum(x, 0)", ("x", "y")),
    ("pi * r**2", ("r",)),
    ("torch.pi * e", ()),
    ("1_000 * x", ("x",)),
    ("x / 1e15", ("x",)),
    ("(((x)))", ("x",)),
    ("-(" * 32 + "x" + ")" * 32, ("x",)),
    ("relu(x - 1) + sigmoid(x) + tanh(x)", ("x",)),
    ("velocity_2 * t", ("velocity_2", "t")),
]


@pytest.mark.parametrize(("text", "variables"), ACCEPTED)
def test_accepted(text, variables):
    compiled = compile_expr(text)
    assert compiled.variables == variables
    assert compiled.text == text
    out = compiled(**{name: torch.tensor(0.5) for name in variables})
    assert math.isfinite(float(out))


# fmt: off
README_FUNCTIONS = [
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "log2",
    "log10", "log1p", "sqrt", "square", "abs", "sigmoid", "relu", "sum", "mean", "pow", "clamp",
    "maximum", "minimum",
]
# fmt: on


def test_every_function_of_the_readme_and_no_other():
    assert sorted(FUNCTIONS) == sorted(README_FUNCTIONS)


def test_integer_literals_become_floats():
    # 2 is a float in the compiled expression: an integer tensor is promoted, as by 2.
    x = torch.tensor(3)
    out = compile_expr("x**2")(x=x)
    assert out.dtype == (x**2.0).dtype == torch.get_default_dtype()
    assert out.dtype != (x**2).dtype
    assert torch.equal(out, x**2.0)
    out = compile_expr("x * 2 + 1")(x=x)
    assert torch.equal(out, x * 2.0 + 1.0)
    # constant parts are folded to Python floats
    for text, value in [("2", 2.0), ("7 / 2", 3.5), ("2**10", 1024.0), ("-3", -3.0)]:
        result = compile_expr(text)()
        assert type(result) is float
        assert result == value
    assert compile_expr("10**20")() == 1e20


def test_pi_and_e():
    assert compile_expr("pi")() == math.pi
    assert compile_expr("torch.pi")() == math.pi
    assert compile_expr("e")() == math.e
    out = compile_expr("e**x")(x=torch.tensor(2.0))
    assert torch.allclose(out, math.e ** torch.tensor(2.0))


def test_compile_and_call_never_use_eval_or_exec(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec was called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    for text, _ in ACCEPTED:
        compiled = compile_expr(text)
        compiled(**{name: x for name in compiled.variables})
    y = compile_expr("(sin(x)**2 + x.clamp(min=1)).sum()")(x=x)
    y.backward()
    assert x.grad is not None
    for case in CASES[:20]:
        with pytest.raises(ExprError):
            compile_expr(_text(case))


@pytest.mark.parametrize("module", [expr_module, text_module])
def test_the_module_source_has_no_eval_or_exec(module):
    tree = ast.parse(inspect.getsource(module))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__", "getattr_static"}
    # torch functions are looked up by name from the allowlist only
    assert "getattr(torch, name)" in inspect.getsource(expr_module._call)


@pytest.mark.parametrize("module", [expr_module, text_module])
def test_expression_does_not_import_torch_to_compile(module):
    # The module promises torch is imported only when a compiled expression is called.
    source = inspect.getsource(module)
    tree = ast.parse(source)
    top_imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = {alias.name for node in top_imports for alias in node.names}
    names |= {node.module for node in top_imports if isinstance(node, ast.ImportFrom)}
    assert "torch" not in names


@pytest.mark.parametrize("text", ["x**", "x +", "sin(x) *"])
def test_an_unfinished_expression_points_past_its_end(text):
    with pytest.raises(ExprError, match="ends too early") as info:
        compile_expr(text)
    assert info.value.column == len(text) + 1
