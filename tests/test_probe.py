"""The autograd probe against the same math done by hand in plain torch."""

from __future__ import annotations

import math

import pytest
import torch

from gradtui.engine.autograd.probe import (
    GraphNode,
    probe,
    probe_at,
    tensor_literal,
    values_of,
)
from gradtui.engine.expr.expr import ExprError, compile_expr
from gradtui.engine.expr.values import Values, parse_values
from gradtui.engine.training.problem import fit_problem
from gradtui.engine.training.torch_errors import TorchError, explain

DTYPES = {"float32": torch.float32, "float64": torch.float64}
V3 = [0.2, 0.5, 0.9]


def _text(value) -> str:
    """How a learner would type the value: '0.7' or '[0.2, 0.5, 0.9]'."""
    return (
        f"[{', '.join(repr(float(v)) for v in value)}]"
        if isinstance(value, list)
        else repr(float(value))
    )


def _hand(fn, inputs: dict, dtype: str):
    """requires_grad_(), y = f(...), y.backward() in plain torch; returns y and the leaves."""
    leaves = {n: torch.tensor(v, dtype=DTYPES[dtype]).requires_grad_() for n, v in inputs.items()}
    y = fn(**leaves)
    y.backward()
    return y, leaves


def _close(ours, theirs: torch.Tensor) -> bool:
    return torch.allclose(
        torch.tensor(ours, dtype=torch.float64), theirs.detach().double(), rtol=1e-6, atol=1e-7
    )


