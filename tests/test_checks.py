"""The check kinds, evaluated by the engine on a playground, and the finite differences."""

from __future__ import annotations

import pytest
import torch

from gradtui.curriculum.checks import KINDS, CheckResult, evaluate, normalise_answer
from gradtui.curriculum.checks import loop as loop_checks
from gradtui.curriculum.schema import Check
from gradtui.engine.autograd.numeric import MAX_NUMBERS, forward_differences
from gradtui.engine.expr.expr import compile_expr
from gradtui.engine.training.playground import Playground

PG = Playground()  # x**2 from 3., lr 0.1, 100 steps


def check(kind: str, **params) -> Check:
    return Check(kind, params)


def passes(c: Check, pg: Playground = PG, answer: str = "") -> bool:
    result = evaluate(c, pg, answer)
    assert isinstance(result, CheckResult) and result.detail
    return result.passed


def test_every_check_kind_is_declared_with_its_function_and_rules():
    for name, kind in KINDS.items():
        assert kind.name == name and callable(kind.run) and kind.modes
        assert all(callable(param.rule) for param in kind.params.values())


# --- probe checks ----------------------------------------------------------------------------


def test_grad_equals():
    assert passes(check("grad_equals", value=6.0))
    assert not passes(check("grad_equals", value=6.1))
    assert passes(check("grad_equals", value=6.1, tol=0.2))
    vector = PG.with_(fn="(x**2).sum()", start="[3., 4., 10.]")
    assert passes(check("grad_equals", value=[6.0, 8.0, 20.0]), vector)
    result = evaluate(check("grad_equals", value=[6.0, 8.0]), vector)
    assert not result.passed and "3 number(s) where 2 are wanted" in result.detail
    assert not passes(check("grad_equals", value=[6.0]), PG)  # scalar vs list


def test_grad_equals_with_several_variables_names_one():
    pg = PG.with_(fn="x*w + b", start="x=2; w=3; b=1")
    assert passes(check("grad_equals", value=3.0, variable="x"), pg)
    assert passes(check("grad_equals", value=1.0, variable="b"), pg)
    result = evaluate(check("grad_equals", value=3.0), pg)
    assert not result.passed and "which one" in result.detail
    assert (
        "does not use the variable 'z'"
        in evaluate(check("grad_equals", value=1.0, variable="z"), pg).detail
    )


def test_value_equals_and_grad_fn_is():
    assert passes(check("value_equals", value=9.0))
    assert not passes(check("value_equals", value=25.0))
    assert passes(check("grad_fn_is", name="PowBackward0"))
    result = evaluate(check("grad_fn_is", name="SumBackward0"), PG)
    assert result.detail == "y has grad_fn=<PowBackward0>; the goal is <SumBackward0>"


def test_error_is_wants_the_torch_error():
    c = check("error_is", fragment="only Tensors of floating point dtype")
    assert passes(c, PG.with_(start="3", dtype="auto"))
    assert not passes(c, PG.with_(start="3.", dtype="auto"))
    assert not passes(c, PG.with_(fn="x +", dtype="auto"))  # an error, but another one
    assert (
        evaluate(c, PG).detail
        == "no error: y = tensor(9., grad_fn=<PowBackward0>), x.grad = tensor(6.)"
    )


def test_probe_checks_need_descend_mode():
    fit = Playground(mode="fit", fn="a*t**2 + b*t + c", start="random", lr=1e-5)
    result = evaluate(check("grad_equals", value=1.0), fit)
    assert not result.passed and "needs mode 'descend'" in result.detail


# --- finite differences ----------------------------------------------------------------------


@pytest.mark.parametrize("h", [1.0, 0.1, 0.01, 1e-3, 1e-6, 1e-7, -0.5])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_forward_differences_match_plain_torch(h, dtype):
    x = torch.tensor(3.0, dtype=dtype)
    plain = ((x + h) ** 2 - x**2) / h
    ours = forward_differences(compile_expr("x**2"), {"x": x}, h)["x"]
    assert ours.dtype == dtype and ours.item() == plain.item()


def test_forward_differences_nudge_one_number_at_a_time():
    x = torch.tensor([3.0, 4.0, 10.0])
    f = compile_expr("(x**2).sum()")
    h = 0.01
    ours = forward_differences(f, {"x": x}, h)["x"]
    for i in range(3):
        nudged = x.clone()
        nudged[i] += h
        assert ours[i].item() == ((f(x=nudged) - f(x=x)) / h).item()
    assert torch.allclose(ours, torch.tensor([6.01, 8.01, 20.01]), atol=1e-2)


def test_forward_differences_with_two_variables():
    slopes = forward_differences(
        compile_expr("x*w + w**2"), {"x": torch.tensor(2.0), "w": torch.tensor(3.0)}, 1e-3
    )
    assert slopes["x"].item() == pytest.approx(3.0, abs=1e-3)
    assert slopes["w"].item() == pytest.approx(2 + 6.001, abs=1e-2)


