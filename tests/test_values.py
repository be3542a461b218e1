"""Numbers as a learner types them: parse_values, parse_assignments, Values.to_tensor."""

from __future__ import annotations

import pytest
import torch

from gradtui.engine.expr.values import (
    MAX_LENGTH,
    ValueParseError,
    Values,
    format_number,
    parse_assignments,
    parse_values,
)

# text -> (numbers, is_vector, integer_literals)
ACCEPTED = [
    ("3", (3.0,), False, True),
    ("3.", (3.0,), False, False),
    ("  3.5 ", (3.5,), False, False),
    ("-3", (-3.0,), False, True),
    ("+3", (3.0,), False, True),
    (".5", (0.5,), False, False),
    ("-.5e-3", (-0.0005,), False, False),
    ("1e3", (1000.0,), False, False),
    ("1E-2", (0.01,), False, False),
    ("3,5,12", (3.0, 5.0, 12.0), True, True),
    ("3, 5., 12", (3.0, 5.0, 12.0), True, False),
    ("[3., 4.]", (3.0, 4.0), True, False),
    ("[3, 4]", (3.0, 4.0), True, True),
    ("[3., 4.,]", (3.0, 4.0), True, False),
    ("  [ 1 , 2 ] ", (1.0, 2.0), True, True),
    ("[7]", (7.0,), True, True),
    ("3.4e38", (3.4e38,), False, False),
]


@pytest.mark.parametrize(("text", "numbers", "is_vector", "integers"), ACCEPTED)
def test_parse_values_accepts(text, numbers, is_vector, integers):
    values = parse_values(text)
    assert values.numbers == numbers
    assert values.is_vector is is_vector
    assert values.integer_literals is integers
    assert values.text == text


# text -> (fragment of the message, column or None)
REFUSED = [
    ("", "no number given", None),
    ("   ", "no number given", None),
    ("nan", "'nan' is not a finite number", 1),
    ("NaN", "is not a finite number", 1),
    ("+nan", "is not a finite number", 1),
    ("inf", "'inf' is not a finite number", 1),
    ("-inf", "is not a finite number", 1),
    ("Infinity", "is not a finite number", 1),
    ("1, nan", "'nan' is not a finite number", 4),
    ("1e39", "too large for float32", 1),
    ("-1e400", "too large for float32", 1),
    ("abc", "'abc' is not a number", 1),
    (" 3 , x", "'x' is not a number", 6),
    ("[1,x]", "'x' is not a number", 4),
    ("[1, 2, 3x]", "'3x' is not a number", 8),
    ("1_000", "is not a number", 1),
    ("0x10", "is not a number", 1),
    ("3.0.0", "is not a number", 1),
    ("1e", "is not a number", 1),
    ("3 4", "'3 4' is not a number", 1),
    ("3;4", "is not a number", 1),
    ("3]", "is not a number", 1),
    ("(3)", "is not a number", 1),
    ("3,", "a number is missing between commas", 3),
    ("3,,4", "a number is missing between commas", 3),
    (",3", "a number is missing between commas", 1),
    ("[]", "an empty vector: give at least one number", 2),
    ("  [  ]", "an empty vector: give at least one number", 4),
    ("[,]", "a number is missing between commas", 2),
    ("[3, 4", "'[' is never closed", 5),
    ("[[3]]", "is not a number", 2),
    ("__import__('os')", "is not a number", 1),
]


@pytest.mark.parametrize(("text", "fragment", "column"), REFUSED)
def test_parse_values_refuses(text, fragment, column):
    with pytest.raises(ValueParseError) as info:
        parse_values(text)
    assert fragment in info.value.message
    assert info.value.column == column
    if column:  # the column counts in the text the caret is drawn under
        assert info.value.text == text
    if column:
        assert str(info.value).endswith(f"(column {column})")


def test_bad_token_text_is_cut_short_in_the_message():
    with pytest.raises(ValueParseError) as info:
        parse_values("1," + "z" * 100)
    assert len(info.value.message) < 60
    assert info.value.column == 3


def test_too_long():
    # at most MAX_LENGTH numbers ...
    assert len(parse_values(",".join(["1"] * MAX_LENGTH)).numbers) == MAX_LENGTH
    with pytest.raises(ValueParseError, match="the limit is 10,000"):
        parse_values(",".join(["1"] * (MAX_LENGTH + 1)))
    # ... and a bounded amount of text
    with pytest.raises(ValueParseError, match="too much text"):
        parse_values("1" * (MAX_LENGTH * 24 + 1))
    with pytest.raises(ValueParseError, match="too much text"):
        parse_values(" " * 1_000_000 + "3")


def test_not_text():
    with pytest.raises(ValueParseError):
        parse_values(3)  # type: ignore[arg-type]


def test_literal_reads_as_python_source():
    assert parse_values("3").literal() == "3"
    assert parse_values("3.").literal() == "3."
    assert parse_values("3.0").literal() == "3."
    assert parse_values("0.5").literal() == "0.5"
    assert parse_values("3,5,12").literal() == "[3, 5, 12]"
    assert parse_values("[3., 4.5]").literal() == "[3., 4.5]"
    assert format_number(1e-05) == "1e-05"
    assert format_number(-2.0) == "-2."
    assert format_number(7.0, as_int=True) == "7"


