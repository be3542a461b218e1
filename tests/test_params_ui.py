"""The parameters panel: torch's values and .grad, whole numbers at any width."""

from __future__ import annotations

import math
import re

import pytest
import torch
from ui_support import ready, screen_text, wait_for

from gradtui.curriculum.progress import ProgressStore
from gradtui.engine.training.examples import example_problem
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.widgets.params_table import DIGITS, ParamsTable, arrange
from gradtui.ui.widgets.playground_view import PlaygroundView

NUMBER = re.compile(r"-?(?:\d+\.?\d*(?:e[+-]\d+)?|inf|nan)|None")
SCROLLBAR = re.compile("[\u2580-\u259f]")  # the block glyphs a scrollbar is drawn with
SUBTITLE_DIGITS = re.compile(r"(\d) (?:significant )?digits")


def fit_by_hand(steps: int, lr: float = 1e-5) -> tuple[dict, dict]:
    """The roller-coaster fit in plain torch: a, b, c after ``steps`` updates and their
    .grad there (the loss's backward at those values)."""
    problem = example_problem("roller-coaster")
    t = torch.tensor(problem.data["t"])
    speed = torch.tensor(problem.targets)
    params = {n: problem.start[n].to_tensor("float32").requires_grad_() for n in "abc"}
    a, b, c = params.values()
    for step in range(steps + 1):
        loss = ((a * t**2.0 + b * t + c - speed) ** 2).mean()
        loss.backward()
        if step == steps:
            break
        with torch.no_grad():
            for p in params.values():
                p -= p.grad * lr
                p.grad.zero_()
    return (
        {n: p.item() for n, p in params.items()},
        {n: p.grad.item() for n, p in params.items()},
    )


def panel(text: str) -> tuple[list[str], str]:
    """The parameters panel's lines inside its border, and the subtitle in its bottom edge."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if "─ parameters ─" in line)
    left = lines[top].rindex("╭", 0, lines[top].index("─ parameters ─"))
    right = lines[top].index("╮", left)
    inside = []
    for line in lines[top + 1 :]:
        line = line.ljust(right + 1)
        if line[left] == "╰":
            return inside, line[left + 1 : right].strip("─ ")
        inside.append(SCROLLBAR.sub(" ", line[left + 1 : right]))
    raise AssertionError("the panel has no bottom edge on screen")


def read_numbers(inside: list[str]) -> dict[str, str]:
    """``{"a": value, "a.grad": grad}`` from the panel's lines, in columns or stacked."""
    found = {}
    for line in inside:
        words = line.split()
        if not words or words[:2] in (["param", "value"], ["value", ".grad"]):
            continue
        if len(words) >= 3 and words[1] == "=":  # stacked: a = 1.5 / a.grad = 3
            found[words[0]] = words[2]
        elif NUMBER.fullmatch(words[0]) is None and len(words) >= 3:  # a  1.5  3
            found[words[0]], found[f"{words[0]}.grad"] = words[1], words[2]
    return found


def agrees(shown: str, value: float, digits: int) -> bool:
    """``shown`` is ``value`` rounded to ``digits`` significant digits (a last-bit slack)."""
    if value == 0:
        return float(shown) == 0
    unit = 10 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return abs(float(shown) - value) <= 0.5 * unit * (1 + 1e-6)


def check_panel(inside: list[str], subtitle: str, values: dict, grads: dict) -> None:
    """Every number in the panel whole and equal to torch's to the digits it shows."""
    match = SUBTITLE_DIGITS.search(subtitle)
    digits = int(match.group(1)) if match else DIGITS[0]
    shown = read_numbers(inside)
    expected = {**values, **{f"{n}.grad": g for n, g in grads.items()}}
    assert set(shown) == set(expected), (shown, inside)
    for key, text_number in shown.items():
        assert NUMBER.fullmatch(text_number), (key, text_number, inside)
        assert agrees(text_number, expected[key], digits), (key, text_number, expected[key])


async def read_panel(pilot) -> tuple[list[str], str]:
    """The whole panel: scrolled into view, and read again scrolled to its end if it
    scrolls (stacked lines may be more than fit)."""
    table = pilot.app.screen.query_one(ParamsTable)
    table.scroll_visible(animate=False)
    await pilot.pause(0.2)
    inside, subtitle = panel(screen_text(pilot.app))
    if table.virtual_size.height > table.size.height:
        table.scroll_end(animate=False)
        await pilot.pause(0.2)
        inside += panel(screen_text(pilot.app))[0]
    return inside, subtitle