def test_forward_differences_refuse_what_they_cannot_do():
    f = compile_expr("x.sum()")
    with pytest.raises(ValueError, match="must not be 0"):
        forward_differences(f, {"x": torch.tensor(1.0)}, 0.0)
    with pytest.raises(ValueError, match="single number"):
        forward_differences(compile_expr("x**2"), {"x": torch.ones(3)}, 0.1)
    with pytest.raises(ValueError, match="limited to"):
        forward_differences(f, {"x": torch.ones(MAX_NUMBERS + 1)}, 0.1)


def test_finite_difference_close():
    c = check("finite_difference_close", tol=0.01)
    assert not passes(c, PG.with_(h=1.0))
    assert passes(c, PG.with_(h=1e-3))
    assert not passes(c, PG.with_(h=1e-7))  # float32: 3 + 1e-7 == 3, so the slope reads 0
    assert passes(c, PG.with_(h=1e-7, dtype="float64"))
    assert not passes(c, PG.with_(h=0.0))
    vector = PG.with_(fn="(x**2).sum()", start="3, 4, 10", h=1e-3)
    assert not passes(c, vector)  # float32 rounding near 125 costs about 0.012
    assert passes(c, vector.with_(dtype="float64"))
    detail = evaluate(c, PG.with_(h=1.0)).detail
    assert detail == "with h = 1, (f(x+h) - f(x))/h = 7 and x.grad = 6 (off by 1, tolerance 0.01)"


def test_finite_difference_close_central_is_what_the_d_view_shows():
    from gradtui.engine.autograd.finite_diff import h_table

    c = check("finite_difference_close", tol=1e-4, difference="central")
    at = PG.with_(h=1e-6)
    detail = evaluate(c, at).detail
    assert detail.startswith("with h = 1e-06, (f(x+h) - f(x-h))/2h = 5.72205 and x.grad = 6")
    assert not passes(c, at)  # float32 rounding, as lesson 12 shows
    assert passes(c, at.with_(dtype="float64"))
    x = torch.tensor(3.0)
    plain = (((x + 1e-6) ** 2 - (x - 1e-6) ** 2) / 2e-6).item()
    assert f"= {plain:g} and" in detail
    (row,) = h_table(at.problem(), None, (1e-6,)).rows  # the d view's row for h = 1e-06
    assert row.estimates["float32"] == plain


# --- typed answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["4.48", " 4.48 ", "4.4837", "4.5", "4.48e0", "448e-2"])
def test_answer_near_takes_the_number_within_one_percent(typed):
    assert passes(check("answer_near", value=4.4837), answer=typed)


@pytest.mark.parametrize("typed", ["", "4.4", "4.6", "-4.48", "four", "nan", "inf", "4,48"])
def test_answer_near_refuses_other_answers(typed):
    assert not passes(check("answer_near", value=4.4837), answer=typed)


def test_answer_near_reads_tiny_numbers_and_takes_its_tolerance():
    assert passes(check("answer_near", value=9.2036e-9), answer="9.2e-09")
    assert not passes(check("answer_near", value=9.2036e-9), answer="1e-8")
    assert passes(check("answer_near", value=9.2036e-9, rel_tol=0.1), answer="1e-8")
    detail = evaluate(check("answer_near", value=1.0), PG, "one").detail
    assert detail == "'one' is not a number (type it as 0.0123 or 1.23e-2)"


@pytest.mark.parametrize("typed", ["step", " Step ", "STEP.", "5", "step 5", "5. step", "'step'"])
def test_answer_is_ignores_case_spaces_and_punctuation(typed):
    assert passes(check("answer_is", accept=["step", "5", "step 5", "5 step"]), answer=typed)


@pytest.mark.parametrize("typed", ["", "  ", "stop", "steps", "4", "step 7"])
def test_answer_is_refuses_other_answers(typed):
    assert not passes(check("answer_is", accept=["step", "5", "step 5"]), answer=typed)


def test_normalise_answer():
    assert normalise_answer("  Step 5! ") == "step5"


# --- checks that run the loop ----------------------------------------------------------------


def test_loss_below_within_steps():
    c = check("loss_below_within_steps", loss=0.01, steps=20)
    assert not passes(c, PG.with_(lr=1e-4))
    assert passes(c, PG.with_(lr=0.1))
    assert passes(c, PG.with_(lr=0.1, max_steps=None))  # the check's limit applies
    assert not passes(c, PG.with_(lr=0.1, max_steps=5))  # the learner's own limit too
    assert not passes(c, PG.with_(lr=1.0))  # bounces: loss 9 for ever
    diverged = evaluate(check("loss_below_within_steps", loss=0.01, steps=50), PG.with_(lr=1.1))
    assert not diverged.passed and diverged.detail.startswith("diverged")