# (expression, inputs by name, dtype, the same math by hand)
TABLE = [
    ("x**2", {"x": 3.0}, "float32", lambda x: x**2),
    ("x**3 - 2*x + 1", {"x": 1.5}, "float32", lambda x: x**3 - 2 * x + 1),
    ("(x**2).sum()", {"x": [3.0, 5.0, 12.0]}, "float32", lambda x: (x**2).sum()),
    ("(x**2).mean()", {"x": [1.0, 2.0, 3.0]}, "float32", lambda x: (x**2).mean()),
    ("sum(x*x)", {"x": [1.0, -2.0, 4.0]}, "float32", lambda x: torch.sum(x * x)),
    ("torch.mean(x**3)", {"x": V3}, "float32", lambda x: torch.mean(x**3)),
    ("x.sum()", {"x": V3}, "float32", lambda x: x.sum()),
    ("mean(x)", {"x": V3}, "float32", lambda x: torch.mean(x)),
    ("x*w + b", {"x": 2.0, "w": 3.0, "b": 1.0}, "float32", lambda x, w, b: x * w + b),
    (
        "((w*x + b - y)**2).mean()",
        {"w": 0.5, "b": -1.0, "x": [1.0, 2.0, 3.0], "y": [0.0, 1.0, 3.0]},
        "float32",
        lambda w, b, x, y: ((w * x + b - y) ** 2).mean(),
    ),
    (
        "(x - 2)**2 + (y + 1)**2",
        {"x": 0.0, "y": 0.0},
        "float32",
        lambda x, y: (x - 2) ** 2 + (y + 1) ** 2,
    ),
    ("x/y - 1/x", {"x": 2.0, "y": 4.0}, "float32", lambda x, y: x / y - 1 / x),
    ("-x + +y", {"x": 2.0, "y": 4.0}, "float32", lambda x, y: -x + y),
    ("pi*r**2", {"r": 2.0}, "float32", lambda r: math.pi * r**2),
    ("e**x", {"x": 1.5}, "float32", lambda x: math.e**x),
    ("torch.pi*x", {"x": 1.5}, "float32", lambda x: torch.pi * x),
    ("sin(x)**2 + cos(x)**2", {"x": 0.7}, "float32", lambda x: x.sin() ** 2 + x.cos() ** 2),
    ("x.tan()", {"x": 0.7}, "float32", lambda x: torch.tan(x)),
    (
        "asin(x) + torch.acos(x) + x.atan()",
        {"x": 0.3},
        "float32",
        lambda x: torch.asin(x) + torch.acos(x) + torch.atan(x),
    ),
    (
        "sinh(x) * torch.cosh(x) - x.tanh()",
        {"x": 0.7},
        "float32",
        lambda x: torch.sinh(x) * torch.cosh(x) - torch.tanh(x),
    ),
    ("exp(-x**2)", {"x": 0.7}, "float32", lambda x: torch.exp(-(x**2))),
    (
        "torch.log(x) + x.log2() + log10(x)",
        {"x": 2.5},
        "float32",
        lambda x: torch.log(x) + torch.log2(x) + torch.log10(x),
    ),
    ("log1p(x).sum()", {"x": V3}, "float32", lambda x: torch.log1p(x).sum()),
    ("x.sqrt() + square(x)", {"x": 2.0}, "float32", lambda x: torch.sqrt(x) + torch.square(x)),
    (
        "torch.abs(x) + abs(y) + x.abs()",
        {"x": -2.0, "y": 3.0},
        "float32",
        lambda x, y: torch.abs(x) + torch.abs(y) + torch.abs(x),
    ),
    ("x.sigmoid()", {"x": 0.7}, "float32", lambda x: torch.sigmoid(x)),
    ("relu(x).sum()", {"x": [-1.0, 0.5, 2.0]}, "float32", lambda x: torch.relu(x).sum()),
    ("torch.relu(-x)", {"x": -0.5}, "float32", lambda x: torch.relu(-x)),
    ("pow(x, 3)", {"x": 1.5}, "float32", lambda x: torch.pow(x, 3)),
    ("x.pow(y)", {"x": 2.0, "y": 3.0}, "float32", lambda x, y: torch.pow(x, y)),
    ("torch.pow(2, x)", {"x": 3.0}, "float32", lambda x: torch.pow(torch.tensor(2.0), x)),
    (
        "clamp(x, min=0, max=1).sum()",
        {"x": [-1.0, 0.5, 2.0]},
        "float32",
        lambda x: torch.clamp(x, min=0, max=1).sum(),
    ),
    ("x.clamp(min=1)", {"x": 0.5}, "float32", lambda x: torch.clamp(x, min=1)),
    ("torch.clamp(x, 0, 2)", {"x": 1.5}, "float32", lambda x: torch.clamp(x, 0, 2)),
    ("clamp(x, max=y)", {"x": 2.0, "y": 1.0}, "float32", lambda x, y: torch.clamp(x, max=y)),
    (
        "maximum(x, y).sum()",
        {"x": [1.0, 5.0, 2.0], "y": [3.0, 4.0, 0.0]},
        "float32",
        lambda x, y: torch.maximum(x, y).sum(),
    ),
    (
        "torch.minimum(x, 0.5).sum()",
        {"x": V3},
        "float32",
        lambda x: torch.minimum(x, torch.tensor(0.5)).sum(),
    ),
    ("x.maximum(y)", {"x": 2.0, "y": 1.0}, "float32", lambda x, y: torch.maximum(x, y)),
    ("1/x**0.5", {"x": 4.0}, "float32", lambda x: 1 / x**0.5),
    ("(x**2).sum()", {"x": [3.0, 5.0, 12.0]}, "float64", lambda x: (x**2).sum()),
    (
        "tanh(w*x + b)",
        {"w": 0.3, "x": 2.0, "b": -0.1},
        "float64",
        lambda w, x, b: (w * x + b).tanh(),
    ),
]


def _table_id(row) -> str:
    return f"{row[0]}-{row[2]}"