# --- to_tensor: the tensor torch.tensor(...) builds -------------------------------------

DTYPE_CASES = [
    ("3", "float32", torch.tensor(3.0, dtype=torch.float32)),
    ("3", "float64", torch.tensor(3.0, dtype=torch.float64)),
    ("3", "int64", torch.tensor(3)),
    ("3", "auto", torch.tensor(3)),
    ("3.", "auto", torch.tensor(3.0)),
    ("3.5", "auto", torch.tensor(3.5)),
    ("3,5,12", "auto", torch.tensor([3, 5, 12])),
    ("3,5.,12", "auto", torch.tensor([3, 5.0, 12])),
    ("[3., 4.]", "float64", torch.tensor([3.0, 4.0], dtype=torch.float64)),
    ("[7]", "auto", torch.tensor([7])),
    ("-2", "int64", torch.tensor(-2)),
    ("3.7", "int64", torch.tensor(int(3.7))),
]


@pytest.mark.parametrize(("text", "dtype", "expected"), DTYPE_CASES)
def test_to_tensor(text, dtype, expected):
    tensor = parse_values(text).to_tensor(dtype)
    assert tensor.dtype == expected.dtype
    assert tensor.shape == expected.shape
    assert torch.equal(tensor, expected)


def test_to_tensor_default_is_float32():
    assert parse_values("3").to_tensor().dtype == torch.float32


def test_to_tensor_unknown_dtype():
    with pytest.raises(ValueParseError, match="unknown dtype 'float16'"):
        parse_values("3").to_tensor("float16")


def test_auto_integers_cannot_require_grad_as_in_torch():
    with pytest.raises(RuntimeError) as ours:
        parse_values("3").to_tensor("auto").requires_grad_()
    with pytest.raises(RuntimeError) as theirs:
        torch.tensor(3).requires_grad_()
    assert str(ours.value) == str(theirs.value)


def test_values_built_by_hand():
    values = Values((1.0, 2.0), True, False)
    assert torch.equal(values.to_tensor(), torch.tensor([1.0, 2.0]))
    assert values.literal() == "[1., 2.]"


# --- parse_assignments ------------------------------------------------------------------


def test_assignments_by_name():
    result = parse_assignments(["x=3", "w=1,2", " b = [0.5] "])
    assert list(result) == ["x", "w", "b"]
    assert result["x"].numbers == (3.0,) and result["x"].integer_literals
    assert result["w"].numbers == (1.0, 2.0) and result["w"].is_vector
    assert result["b"].numbers == (0.5,) and result["b"].is_vector
    assert not result["b"].integer_literals


@pytest.mark.parametrize(
    "items",
    [["x=3; w=1,2; b=[0.5]"], ["x=3;w=1,2;", "b = [0.5]"], ["x=3", "w=1,2", "b=[0.5]"]],
)
def test_several_names_separated_by_semicolons_or_given_one_by_one(items):
    parsed = parse_assignments(items)
    assert {k: (v.numbers, v.is_vector, v.integer_literals) for k, v in parsed.items()} == {
        "x": ((3.0,), False, True),
        "w": ((1.0, 2.0), True, True),
        "b": ((0.5,), True, False),
    }


def test_a_single_unnamed_value():
    result = parse_assignments(["3,5"])
    assert list(result) == [""]
    assert result[""].numbers == (3.0, 5.0)


def test_no_items():
    assert parse_assignments([]) == {}


@pytest.mark.parametrize(
    ("items", "fragment", "column"),
    [
        (["3", "4"], "with several values, name each one", None),
        (["x=3", "4"], "with several values, name each one", None),
        (["4", "x=3"], "with several values, name each one", None),
        (["=3"], "'' is not a variable name", None),
        (["1x=3"], "'1x' is not a variable name", None),
        (["_x=3"], "is not a variable name", None),
        (["x y=3"], "is not a variable name", None),
        (["x" * 33 + "=3"], "is not a variable name", None),
        (["x=3", "x=4"], "'x' is given twice", None),
        (["x=abc"], "x: 'abc' is not a number", 3),  # columns count in the whole text
        (["w=1,,2"], "w: a number is missing between commas", 5),
        (["x=1; y = 2,z"], "y: 'z' is not a number", 12),
        (["x="], "x: no number given", None),
        (["x=nan"], "x: 'nan' is not a finite number", 3),
        (["x=3=4"], "x: '3=4' is not a number", 3),
        (["x=3; x=4"], "'x' is given twice", None),
        (["x=3; 4"], "with several values, name each one", None),
        (["3; 4"], "'3; 4' is not a number", 1),
    ],
)
def test_assignments_refused(items, fragment, column):
    with pytest.raises(ValueParseError) as info:
        parse_assignments(items)
    assert fragment in info.value.message
    assert info.value.column == column
    if column:  # the column counts in the text the caret is drawn under
        assert info.value.text == items[0]


def test_non_ascii_digits_are_refused_like_in_expressions():
    with pytest.raises(ValueParseError, match="is not a number"):
        parse_values("３")
