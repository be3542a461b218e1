"""How a lesson's code lines wrap and how its tables share a narrow pane (no app needed)."""

from __future__ import annotations

from textual.content import Content

from gradtui.ui.widgets.prose_blocks import column_widths, wrap_code


def rows(code: str, width: int) -> list[str]:
    return [row.plain for row in wrap_code(Content(code), width)]


def test_a_line_that_fits_is_left_alone():
    assert rows("y = f(x)\ny", 20) == ["y = f(x)", "y"]


def test_a_long_line_goes_on_in_marked_rows_that_fit():
    assert rows("x = torch.tensor(3.).requires_grad_()", 24) == [
        "x = torch.tensor(3.)",
        "↪ .requires_grad_()",
    ]
    for width in range(8, 40):
        shown = rows("speed = torch.randn(20)*3 + 0.75*(time-9.5)**2 + 1", width)
        assert all(len(row) <= width for row in shown)
        text = shown[0] + "".join(row.removeprefix("↪ ") for row in shown[1:])
        assert text == "speed = torch.randn(20)*3 + 0.75*(time-9.5)**2 + 1"


def test_continuation_rows_keep_the_indentation_and_tokens_stay_whole():
    shown = rows("    x -= x.grad * lr  # 1e-5 ** 2 == 1e-10", 21)
    assert shown[0].startswith("    x -= ")
    assert all(row.startswith("    ↪ ") for row in shown[1:])
    joined = " ".join(shown)
    for token in ("-=", "**", "==", "1e-5", "1e-10", "x.grad"):
        assert token in joined


def test_a_word_longer_than_the_row_is_cut_at_the_width():
    assert rows("abcdefghijkl", 8) == ["abcdefgh", "↪ ijkl"]


def test_table_columns_take_their_text_when_it_fits():
    table = [["h", "x.grad"], ["0", "6"]]
    assert column_widths(table, 20) == [1, 6]


def test_short_columns_keep_their_words_and_the_long_one_wraps():
    table = [["mark", "optimizer", "the step"], ["s", "plain SGD", "p -= p.grad * lr, the loop"]]
    widths = column_widths(table, 30)
    assert widths[:2] == [4, 9] and sum(widths) == 30
    assert widths[2] >= len("p.grad")


def test_a_table_whose_words_cannot_fit_side_by_side_is_stacked():
    assert column_widths([["step", "x, not zeroed"], ["1", "13.392 = 13.44 - 0.048"]], 9) is None
