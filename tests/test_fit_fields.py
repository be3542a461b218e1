"""Checking a fit playground's fields before torch has loaded (the example's outline)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gradtui.engine.training.examples import roller_coaster, roller_coaster_outline
from gradtui.engine.training.playground import Playground, parse_fields

FIT = Playground().switch_mode("fit")


def test_the_outline_has_the_examples_names_and_sizes():
    real, outline = roller_coaster(), roller_coaster_outline()
    assert {k: len(v) for k, v in outline.inputs.items()} == {
        k: len(v) for k, v in real.inputs.items()
    }
    assert len(outline.targets) == len(real.targets)
    assert outline.start.keys() == real.start.keys()


@pytest.mark.parametrize(
    ("texts", "field", "message"),
    [
        ({"fn": "a*t + z"}, "start", "no starting value for z"),
        ({"fn": "a*b"}, "fn", "does not use the input t"),
        ({"fn": "a*t + b", "start": "a=1"}, "start", "no starting value for b"),
    ],
)
def test_the_form_refuses_a_fit_as_the_full_problem_does(texts, field, message):
    _, errors = parse_fields(FIT, texts)
    assert message in errors[field]
    with pytest.raises(ValueError, match=message):
        FIT.with_(**texts).problem()


def test_a_good_fit_passes_and_builds():
    playground, errors = parse_fields(FIT, {"fn": "a*t**2 + b*t + c"})
    assert errors == {}
    assert playground.problem().param_names == ("a", "b", "c")


def test_checking_a_fit_form_or_the_sandbox_option_imports_no_torch():
    code = (
        "import sys\n"
        "from gradtui.engine.training.playground import Playground, parse_fields\n"
        "fit = Playground().switch_mode('fit')\n"
        "print(parse_fields(fit, {'fn': 'a*t + b', 'start': 'random'})[1])\n"
        "from gradtui.cli import main\n"
        "from gradtui.cli.sandbox import sandbox_playground\n"
        "import argparse\n"
        "sandbox_playground(argparse.Namespace(fit=True, fn='a*t + b', start=None, lr=None))\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["{}", "False"]