@pytest.mark.parametrize(("text", "inputs", "dtype", "fn"), TABLE, ids=map(_table_id, TABLE))
def test_probe_matches_plain_torch(text, inputs, dtype, fn):
    result = probe(text, {n: _text(v) for n, v in inputs.items()}, dtype=dtype)
    y, leaves = _hand(fn, inputs, dtype)

    assert _close(result.value, y)
    assert result.value_repr == repr(y)
    assert result.grad_fn == type(y.grad_fn).__name__
    assert list(result.grads) == list(inputs)
    for name, leaf in leaves.items():
        assert _close(result.grads[name], leaf.grad), name
        assert result.grad_reprs[name] == repr(leaf.grad), name
    assert result.dtype == dtype
    assert result.expr == text


def test_the_table_uses_every_function_in_every_form():
    texts = " ".join(row[0] for row in TABLE)
    assert len(TABLE) >= 30
    for name in ("sin", "cos", "exp", "sqrt", "abs", "relu", "pow", "clamp", "minimum"):
        assert f"{name}(" in texts
    for prefix in ("torch.", "x."):
        assert texts.count(prefix) >= 8
    assert "min=" in texts and "max=" in texts and "pi" in texts and "e**" in texts


UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log"]
UNARY += ["log2", "log10", "log1p", "sqrt", "square", "abs", "sigmoid", "relu", "sum", "mean"]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("form", ["{f}(x)", "torch.{f}(x)", "x.{f}()"])
def test_every_function_in_every_form(name, form):
    text = form.format(f=name) + ".sum()"
    result = probe(text, {"x": _text(V3)})
    y, leaves = _hand(lambda x: getattr(torch, name)(x).sum(), {"x": V3}, "float32")
    assert _close(result.value, y)
    assert _close(result.grads["x"], leaves["x"].grad)
    assert result.value_repr == repr(y)


# --- the seed, textbook facts ------------------------------------------------------------


def test_the_seed():
    result = probe("x**2", {"": "3"})
    assert result.value == 9.0
    assert result.value_repr == "tensor(9., grad_fn=<PowBackward0>)"
    assert result.grad_fn == "PowBackward0"
    assert result.grads == {"x": 6.0}
    assert result.grad_reprs == {"x": "tensor(6.)"}
    assert result.lines == [
        ("def f(x): return x**2", ""),
        ("x = torch.tensor(3.).requires_grad_()", ""),
        ("y = f(x)", ""),
        ("y", "tensor(9., grad_fn=<PowBackward0>)"),
        ("y.backward()", ""),
        ("x.grad", "tensor(6.)"),
    ]


def test_the_seed_with_a_vector():
    result = probe("(x**2).sum()", {"": "3,5,12"})
    assert result.value_repr == "tensor(178., grad_fn=<SumBackward0>)"
    assert result.grads == {"x": [6.0, 10.0, 24.0]}
    assert result.grad_reprs == {"x": "tensor([ 6., 10., 24.])"}
    assert ("x = torch.tensor([3., 5., 12.]).requires_grad_()", "") in result.lines
    assert result.to_json()["grad"] == [6.0, 10.0, 24.0]


def test_a_precompiled_expression_and_parsed_values():
    result = probe(
        compile_expr("x * w"), {"x": parse_values("2."), "w": Values((3.0,), False, False)}
    )
    assert result.grads == {"x": 3.0, "w": 2.0}
    assert result.lines[0] == ("def f(x, w): return x * w", "")


@pytest.mark.parametrize(
    ("text", "grad_fn"),
    [
        ("x**2", "PowBackward0"),
        ("x*2", "MulBackward0"),
        ("x + 1", "AddBackward0"),
        ("x - 1", "SubBackward0"),
        ("x / 2", "DivBackward0"),
        ("-x", "NegBackward0"),
        ("sin(x)", "SinBackward0"),
        ("x.exp()", "ExpBackward0"),
        ("(x*x).sum()", "SumBackward0"),
        ("x.mean()", "MeanBackward0"),
        ("pow(2, x)", "PowBackward1"),
    ],
)
def test_grad_fn_names(text, grad_fn):
    assert probe(text, {"": "3."}).grad_fn == grad_fn