def test_stop_reason_is():
    worse = check("stop_reason_is", reason="worse", within=5)
    assert not passes(worse, PG.with_(lr=1.1))
    assert passes(worse, PG.with_(lr=1.1, patience=3))
    assert not passes(worse, PG.with_(lr=1.1, patience=6))  # stops at step 6: too late
    target = check("stop_reason_is", reason="target", loss_at_most=0.01)
    assert passes(target, PG.with_(target=0.01))
    assert not passes(target, PG.with_(target=100.0))  # stops at once, with loss 9
    assert not passes(target, PG)
    out_of_steps = check("stop_reason_is", reason="max_steps", within=10)
    assert passes(out_of_steps, PG.with_(max_steps=10))
    result = evaluate(out_of_steps, PG.with_(max_steps=100))
    assert not result.passed and "still going after 10 steps" in result.detail


def test_diverges():
    c = check("diverges", within=50)
    assert passes(c, PG.with_(lr=1.1, max_steps=50))
    assert not passes(c, PG.with_(lr=1.0, max_steps=50))
    assert not passes(c, PG.with_(lr=1.1, max_steps=20))  # stopped before it could diverge
    assert not passes(check("diverges", within=10), PG.with_(lr=1.1, max_steps=None))


def test_grads_accumulate():
    c = check("grads_accumulate", step=1)
    assert not passes(c, PG)
    result = evaluate(c, PG.with_(zero_grad=False))
    assert result.passed and "x.grad = 10.8" in result.detail and "would be 4.8" in result.detail
    assert not passes(check("grads_accumulate", step=5), PG.with_(zero_grad=False, max_steps=3))


def test_fit_mode_runs(monkeypatch):
    fit = Playground(mode="fit", fn="a*t**2 + b*t + c", start="random", lr=1e-5, max_steps=10)
    assert passes(check("loss_below_within_steps", loss=700.0, steps=10), fit)
    assert not passes(check("loss_below_within_steps", loss=700.0, steps=4), fit)


def test_no_check_runs_past_the_cap(monkeypatch):
    monkeypatch.setattr(loop_checks, "MAX_CHECK_STEPS", 30)
    result = evaluate(check("stop_reason_is", reason="target"), PG.with_(max_steps=None))
    assert not result.passed and "still going after" in result.detail
    result = evaluate(check("loss_below_within_steps", loss=1.0, steps=10**9), PG.with_(lr=1e-4))
    assert "after 30 step(s)" in result.detail


# --- bad input never raises ------------------------------------------------------------------

BAD = [
    {"fn": "__import__('os').system('true')"},
    {"fn": "x +"},
    {"fn": ""},
    {"fn": "y**2"},
    {"fn": "9**9**9**9"},
    {"start": "three"},
    {"start": ""},
    {"start": "x=1; x=2"},
    {"lr": float("nan")},
    {"lr": "fast"},
    {"max_steps": "ten"},
    {"dtype": "float16"},
    {"dtype": "int64"},
    {"mode": "sideways"},
    {"h": 0.0},
    {"patience": "x"},
    {"fn": "log(x - 10)"},
]


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("bad", BAD, ids=[str(b) for b in BAD])
def test_bad_input_is_not_passed_and_never_raises(kind, bad):
    params = {
        "grad_equals": {"value": 6.0},
        "value_equals": {"value": 9.0},
        "grad_fn_is": {"name": "PowBackward0"},
        "error_is": {"fragment": "zzz"},
        "answer_is": {"accept": ["step"]},
        "answer_near": {"value": 4.48},
        "finite_difference_close": {"tol": 0.5},
        "loss_below_within_steps": {"loss": 0.01, "steps": 50},
        "stop_reason_is": {"reason": "target", "within": 50},
        "diverges": {"within": 50},
        "grads_accumulate": {"step": 1},
        "accuracy_at_least": {"accuracy": 0.9, "epochs": 3},
        "program": {"variable": "x", "value": 1.0},
    }[kind]
    result = evaluate(Check(kind, params), PG.with_(**bad), answer="\x00" * 10)
    assert isinstance(result, CheckResult) and isinstance(result.detail, str) and result.detail
    invalid = {"fn", "start", "mode"} & set(bad) and bad.get("fn") not in ("y**2", "log(x - 10)")
    if kind not in ("answer_is", "answer_near") and invalid:
        assert not result.passed, result.detail


def test_unknown_kinds_and_plain_mappings():
    assert evaluate({"kind": "nope"}, PG) == CheckResult(False, "unknown check kind 'nope'")
    assert evaluate({"kind": "grad_equals", "value": 6}, PG).passed
    assert evaluate({"kind": "grad_equals"}, PG).detail == "the grad_equals check needs value"
    assert not evaluate({"kind": ["grad_equals"]}, PG).passed