async def test_the_panel_shows_torchs_values_and_grads():
    app = GradApp(sandbox=Playground().switch_mode("fit"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        for _ in range(2):
            await pilot.press("s")
        await wait_for(pilot, lambda: view.snapshot.step == 2)
        await ready(pilot)
        values, grads = fit_by_hand(2)
        inside, subtitle = panel(screen_text(app))
        assert subtitle == ""  # 6 significant digits, in columns
        assert inside[0].split() == ["param", "value", ".grad"]
        for line, name in zip(inside[1:4], "abc", strict=True):
            assert line.split() == [name, f"{values[name]:.6g}", f"{grads[name]:.6g}"]


async def test_a_vector_shows_its_first_items_and_its_grad():
    app = GradApp(sandbox=Playground(fn="(w**2).sum()", start="w=1,2,3,4,5,6,7,8"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        w = torch.arange(1.0, 9.0).requires_grad_()
        (w**2).sum().backward()
        inside, _ = panel(screen_text(app))
        value, grad = re.findall(r"\[[^\]]*\]", inside[1])
        assert value.startswith("[1, 2, 3, ") and value.endswith(", …]")
        items = grad.strip("[]").split(", ")
        assert items[-1] == "…" and len(items) > 2
        assert [float(i) for i in items[:-1]] == w.grad.tolist()[: len(items) - 1]


async def test_at_80x24_no_number_is_cut_in_the_roller_coaster_lesson(tmp_path):
    app = GradApp(lesson="8", store=ProgressStore(tmp_path / "p.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        assert view.playground.fn == "a*t**2 + b*t + c"  # the fit fit_by_hand makes
        await pilot.press("s")
        await wait_for(pilot, lambda: view.snapshot.step == 1)
        await ready(pilot)
        check_panel(*await read_panel(pilot), *fit_by_hand(1))


@pytest.mark.parametrize("width", [40, 30, 25, 22, 20, 19, 16])
async def test_at_80x24_a_narrower_panel_drops_digits_or_stacks_and_says_so(width):
    app = GradApp(sandbox=Playground().switch_mode("fit"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        await pilot.press("s")
        await wait_for(pilot, lambda: view.snapshot.step == 1)
        table = app.screen.query_one(ParamsTable)
        table.styles.width = width
        await ready(pilot)
        inside, subtitle = await read_panel(pilot)
        assert subtitle in table.arranged.notes  # the longest that fits the border
        if "too narrow" in subtitle:
            assert not re.search(r"\d", "".join(inside)), inside
        else:
            check_panel(inside, subtitle, *fit_by_hand(1))


def test_every_width_shows_whole_numbers_or_says_it_is_too_narrow():
    rows = [
        ("a", -0.23388, -23140.3),
        ("b", 1.5e-7, None),
        ("weight", [0.125, -3.5, 12345678.0, 1e-9], [2.0, 4.0, 6.0, 8.0]),
    ]
    seen = set()
    for width in range(0, 100):
        layout = arrange(rows, width)
        seen.add((layout.stacked, layout.digits))
        assert [len(text) for text, _ in layout.lines] == [width] * len(layout.lines)
        if layout.rank < 0:
            assert "too narrow" in layout.notes[0]
            continue
        words = " ".join(text for text, _ in layout.lines).replace("[", " ").replace("]", " ")
        numbers = [w.rstrip(",") for w in words.split() if w[0] in "-0123456789Nn"]
        for number in numbers:
            assert NUMBER.fullmatch(number), (width, number, layout.lines)
        for shown, value in ((numbers[0], -0.23388), (numbers[1], -23140.3)):
            assert agrees(shown, value, layout.digits), (width, shown)
        assert (layout.notes == ("",)) == (not layout.stacked and layout.digits == DIGITS[0])
    # full columns, fewer digits, stacked and too narrow all happened
    assert {(False, 6), (False, 5), (True, 6), (False, 0)} <= seen, seen


def test_a_run_keeps_columns_from_narrowing_and_digits_from_coming_back():
    narrow = arrange([("x", 1.23456, -0.5)], 16)  # 4 digits to fit the width...
    assert narrow.digits == 4
    later = arrange([("x", 1.5, 0.25)], 16, floor=narrow)  # ...and the next frame's numbers
    assert later.digits == 4  # would fit 6: while the run goes it keeps 4
    assert arrange([("x", 1.5, 0.25)], 16).digits == 6  # at rest, 6 again
    wide = arrange([("x", 1.23456, -0.5)], 40)
    assert arrange([("x", 1.5, 0.25)], 40, floor=wide).widths == wide.widths == (5, 7, 5)
    assert arrange([("x", 1.5, 0.25)], 40).widths == (5, 5, 5)


async def test_during_a_run_columns_never_narrow_and_at_rest_they_fit_the_numbers():
    # lr 0.5 on x**2 lands on 0 at once: 3.14159 and its grad 6.28318 become 0 and 0
    app = GradApp(sandbox=Playground(fn="x**2", start="3.14159", lr=0.5, max_steps=None))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        table = app.screen.query_one(ParamsTable)
        view = app.screen.query_one(PlaygroundView)
        view.speed_index = len(view.SPEEDS) - 1
        widths = [table.arranged.widths]
        assert widths[0] == (5, 7, 7)
        await pilot.press("space")
        for _ in range(40):
            widths.append(table.arranged.widths)
            await pilot.pause(0.02)
        await pilot.press("space")  # pause
        await ready(pilot)
        assert table.rows == (("x", 0.0, 0.0),)
        assert set(widths) == {(5, 7, 7)}  # the columns stayed put while it ran
        assert table.arranged == arrange(table.rows, table.content_size.width)
        assert table.arranged.widths == (5, 5, 5)  # at rest they fit "0" and their labels