def test_a_leaf_has_no_grad_fn():
    result = probe("x", {"": "3"})
    assert result.grad_fn is None
    assert result.value_repr == repr(torch.tensor(3.0).requires_grad_())
    assert result.grads == {"x": 1.0}
    assert result.graph is None


# --- errors: torch's own message, explained --------------------------------------------


def _torch_message(action) -> str:
    with pytest.raises(RuntimeError) as info:
        action()
    return f"RuntimeError: {info.value}"


def test_integer_dtype_is_torchs_error_explained():
    expected = _torch_message(lambda: torch.tensor(3).requires_grad_())
    for dtype in ("auto", "int64"):
        with pytest.raises(TorchError) as info:
            probe("x**2", {"": "3"}, dtype=dtype)
        err = info.value
        assert err.message == expected
        assert "floating-point" in err.explanation and "3." in err.explanation
        assert err.lines[-1] == ("x = torch.tensor(3).requires_grad_()", "")
        assert str(err) == f"{err.message}\n{err.explanation}"
    # with a dot the same input works under 'auto'
    assert probe("x**2", {"": "3."}, dtype="auto").grad_reprs == {"x": "tensor(6.)"}


def test_an_integer_too_large_for_int64_is_a_torch_error():
    with pytest.raises((RuntimeError, ValueError, OverflowError)) as theirs:
        torch.tensor(99999999999999999999)
    with pytest.raises(TorchError) as info:
        probe("x**2", {"": "99999999999999999999"}, dtype="int64")
    assert str(theirs.value) in info.value.message


def test_non_scalar_output():
    x = torch.tensor([3.0, 5.0, 12.0], requires_grad=True)
    expected = _torch_message(lambda: (x**2).backward())
    with pytest.raises(TorchError) as info:
        probe("x**2", {"": "3,5,12"})
    err = info.value
    assert err.message == expected
    assert ".sum()" in err.explanation
    assert ("y", repr(x**2)) in err.lines
    assert err.lines[-1] == ("y.backward()", "")


def test_nothing_to_differentiate():
    with pytest.raises(TorchError) as info:
        probe("3", {"": "3"})
    assert "does not require grad" in info.value.message
    assert "nothing to differentiate" in info.value.explanation


def test_vectors_of_different_lengths():
    x, y = torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0, 3.0])
    expected = _torch_message(lambda: x + y)
    with pytest.raises(TorchError) as info:
        probe("(x + y).sum()", {"x": "1,2", "y": "1,2,3"})
    assert info.value.message == expected
    assert "different lengths" in info.value.explanation
    assert info.value.lines[-1] == ("out = f(x, y)", "")


def test_nan_is_a_value_not_an_error():
    result = probe("sqrt(x)", {"": "-1"})
    assert math.isnan(result.value) and math.isnan(result.grads["x"])
    assert result.value_repr == "tensor(nan, grad_fn=<SqrtBackward0>)"


def test_naming_errors():
    with pytest.raises(ExprError, match="give each a value"):
        probe("x * w", {"": "3"})
    with pytest.raises(ExprError, match="no value given for w"):
        probe("x * w", {"x": "3"})
    with pytest.raises(ExprError):
        probe("x.numpy()", {"": "3"})


def test_explain():
    assert explain(RuntimeError("something else")) == ""
    assert "too large" in explain(OverflowError("x"))


# --- unused variables, JSON, the graph --------------------------------------------------


def test_unused_variable_has_no_grad():
    result = probe("x**2", {"x": "3", "y": "4"})
    assert result.grads == {"x": 6.0, "y": None}
    assert result.grad_reprs == {"x": "tensor(6.)", "y": "None"}
    data = result.to_json()
    assert data["grad"] == {"x": 6.0, "y": None}
    assert data["grad_repr"] == {"x": "tensor(6.)", "y": "None"}
    assert ("y.grad", "None") in result.lines


