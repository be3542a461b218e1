"""The computation graph with values and incoming gradients, against torch done by hand."""

from __future__ import annotations

import pytest
import torch

from gradtui.engine.autograd.graph import render_tree, trace_graph
from gradtui.engine.training.playground import Playground
from gradtui.engine.training.torch_errors import TorchError


def _close(ours, theirs: torch.Tensor) -> bool:
    return torch.allclose(torch.tensor(ours, dtype=torch.float64), theirs.detach().double())


def test_square_at_three():
    trace = trace_graph(Playground().problem())  # x**2 from 3.
    root = trace.root
    assert root.name == "PowBackward0"
    assert (root.value, root.grad) == (9.0, 1.0)
    (leaf,) = root.children
    assert (leaf.name, leaf.variable, leaf.value, leaf.grad) == ("AccumulateGrad", "x", 3.0, 6.0)
    assert trace.value_repr == "tensor(9., grad_fn=<PowBackward0>)"


def test_vector_expression_matches_retain_grad():
    trace = trace_graph(Playground(fn="(x*sin(x)).sum()", start="1,2,3").problem())
    x = torch.tensor([1.0, 2.0, 3.0]).requires_grad_()
    s = x.sin()
    m = x * s
    for t in (s, m):
        t.retain_grad()
    m.sum().backward()
    mul = trace.root.children[0]
    assert mul.name == "MulBackward0" and mul.shape == (3,)
    assert _close(mul.value, m) and _close(mul.grad, m.grad)
    sin = next(c for c in mul.children if c.name == "SinBackward0")
    assert _close(sin.value, s) and _close(sin.grad, s.grad)  # the gradient flowing in is x
    leaf = next(c for c in mul.children if c.variable == "x")
    assert leaf.shape == (3,) and _close(leaf.grad, x.grad)


def test_fit_graph_ends_in_the_three_weights():
    pg = Playground().switch_mode("fit")
    trace = trace_graph(pg.problem())
    assert trace.result_name == "loss" and trace.root.name == "MeanBackward0"
    pow_node = trace.root.children[0]
    assert pow_node.shape == (20,)
    assert pow_node.grad == pytest.approx([1 / 20] * 20)  # d mean / d each square

    leaves = {}

    def collect(node):
        if node.variable:
            leaves[node.variable] = node.grad
        for child in node.children:
            collect(child)

    collect(trace.root)
    built = pg.problem().build()
    loss = built.loss(built.predict(built.params))
    loss.backward()
    assert set(leaves) == {"a", "b", "c"}
    for name, grad in leaves.items():
        assert grad == pytest.approx(built.params[name].grad.item(), rel=1e-6)


def test_at_other_values_and_text_tree():
    trace = trace_graph(Playground(fn="x*w + b", start="x=2; w=3; b=1").problem(), None)
    lines = render_tree(trace)
    assert lines[0] == "y = tensor(7., grad_fn=<AddBackward0>)"
    assert lines[1].startswith("AddBackward0") and "value 7" in lines[1]
    assert any(line.startswith("│  ├─ x (leaf, AccumulateGrad)") for line in lines)
    assert lines[-1].startswith("└─ b (leaf") and lines[-1].endswith("grad 1")
    moved = trace_graph(Playground().problem(), {"x": 2.5})
    assert (moved.root.value, moved.root.children[0].grad) == (6.25, 5.0)


def test_refusals_are_torch_errors():
    with pytest.raises(TorchError):
        trace_graph(Playground(start="3", dtype="auto").problem())
    with pytest.raises(TorchError):
        trace_graph(Playground(fn="x**2", start="3,4").problem())  # not a single number


def test_the_result_is_not_named_like_a_variable():
    trace = trace_graph(Playground(fn="y**2", start="3").problem())
    (leaf,) = trace.root.children
    assert leaf.variable == "y"
    assert trace.result_name == "out"
    assert render_tree(trace)[0] == "out = tensor(9., grad_fn=<PowBackward0>)"