def test_json_shapes():
    one = probe("x**2", {"": "3"}).to_json()
    assert one == {
        "expr": "x**2",
        "dtype": "float32",
        "value": 9.0,
        "value_repr": "tensor(9., grad_fn=<PowBackward0>)",
        "grad_fn": "PowBackward0",
        "grad": 6.0,
        "grad_repr": "tensor(6.)",
        "graph": {
            "name": "PowBackward0",
            "children": [{"name": "AccumulateGrad", "variable": "x", "shape": []}],
        },
    }
    vector = probe("(x**2).sum()", {"": "[1., 2.]"}).to_json()
    assert vector["value"] == 5.0
    assert vector["grad"] == [2.0, 4.0]
    assert vector["grad_repr"] == "tensor([2., 4.])"
    several = probe("x*w + b", {"x": "2", "w": "3", "b": "1"}).to_json()
    assert several["value"] == 7.0
    assert several["grad"] == {"x": 3.0, "w": 2.0, "b": 1.0}
    assert several["grad_repr"] == {"x": "tensor(3.)", "w": "tensor(2.)", "b": "tensor(1.)"}


def test_vector_value_is_a_list():
    # a vector output is fine until backward(): the value is a list when it works, e.g. [9.]
    result = probe("x**2", {"": "[3.]"})
    assert result.value == [9.0]
    assert result.grads == {"x": [6.0]}


def test_graph_structure():
    result = probe("x*w + b", {"x": "2", "w": "3", "b": "1"})
    assert result.graph.to_dict() == {
        "name": "AddBackward0",
        "children": [
            {
                "name": "MulBackward0",
                "children": [
                    {"name": "AccumulateGrad", "variable": "x", "shape": []},
                    {"name": "AccumulateGrad", "variable": "w", "shape": []},
                ],
            },
            {"name": "AccumulateGrad", "variable": "b", "shape": []},
        ],
    }
    vector = probe("(x**2).sum()", {"": "3,5,12"}).graph
    assert isinstance(vector, GraphNode)
    assert vector.to_dict() == {
        "name": "SumBackward0",
        "children": [
            {
                "name": "PowBackward0",
                "children": [{"name": "AccumulateGrad", "variable": "x", "shape": [3]}],
            }
        ],
    }


def test_graph_names_match_torchs_own_graph():
    result = probe("sin(x) * exp(y)", {"x": "0.5", "y": "0.25"})
    x, y = torch.tensor(0.5, requires_grad=True), torch.tensor(0.25, requires_grad=True)
    out = torch.sin(x) * torch.exp(y)

    def names(fn):
        return [type(fn).__name__, [names(c) for c, _ in fn.next_functions if c is not None]]

    def ours(node):
        return [node.name, [ours(c) for c in node.children]]

    assert ours(result.graph) == names(out.grad_fn)


def test_tensor_literal():
    assert tensor_literal(parse_values("3"), "float32") == "torch.tensor(3.)"
    assert tensor_literal(parse_values("3"), "auto") == "torch.tensor(3)"
    assert tensor_literal(parse_values("3."), "auto") == "torch.tensor(3.)"
    assert tensor_literal(parse_values("3.5"), "int64") == "torch.tensor(3)"
    assert tensor_literal(parse_values("3,5,12"), "float32") == "torch.tensor([3., 5., 12.])"
    assert (
        tensor_literal(parse_values("0.5"), "float64") == "torch.tensor(0.5, dtype=torch.float64)"
    )


def test_a_long_vector_is_summarised_in_the_session_lines():
    # 10,000 numbers (the cap) would print 10,000 literals in the panel and in `gradtui grad`.
    values = parse_values(",".join(str(i) for i in range(10_000)))
    assert tensor_literal(values, "float32") == (
        "torch.tensor([0., 1., 2., ..., 9997., 9998., 9999.])"
    )
    assert tensor_literal(parse_values(",".join(["1"] * 1000)), "auto").count(",") == 999
    result = probe("(x**2).sum()", {"": values})
    assert result.lines[1][0] == "x = torch.tensor([0., 1., 2., ..., 9997., 9998., 9999.])" + (
        ".requires_grad_()"
    )
    assert "..." in result.grad_reprs["x"]  # torch's own summary of the grad


def _replay(lines: list[tuple[str, str]], namespace: dict | None = None) -> None:
    """Run the session lines as plain Python with torch; each printed output must come back."""
    scope = {"torch": torch, **(namespace or {})}
    for code, output in lines:
        if output:
            assert repr(eval(code, scope)) == output, code
        else:
            exec(code, scope)


@pytest.mark.parametrize(
    ("text", "inputs", "result"),
    [
        ("x + y", {"x": "1.", "y": "2."}, "out"),
        ("y**2", {"": "3."}, "out"),
        ("y * out", {"y": "2.", "out": "3."}, "out2"),
        ("f * x", {"f": "2.", "x": "3."}, "y"),
    ],
)
def test_the_result_and_function_names_never_clash_with_a_variable(text, inputs, result):
    run = probe(text, inputs)
    codes = [code for code, _ in run.lines]
    assert f"{result}.backward()" in codes
    _replay(run.lines)  # y.grad of a non-leaf would print None, not the probe's gradient
    hand = {k or "y": torch.tensor(float(v)).requires_grad_() for k, v in inputs.items()}
    compile_expr(text)(**hand).backward()
    for name, leaf in hand.items():
        assert run.grad_reprs[name] == repr(leaf.grad)


C2F = ((0.0, 10.0, 20.0, 30.0, 40.0), (32.0, 50.0, 68.0, 86.0, 104.0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_fit_panel_shows_the_runs_own_numbers(dtype):
    kind = DTYPES[dtype]
    weights = torch.randn(3, generator=torch.Generator().manual_seed(42), dtype=kind).tolist()
    start = {n: Values((w,), False, False) for n, w in zip("abc", weights, strict=True)}
    t, targets = C2F
    problem = fit_problem("a*t**2 + b*t + c", {"t": t}, targets, start, dtype=dtype)
    shown = probe_at(problem, dict(zip("abc", weights, strict=True)))
    # plain torch with the exact weights
    a, b, c = (torch.tensor(w, dtype=kind).requires_grad_() for w in weights)
    tt, yy = torch.tensor(t, dtype=kind), torch.tensor(targets, dtype=kind)
    loss = ((a * tt**2 + b * tt + c - yy) ** 2).mean()
    loss.backward()
    assert shown.value_repr == repr(loss)
    assert shown.grad_reprs == {"a": repr(a.grad), "b": repr(b.grad), "c": repr(c.grad)}
    # the printed lines rebuild exactly those weights and reprint the same outputs

    def f(t):
        return scope["a"] * t**2 + scope["b"] * t + scope["c"]

    def mse(preds, targets):
        return ((preds - targets) ** 2).mean()

    scope = {"torch": torch, "f": f, "mse": mse, "t": tt, "targets": yy}
    for code, output in shown.lines:
        if output:
            assert repr(eval(code, scope)) == output, code
        else:
            exec(code, scope)
    assert [scope[n].item() for n in "abc"] == weights


def test_values_of_prints_short_forms_when_they_are_exact():
    assert tensor_literal(values_of(3.0), "float32") == "torch.tensor(3.)"
    assert tensor_literal(values_of(0.5), "float64") == "torch.tensor(0.5, dtype=torch.float64)"
    weight = torch.tensor(0.1).item()  # 0.10000000149011612 as a double
    assert tensor_literal(values_of(weight), "float32") == "torch.tensor(0.1)"
    assert tensor_literal(values_of(weight, "float64"), "float64") == (
        "torch.tensor(0.10000000149011612, dtype=torch.float64)"
    )
